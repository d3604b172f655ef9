"""A real SMTP server for the API tests: Debian's aiosmtpd, STARTTLS required before AUTH,
AUTH required before mail, each accepted message saved as <n>.eml in OUT_DIR with an
X-Envelope-To header. Prints "ready" once listening; runs until killed.

usage: smtp_server.py PORT CERT_PEM KEY_PEM OUT_DIR USER PASSWORD
"""
import os
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, cert, key, out_dir, user, password = sys.argv[1:7]


class SaveToDirectory:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        header = ("X-Envelope-To: " + ",".join(envelope.rcpt_tos) + "\r\n").encode()
        path = os.path.join(out_dir, f"{self.count}.eml")
        with open(path + ".part", "wb") as f:
            f.write(header + envelope.original_content)
        os.rename(path + ".part", path)
        return "250 OK"


def authenticate(server, session, envelope, mechanism, auth_data):
    good = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == user.encode()
        and auth_data.password == password.encode()
    )
    # handled=False: aiosmtpd answers 535 itself (its default assumes the hook replied).
    return AuthResult(success=good, handled=False)


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
controller = Controller(
    SaveToDirectory(),
    hostname="127.0.0.1",
    port=int(port),
    tls_context=context,
    require_starttls=True,
    authenticator=authenticate,
    auth_required=True,
    auth_require_tls=True,
)
controller.start()
print("ready", flush=True)
threading.Event().wait()
