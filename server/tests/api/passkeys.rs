//! Passkeys, tried as an attacker would: an answer made on a phishing site (another origin),
//! an answer replayed, a challenge used twice or late, another customer's credential, a
//! copied key, a 振込 approval carried over to another amount, and the weaker path where the
//! bank requires passkeys. A software authenticator (testkit) makes real P-256 answers.

use netbank_api::input::{LoginId, NoticeAddress};
use netbank_api::passkey::PasskeyChallenge;
use netbank_api::ErrorReason;
use netbank_server::config::Policy;
use netbank_server::operator::customers::{self, CustomerRef};
use netbank_server::operator::passkeys as passkey_operator;
use netbank_testkit::authenticator::SoftAuthenticator;
use serde_json::{json, Value};

use crate::banking_helpers::{draft, Holder};
use crate::helpers::{error_reason, join_all, session_cookie, spawn_app, spawn_app_with, TestApp};
use crate::otp_helpers::LOGIN_PASSWORD;

impl TestApp {
    /// The customer's browser on the bank's own origin.
    pub fn authenticator(&self) -> SoftAuthenticator {
        SoftAuthenticator::new(&self.state.relying_party.origin())
    }

    async fn challenge(&self, path: &str, body: &Value, session: Option<&str>) -> PasskeyChallenge {
        let response = self.post(path, body, session).await;
        assert_eq!(response.status(), 200, "challenge from {path}");
        response.json().await.unwrap()
    }

    /// BPK002 through to 登録, proven by a passkey the authenticator already holds for this
    /// customer, or (holding none) by a 確認コード: the registration's answer.
    pub async fn register_passkey(
        &self,
        session: &str,
        authenticator: &mut SoftAuthenticator,
        name: &str,
    ) -> reqwest::Response {
        let proof = self.enrolment_proof(session, authenticator).await;
        self.register_passkey_with(session, authenticator, name, proof).await
    }

    /// The step-up of an enrolment: `approver`'s passkey answering a challenge bound to a
    /// passkey's registration, or a 確認コード where it holds none.
    pub async fn enrolment_proof(&self, session: &str, approver: &mut SoftAuthenticator) -> Value {
        if approver.credentials.is_empty() {
            return self.mail_code_proof(session, "passkey").await;
        }
        let challenge =
            self.challenge("/api/enrolment/approval", &json!({ "purpose": "passkey" }), Some(session)).await;
        json!({ "method": "passkey", "ceremony": challenge.ceremony, "credential": approver.get(&challenge.options) })
    }

    /// The step-up with the token's current code.
    pub fn otp_proof(&self, token: &crate::otp_helpers::Token) -> Value {
        self.clock().advance(30);
        json!({ "method": "otp", "code": token.code_at(self.clock().now()) })
    }

    /// A registration challenge for a request proven by `proof`.
    pub async fn registration_challenge(&self, session: &str, proof: Value) -> PasskeyChallenge {
        self.challenge("/api/passkeys/registration/options", &json!({ "step_up": proof }), Some(session)).await
    }

    pub async fn register_passkey_with(
        &self,
        session: &str,
        authenticator: &mut SoftAuthenticator,
        name: &str,
        proof: Value,
    ) -> reqwest::Response {
        let challenge = self.registration_challenge(session, proof).await;
        let credential = authenticator.create(&challenge.options);
        let body = json!({ "ceremony": challenge.ceremony, "credential": credential, "name": name });
        self.post("/api/passkeys", &body, Some(session)).await
    }

    pub async fn login_challenge(&self) -> PasskeyChallenge {
        self.challenge("/api/passkeys/login/options", &json!({}), None).await
    }

    async fn passkey_login(&self, ceremony: &str, credential: &str) -> reqwest::Response {
        self.post("/api/passkeys/login", &json!({ "ceremony": ceremony, "credential": credential }), None).await
    }

    /// 「パスキーでログイン」 with the authenticator's first passkey.
    pub async fn logged_in_with_passkey(&self, authenticator: &mut SoftAuthenticator) -> String {
        let challenge = self.login_challenge().await;
        let response = self.passkey_login(&challenge.ceremony, &authenticator.get(&challenge.options)).await;
        assert_eq!(response.status(), 200, "passkey login");
        session_cookie(&response).unwrap()
    }

    async fn session_levels(&self) -> Vec<String> {
        self.texts("SELECT level FROM sessions WHERE level <> $1 ORDER BY created_at", "").await
    }

    async fn audit_details(&self, event: &str) -> Vec<String> {
        self.texts("SELECT COALESCE(detail, '') FROM audit_log WHERE event = $1 ORDER BY id", event).await
    }

    /// The first column of every row `sql` (one text parameter) selects.
    async fn texts(&self, sql: &str, parameter: &str) -> Vec<String> {
        use sqlx::Row;
        let rows = sqlx::query(sql).bind(parameter).fetch_all(&self.state.db).await.unwrap();
        rows.iter().map(|row| row.get::<String, _>(0)).collect()
    }
}

/// ヤマダ タロウ with a token in use and a passkey in `authenticator`.
async fn holder_with_passkey(app: &TestApp, authenticator: &mut SoftAuthenticator) -> Holder {
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let proof = app.otp_proof(taro.token.as_ref().unwrap());
    assert_eq!(app.register_passkey_with(&taro.session, authenticator, "iPhone", proof).await.status(), 201);
    taro
}

/// Taro (a token, a passkey on his phone) about to pay ヤマダ ハナコ `amount` yen: his phone,
/// both holders and the 振込's body.
async fn paying_hanako(app: &TestApp, amount: i64) -> (SoftAuthenticator, Holder, Holder, Value) {
    let mut phone = app.authenticator();
    let taro = holder_with_passkey(app, &mut phone).await;
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    let body = draft(&taro.ordinary, &hanako.ordinary, "ordinary", amount);
    (phone, taro, hanako, body)
}

#[tokio::test]
async fn a_customer_registers_a_passkey_and_logs_in_with_it_alone() {
    let app = spawn_app().await;
    let mut phone = app.authenticator();
    let taro = holder_with_passkey(&app, &mut phone).await;
    let address = NoticeAddress::parse("taro01@notice.example").unwrap();
    customers::set_notice_address(
        &app.state.db,
        app.clock(),
        CustomerRef::LoginId(&LoginId::parse("taro01").unwrap()),
        &address,
        &netbank_server::audit::Actor::operator_cli(),
    )
    .await
    .unwrap();
    assert_eq!(app.register_passkey(&taro.session, &mut phone, "会社のPC").await.status(), 201);

    let list: Value = app.get_with_session("/api/passkeys", &taro.session).await.json().await.unwrap();
    let names: Vec<&str> = list["passkeys"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["iPhone", "会社のPC"]);
    assert!(list["passkeys"][0]["last_used_at"].is_string(), "the iPhone approved the second's registration");
    assert!(list["passkeys"][1].get("last_used_at").is_none());
    assert_eq!(list["registration_needs_password"], false);
    app.deliver_mail().await;
    let mails = app.mailbox().await;
    // The bank's mail never copies the customer's label for the passkey (it could be a link).
    let notices: Vec<&Value> =
        mails.iter().filter(|m| m["subject"].as_str().unwrap().contains("パスキー登録のお知らせ")).collect();
    assert_eq!(notices.len(), 2);
    assert!(notices
        .iter()
        .all(|m| !m["body"].as_str().unwrap().contains("会社のPC") && !m["body"].as_str().unwrap().contains("iPhone")));

    // The login page: one step, no login ID, no password, no code.
    app.post("/api/logout", &json!({}), Some(&taro.session)).await;
    let session = app.logged_in_with_passkey(&mut phone).await;
    let me: Value = app.get_with_session("/api/me", &session).await.json().await.unwrap();
    assert_eq!(me["login_id"], "taro01");
    assert_eq!(me["passkeys"], 2);
    assert_eq!(app.session_levels().await, ["passkey"]);
    let list: Value = app.get_with_session("/api/passkeys", &session).await.json().await.unwrap();
    assert!(list["passkeys"][0]["last_used_at"].is_string(), "{list}");
}

#[tokio::test]
async fn a_session_that_proved_only_the_password_must_give_it_again_to_register() {
    let app = spawn_app().await;
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    let asked = app.post("/api/passkeys/registration/options", &json!({}), Some(&hanako.session)).await;
    assert_eq!(asked.status(), 422);
    assert_eq!(asked.json::<Value>().await.unwrap()["field"], "login_password");
    let wrong = app
        .post("/api/passkeys/registration/options", &json!({ "login_password": "wrong123" }), Some(&hanako.session))
        .await;
    assert_eq!(error_reason(wrong).await, ErrorReason::WrongCurrentPassword);
    assert_eq!(app.count("SELECT COUNT(*) FROM passkey_ceremonies").await, 0, "nothing handed out");

    let body =
        json!({ "login_password": LOGIN_PASSWORD, "step_up": app.mail_code_proof(&hanako.session, "passkey").await });
    let challenge = app.challenge("/api/passkeys/registration/options", &body, Some(&hanako.session)).await;
    let mut phone = app.authenticator();
    let credential = phone.create(&challenge.options);
    let options: Value = serde_json::from_str(&challenge.options).unwrap();
    assert_eq!(options["publicKey"]["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(options["publicKey"]["authenticatorSelection"]["userVerification"], "required");
    let registered = app
        .post(
            "/api/passkeys",
            &json!({ "ceremony": challenge.ceremony, "credential": credential, "name": "iPad" }),
            Some(&hanako.session),
        )
        .await;
    assert_eq!(registered.status(), 201);
    // A customer without a token may now send a 振込: the passkey is the second factor.
    app.post("/api/logout", &json!({}), Some(&hanako.session)).await;
    let session = app.logged_in_with_passkey(&mut phone).await;
    let me: Value = app.get_with_session("/api/me", &session).await.json().await.unwrap();
    assert_eq!(me["login_id"], "hana01");
}

#[tokio::test]
async fn bad_registrations_change_nothing() {
    let app = spawn_app().await;
    let mut phone = app.authenticator();
    let taro = holder_with_passkey(&app, &mut phone).await;
    // A bad name or an answer that is not a credential: refused by field, the challenge kept.
    let proof = app.enrolment_proof(&taro.session, &mut phone).await;
    let challenge = app.registration_challenge(&taro.session, proof).await;
    let credential = phone.create(&challenge.options);
    for (name, credential, field) in [("", credential.as_str(), "name"), ("Pixel", "{}", "credential")] {
        let body = json!({ "ceremony": challenge.ceremony, "credential": credential, "name": name });
        let refused = app.post("/api/passkeys", &body, Some(&taro.session)).await;
        assert_eq!(refused.status(), 422);
        assert_eq!(refused.json::<Value>().await.unwrap()["field"], field);
    }
    // The same authenticator's credential registered twice (a replayed registration).
    let body = json!({ "ceremony": challenge.ceremony, "credential": credential, "name": "Pixel" });
    assert_eq!(app.post("/api/passkeys", &body, Some(&taro.session)).await.status(), 201);
    let proof = app.enrolment_proof(&taro.session, &mut phone).await;
    let again = app.registration_challenge(&taro.session, proof).await;
    let body = json!({ "ceremony": again.ceremony, "credential": credential, "name": "Pixel" });
    assert_eq!(
        error_reason(app.post("/api/passkeys", &body, Some(&taro.session)).await).await,
        ErrorReason::PasskeyRefused
    );
    // An authenticator that does not verify the customer (no fingerprint, no PIN).
    let mut key = app.authenticator();
    key.verifies_user = false;
    let proof = app.enrolment_proof(&taro.session, &mut phone).await;
    assert_eq!(
        error_reason(app.register_passkey_with(&taro.session, &mut key, "USB", proof).await).await,
        ErrorReason::PasskeyRefused
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 2);
}

/// Ten passkeys at most, also when a stolen session (or an impatient customer) answers many
/// registration challenges opened at nine all at once.
#[tokio::test]
async fn a_hundred_registrations_finished_at_once_at_nine_passkeys_add_one() {
    let app = spawn_app().await;
    let mut keys = app.authenticator();
    let taro = holder_with_passkey(&app, &mut keys).await;
    for n in 2..=9 {
        assert_eq!(app.register_passkey(&taro.session, &mut keys, &format!("鍵{n}")).await.status(), 201);
    }
    let mut bodies = Vec::new();
    for n in 0..100 {
        let proof = app.enrolment_proof(&taro.session, &mut keys).await;
        let challenge = app.registration_challenge(&taro.session, proof).await;
        let credential = keys.create(&challenge.options);
        bodies.push(json!({ "ceremony": challenge.ceremony, "credential": credential, "name": format!("予備{n}") }));
    }
    let sends = bodies.iter().map(|body| app.post("/api/passkeys", body, Some(&taro.session))).collect();
    let mut statuses: Vec<u16> = Vec::new();
    for response in join_all(sends).await {
        let status = response.status().as_u16();
        if status == 422 {
            assert!(response.json::<Value>().await.unwrap()["message"].as_str().unwrap().contains("10件まで"));
        }
        statuses.push(status);
    }
    assert_eq!(statuses.iter().filter(|&&s| s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&s| s == 422).count(), 99, "{statuses:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 10);
    assert_eq!(app.count("SELECT COUNT(*) FROM passkey_ceremonies").await, 0, "every challenge spent");
    assert_eq!(app.audit_details("passkey_register").await.iter().filter(|d| *d == "too_many_passkeys").count(), 99);
    let asked = app.post("/api/passkeys/registration/options", &json!({}), Some(&taro.session)).await;
    assert_eq!(asked.status(), 422, "the eleventh is refused before the browser is asked");
}

/// 停止 holds every way in: a thief with the password guesses codes until the one-time
/// password stops; the customer's own passkey is then refused too (told why, no session, the
/// challenge spent) until the branch lifts the stop. An answer that is not the passkey's
/// holder's (a phishing page's) learns nothing of the stop.
#[tokio::test]
async fn a_stopped_one_time_password_stops_the_passkey_login_until_the_branch_lifts_it() {
    let app = spawn_app().await;
    let (session, token) = app.customer_with_active_token("taro01", LOGIN_PASSWORD).await;
    let mut phone = app.authenticator();
    let proof = app.otp_proof(&token);
    assert_eq!(app.register_passkey_with(&session, &mut phone, "iPhone", proof).await.status(), 201);
    let pending = app.password_step("taro01", LOGIN_PASSWORD).await;
    let wrong = token.wrong_code(app.clock().now());
    for _ in 0..5 {
        app.submit_otp("/api/login/otp", &pending, &wrong).await;
    }

    let challenge = app.login_challenge().await;
    let phished = app
        .passkey_login(&challenge.ceremony, &phone.get_with(&challenge.options, 0, "https://netbank.example.phish"))
        .await;
    assert_eq!(error_reason(phished).await, ErrorReason::PasskeyRefused);
    let challenge = app.login_challenge().await;
    let refused = app.passkey_login(&challenge.ceremony, &phone.get(&challenge.options)).await;
    assert_eq!(refused.status(), 403);
    let body: netbank_api::ErrorBody = refused.json().await.unwrap();
    assert_eq!(body.reason, ErrorReason::OtpSuspended);
    assert!(body.message.contains("ワンタイムパスワード停止解除・初期化依頼書"));
    assert!(app.session_levels().await.is_empty(), "no session at any level");
    assert_eq!(app.count("SELECT COUNT(*) FROM passkey_ceremonies").await, 0, "the challenge is spent");
    assert!(app.audit_details("login").await.iter().any(|detail| detail == "otp_suspended"));

    let login_id = netbank_api::input::LoginId::parse("taro01").unwrap();
    netbank_server::operator::otp::lift_suspension(
        &app.state.db,
        app.clock(),
        &login_id,
        &netbank_server::audit::Actor::operator_cli(),
    )
    .await
    .unwrap();
    app.logged_in_with_passkey(&mut phone).await;
}

#[tokio::test]
async fn an_answer_made_for_another_origin_is_refused_and_spends_the_challenge() {
    let app = spawn_app().await;
    let mut phone = app.authenticator();
    holder_with_passkey(&app, &mut phone).await;
    let sessions_before = app.session_levels().await.len();
    // The phishing page relays the bank's challenge; the browser signs its own origin.
    let challenge = app.login_challenge().await;
    let phished = phone.get_with(&challenge.options, 0, "https://netbank-login.example");
    let refused = app.passkey_login(&challenge.ceremony, &phished).await;
    assert_eq!(refused.status(), 401);
    assert!(session_cookie(&refused).is_none());
    assert_eq!(error_reason(refused).await, ErrorReason::PasskeyRefused);
    // The relayed challenge is gone: the right answer to it is refused too.
    let genuine = phone.get(&challenge.options);
    assert_eq!(error_reason(app.passkey_login(&challenge.ceremony, &genuine).await).await, ErrorReason::PasskeyRefused);
    assert_eq!(app.session_levels().await.len(), sessions_before);
    assert!(
        app.audit_details("login_passkey").await.iter().any(|d| d.contains("origin")),
        "{:?}",
        app.audit_details("login_passkey").await
    );
}

#[tokio::test]
async fn a_replayed_answer_and_a_late_one_are_refused() {
    let app = spawn_app().await;
    let mut phone = app.authenticator();
    holder_with_passkey(&app, &mut phone).await;
    let challenge = app.login_challenge().await;
    let answer = phone.get(&challenge.options);
    assert_eq!(app.passkey_login(&challenge.ceremony, &answer).await.status(), 200);
    // The same answer again, and under a new challenge (it signed the old one).
    assert_eq!(error_reason(app.passkey_login(&challenge.ceremony, &answer).await).await, ErrorReason::PasskeyRefused);
    let fresh = app.login_challenge().await;
    assert_eq!(error_reason(app.passkey_login(&fresh.ceremony, &answer).await).await, ErrorReason::PasskeyRefused);
    // A challenge answered after its five minutes.
    let late = app.login_challenge().await;
    let answer = phone.get(&late.options);
    app.clock().advance(301);
    assert_eq!(
        error_reason(app.passkey_login(&late.ceremony, &answer).await).await,
        ErrorReason::PasskeyChallengeExpired
    );
    netbank_server::sweeper::sweep(&app.state).await.unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM passkey_ceremonies").await, 0, "expired challenges swept");
}

#[tokio::test]
async fn a_credential_is_good_only_for_its_own_customer() {
    let app = spawn_app().await;
    let mut taro_phone = app.authenticator();
    let taro = holder_with_passkey(&app, &mut taro_phone).await;
    let hanako = app.account_holder_with_token("hana01", "ヤマダ ハナコ", 0).await;
    let mut hanako_phone = app.authenticator();
    let proof = app.otp_proof(hanako.token.as_ref().unwrap());
    assert_eq!(app.register_passkey_with(&hanako.session, &mut hanako_phone, "Android", proof).await.status(), 201);

    // Taro's credential presented as Hanako's: the user handle is not signed, so an attacker
    // holding one key can rewrite it.
    let challenge = app.login_challenge().await;
    let mut answer: Value = serde_json::from_str(&taro_phone.get(&challenge.options)).unwrap();
    let hanako_handle = base64_url(&hanako_phone.credentials[0].user_handle);
    answer["response"]["userHandle"] = json!(hanako_handle);
    let refused = app.passkey_login(&challenge.ceremony, &answer.to_string()).await;
    assert_eq!(error_reason(refused).await, ErrorReason::PasskeyRefused);

    // Hanako's passkey approving Taro's 振込.
    let body = draft(&taro.ordinary, &hanako.ordinary, "ordinary", 10_000);
    let key = quote_key(&app, &taro.session, &body).await;
    let challenge = approval(&app, &taro.session, &body, &key).await;
    let options: Value = serde_json::from_str(&challenge.options).unwrap();
    assert_eq!(
        options["publicKey"]["allowCredentials"].as_array().unwrap().len(),
        1,
        "only Taro's own passkey is offered"
    );
    // The attacker's tooling answers with Hanako's key whatever the options allow.
    let origin = app.state.relying_party.origin();
    let answer = hanako_phone.get_with(&challenge.options, 0, &origin);
    let refused = transfer_with(&app, &taro.session, &body, &key, &challenge.ceremony, &answer).await;
    assert_eq!(error_reason(refused).await, ErrorReason::PasskeyRefused);
    assert_eq!(app.balance(&taro.ordinary).await, 100_000);
    assert!(app.audit_details("transfer").await.iter().any(|d| d == "another_customers_credential"));
}

#[tokio::test]
async fn a_transfer_approval_is_bound_to_its_amount_payee_and_confirmation() {
    let app = spawn_app().await;
    let (mut phone, taro, hanako, body) = paying_hanako(&app, 10_000).await;
    let quote: Value = app.quote(&taro.session, &body).await.json().await.unwrap();
    assert_eq!(quote["passkey_available"], true);
    assert_eq!(quote["otp_accepted"], true);
    let key = quote["idempotency_key"].as_str().unwrap().to_owned();

    // The approval of 10,000円 carried over to 90,000円: refused, nothing moves, and the
    // approval is spent.
    let challenge = approval(&app, &taro.session, &body, &key).await;
    let answer = phone.get(&challenge.options);
    let mut bigger = body.clone();
    bigger["amount"] = json!("90000");
    let refused = transfer_with(&app, &taro.session, &bigger, &key, &challenge.ceremony, &answer).await;
    assert_eq!(error_reason(refused).await, ErrorReason::PasskeyRefused);
    assert_eq!(app.balance(&taro.ordinary).await, 100_000);
    let refused = transfer_with(&app, &taro.session, &body, &key, &challenge.ceremony, &answer).await;
    assert_eq!(error_reason(refused).await, ErrorReason::PasskeyRefused);
    // …to another payee, and to another confirmation of the same transfer.
    let jiro = app.account_holder("jiro01", "ヤマダ ジロウ", 0).await;
    let other_payee = draft(&taro.ordinary, &jiro.ordinary, "ordinary", 10_000);
    let other_key = quote_key(&app, &taro.session, &body).await;
    for (carried_to, carried_key) in [(&other_payee, key.as_str()), (&body, other_key.as_str())] {
        let challenge = approval(&app, &taro.session, &body, &key).await;
        let answer = phone.get(&challenge.options);
        let refused = transfer_with(&app, &taro.session, carried_to, carried_key, &challenge.ceremony, &answer).await;
        assert_eq!(error_reason(refused).await, ErrorReason::PasskeyRefused);
    }
    assert_eq!(app.balance(&hanako.ordinary).await + app.balance(&jiro.ordinary).await, 0);
    assert!(app.audit_details("transfer").await.iter().any(|d| d == "binding_mismatch"));

    // The approval of this very transfer: done, and mailed like any 振込.
    let challenge = approval(&app, &taro.session, &body, &key).await;
    let answer = phone.get(&challenge.options);
    let done = transfer_with(&app, &taro.session, &body, &key, &challenge.ceremony, &answer).await;
    assert_eq!(done.status(), 200);
    assert_eq!(app.balance(&hanako.ordinary).await, 10_000);
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn one_approval_sent_100_times_at_once_moves_money_once() {
    let app = spawn_app().await;
    let (mut phone, taro, hanako, body) = paying_hanako(&app, 1_000).await;
    let key = quote_key(&app, &taro.session, &body).await;
    let challenge = approval(&app, &taro.session, &body, &key).await;
    let answer = phone.get(&challenge.options);
    let sends =
        (0..100).map(|_| transfer_with(&app, &taro.session, &body, &key, &challenge.ceremony, &answer)).collect();
    let mut receipts = Vec::new();
    for response in join_all(sends).await {
        assert_eq!(response.status(), 200);
        receipts.push(response.json::<Value>().await.unwrap()["receipt_no"].as_str().unwrap().to_owned());
    }
    receipts.dedup();
    assert_eq!(receipts.len(), 1, "one 受付番号");
    assert_eq!(app.balance(&hanako.ordinary).await, 1_000);
    assert_eq!(app.count("SELECT COUNT(*) FROM transfers WHERE kind = 'transfer'").await, 1);
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn a_copied_key_is_caught_by_its_counter_and_audited() {
    let app = spawn_app().await;
    let mut phone = app.authenticator();
    holder_with_passkey(&app, &mut phone).await;
    let mut copy = app.authenticator();
    copy.credentials = phone.credentials.clone();
    app.logged_in_with_passkey(&mut phone).await;
    // The copy signs with the counter the original has already used.
    let challenge = app.login_challenge().await;
    let refused = app.passkey_login(&challenge.ceremony, &copy.get(&challenge.options)).await;
    assert_eq!(error_reason(refused).await, ErrorReason::PasskeyRefused);
    assert_eq!(app.audit_details("passkey_clone_warning").await.len(), 1);
    // The original, a step ahead, still works.
    app.logged_in_with_passkey(&mut phone).await;
}

#[tokio::test]
async fn a_hundred_copies_of_a_key_answering_at_once_log_in_once() {
    let app = spawn_app().await;
    let mut phone = app.authenticator();
    holder_with_passkey(&app, &mut phone).await;
    // Each copy answers its own fresh challenge with the same next counter value: only the
    // conditional UPDATE on the counter read can tell them apart.
    let mut answers = Vec::new();
    for _ in 0..100 {
        let mut copy = app.authenticator();
        copy.credentials = phone.credentials.clone();
        let challenge = app.login_challenge().await;
        answers.push((challenge.ceremony, copy.get(&challenge.options)));
    }
    let logins = answers.iter().map(|(ceremony, answer)| app.passkey_login(ceremony, answer)).collect();
    let statuses: Vec<u16> = join_all(logins).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 99, "{statuses:?}");
    assert_eq!(app.audit_details("passkey_clone_warning").await.len(), 99);
    assert_eq!(app.count("SELECT sign_count FROM passkeys").await, 1);
}

#[tokio::test]
async fn where_the_bank_requires_passkeys_the_relayable_path_is_refused_to_those_who_have_one() {
    let mut policy = Policy { auth_requests_per_minute: 10_000, ..crate::helpers::test_policy() };
    policy.phishing_resistant.login = true;
    policy.phishing_resistant.transfer = true;
    let app = spawn_app_with(None, policy).await;
    let mut phone = app.authenticator();
    let taro = holder_with_passkey(&app, &mut phone).await;
    let hanako = app.account_holder_with_token("hana01", "ヤマダ ハナコ", 50_000).await;

    // 振込 with the code: refused to Taro, who has a passkey; Hanako, who has none, may.
    let body = draft(&taro.ordinary, &hanako.ordinary, "ordinary", 1_000);
    let quote: Value = app.quote(&taro.session, &body).await.json().await.unwrap();
    assert_eq!(quote["otp_accepted"], false);
    let code = app.fresh_code(&taro);
    let refused = app.transfer(&taro.session, &body, quote["idempotency_key"].as_str().unwrap(), Some(code)).await;
    assert_eq!(error_reason(refused).await, ErrorReason::PasskeyRequired);
    let back = draft(&hanako.ordinary, &taro.ordinary, "ordinary", 1_000);
    let code = app.fresh_code(&hanako);
    assert_eq!(app.quote_and_transfer(&hanako.session, &back, Some(code)).await.status(), 200);
    let me: Value = app.get_with_session("/api/me", &hanako.session).await.json().await.unwrap();
    assert_eq!(me["passkeys"], 0);
    assert_eq!(me["passkeys_required"], json!({ "login": true, "transfer": true }));

    // Login with the password: refused to Taro after the right password, never before.
    assert_eq!(error_reason(app.login("taro01", "wrong999").await).await, ErrorReason::InvalidCredentials);
    assert_eq!(error_reason(app.login("taro01", LOGIN_PASSWORD).await).await, ErrorReason::PasskeyRequired);
    assert_eq!(app.login("hana01", LOGIN_PASSWORD).await.status(), 200);
    app.logged_in_with_passkey(&mut phone).await;
}

#[tokio::test]
async fn removing_a_passkey_takes_a_code_or_its_approval_and_ends_other_sessions() {
    let app = spawn_app().await;
    let mut phone = app.authenticator();
    let taro = holder_with_passkey(&app, &mut phone).await;
    assert_eq!(app.register_passkey(&taro.session, &mut phone, "iPad").await.status(), 201);
    let elsewhere = app.logged_in_with_passkey(&mut phone).await;
    let list: Value = app.get_with_session("/api/passkeys", &taro.session).await.json().await.unwrap();
    let (first, second) = (list["passkeys"][0]["id"].as_i64().unwrap(), list["passkeys"][1]["id"].as_i64().unwrap());

    // Neither proof; another customer's id; an approval made for the other passkey's removal.
    let path = |id: i64| format!("/api/passkeys/{id}/removal");
    let refused = app.post(&path(first), &json!({}), Some(&taro.session)).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(app.post(&path(9_999), &json!({}), Some(&taro.session)).await.status(), 404);
    let challenge = app.challenge(&format!("{}/options", path(second)), &json!({}), Some(&taro.session)).await;
    let answer = json!({ "ceremony": challenge.ceremony, "credential": phone.get(&challenge.options) });
    let refused = app.post(&path(first), &json!({ "passkey": answer }), Some(&taro.session)).await;
    assert_eq!(error_reason(refused).await, ErrorReason::PasskeyRefused);
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 2);

    // With the current code: removed, the other session ends, this one goes on.
    let code = app.fresh_code(&taro);
    let removed = app.post(&path(first), &json!({ "otp": code }), Some(&taro.session)).await;
    assert_eq!(removed.status(), 200);
    let session = session_cookie(&removed).unwrap();
    assert_eq!(app.get_with_session("/api/me", &elsewhere).await.status(), 401);
    // With a passkey's approval of this removal.
    let challenge = app.challenge(&format!("{}/options", path(second)), &json!({}), Some(&session)).await;
    let answer = json!({ "ceremony": challenge.ceremony, "credential": phone.get(&challenge.options) });
    let removed = app.post(&path(second), &json!({ "passkey": answer }), Some(&session)).await;
    assert_eq!(removed.status(), 200);
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 0);
    let proofs = app.audit_details("passkey_remove").await;
    assert_eq!(proofs.last().unwrap(), &format!("passkey={second} proof=passkey"));
    assert!(proofs.contains(&format!("passkey={first} proof=otp")), "{proofs:?}");
}

#[tokio::test]
async fn the_operator_removes_a_lost_phones_passkeys_and_its_sessions_end() {
    let app = spawn_app().await;
    let mut phone = app.authenticator();
    let taro = holder_with_passkey(&app, &mut phone).await;
    let on_the_lost_phone = app.logged_in_with_passkey(&mut phone).await;
    let login_id = LoginId::parse("taro01").unwrap();
    assert!(passkey_operator::show(&app.state.db, &login_id).await.unwrap().contains("\"iPhone\""));
    assert_eq!(
        passkey_operator::remove_all(
            &app.state.db,
            app.clock(),
            &login_id,
            &netbank_server::audit::Actor::operator_cli()
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(app.get_with_session("/api/me", &on_the_lost_phone).await.status(), 401);
    let challenge = app.login_challenge().await;
    let refused = app.passkey_login(&challenge.ceremony, &phone.get(&challenge.options)).await;
    assert_eq!(error_reason(refused).await, ErrorReason::PasskeyRefused);
    assert_eq!(app.audit_details("passkey_remove_all").await, ["passkeys=1"]);
    // Asked again, there is nothing to remove: no session ends.
    let session = app.logged_in_with_code("taro01", LOGIN_PASSWORD, &taro.token.unwrap()).await;
    assert_eq!(
        passkey_operator::remove_all(
            &app.state.db,
            app.clock(),
            &login_id,
            &netbank_server::audit::Actor::operator_cli()
        )
        .await
        .unwrap(),
        0
    );
    assert_eq!(app.get_with_session("/api/me", &session).await.status(), 200);
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

async fn quote_key(app: &TestApp, session: &str, body: &Value) -> String {
    let quote: Value = app.quote(session, body).await.json().await.unwrap();
    quote["idempotency_key"].as_str().unwrap().to_owned()
}

async fn approval(app: &TestApp, session: &str, body: &Value, key: &str) -> PasskeyChallenge {
    let mut request = body.clone();
    request["idempotency_key"] = json!(key);
    app.challenge("/api/transfers/approval", &request, Some(session)).await
}

async fn transfer_with(
    app: &TestApp,
    session: &str,
    body: &Value,
    key: &str,
    ceremony: &str,
    credential: &str,
) -> reqwest::Response {
    let mut request = body.clone();
    request["idempotency_key"] = json!(key);
    request["passkey"] = json!({ "ceremony": ceremony, "credential": credential });
    app.post("/api/transfers", &request, Some(session)).await
}
