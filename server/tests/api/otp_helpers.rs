//! Helpers for the OTP tests: issue, set up and activate tokens through the API, and read
//! codes the way a token app does.

use netbank_api::otp::ProvisionedToken;
use netbank_api::totp::{decode_secret, TotpParams};
use serde_json::{json, Value};

use crate::helpers::{session_cookie, TestApp};

pub const ACTIVATION_PASSWORD: &str = "4321";
/// The login password of the customers the OTP tests issue tokens for (BOT004 asks for it).
pub const LOGIN_PASSWORD: &str = "kumo4821";

/// A token as the token app holds it after 初期設定.
#[derive(Debug, Clone)]
pub struct Token {
    pub user_id: String,
    pub secret: Vec<u8>,
    pub params: TotpParams,
}

impl Token {
    pub fn from_provisioned(provisioned: &ProvisionedToken) -> Self {
        Self {
            user_id: provisioned.user_id.clone(),
            secret: decode_secret(&provisioned.secret).expect("base32 secret"),
            params: TotpParams {
                algorithm: provisioned.algorithm,
                digits: provisioned.digits,
                period: provisioned.period,
            },
        }
    }

    pub fn code_at(&self, unix: i64) -> String {
        self.params.code_at(&self.secret, unix)
    }

    /// A code that is certainly wrong now (and one step either side).
    pub fn wrong_code(&self, unix: i64) -> String {
        let right: Vec<String> = (-1..=1).map(|s| self.code_at(unix + s * 30)).collect();
        (0..).map(|n| format!("{:06}", 100_000 + n)).find(|c| !right.contains(c)).unwrap()
    }
}

impl TestApp {
    /// トークン発行 of a software token, proven by a fresh 確認コード (the customer has no
    /// second factor yet).
    pub async fn issue_software(&self, session: &str, mail: &str, activation: &str) -> reqwest::Response {
        let body = json!({
            "method": "software_token", "mail_address": mail, "activation_password": activation,
            "login_password": LOGIN_PASSWORD, "step_up": self.mail_code_if_offered(session, "token").await,
        });
        self.post("/api/otp/issue", &body, Some(session)).await
    }

    pub async fn provision(&self, service_id: &str, user_id: &str, activation: &str) -> reqwest::Response {
        let body = json!({ "service_id": service_id, "user_id": user_id, "activation_password": activation });
        self.post("/api/token/provision", &body, None).await
    }

    pub async fn otp_status(&self, session: &str) -> Value {
        let response = self.get_with_session("/api/otp", session).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// Issues a software token and sets it up as the token app would.
    pub async fn provisioned_token(&self, session: &str) -> Token {
        self.provisioned_token_with(session, LOGIN_PASSWORD).await
    }

    /// The same for a customer whose login password is `login_password`.
    pub async fn provisioned_token_with(&self, session: &str, login_password: &str) -> Token {
        let body = json!({
            "method": "software_token", "mail_address": "taro@docomo.ne.jp", "activation_password": ACTIVATION_PASSWORD,
            "login_password": login_password, "step_up": self.mail_code_proof(session, "token").await,
        });
        let response = self.post("/api/otp/issue", &body, Some(session)).await;
        assert_eq!(response.status(), 200, "issuance");
        let issued: Value = response.json().await.unwrap();
        let response = self
            .provision(issued["service_id"].as_str().unwrap(), issued["user_id"].as_str().unwrap(), ACTIVATION_PASSWORD)
            .await;
        assert_eq!(response.status(), 200, "provisioning");
        Token::from_provisioned(&response.json().await.unwrap())
    }

    pub async fn submit_otp(&self, path: &str, session: &str, code: &str) -> reqwest::Response {
        self.post(path, &json!({ "otp": code }), Some(session)).await
    }

    /// A registered customer whose token is 利用中, logged in (a full session: the one 利用開始
    /// re-issued at the OTP level).
    pub async fn customer_with_active_token(&self, login_id: &str, password: &str) -> (String, Token) {
        self.registered_customer(login_id, password).await;
        let session = self.logged_in(login_id, password).await;
        let token = self.provisioned_token(&session).await;
        let code = token.code_at(self.clock().now());
        let response = self.submit_otp("/api/otp/activate", &session, &code).await;
        assert_eq!(response.status(), 200, "activation");
        let session = session_cookie(&response).expect("利用開始 re-issues the session");
        // The step just used can't be used again: move on to the next.
        self.clock().advance(30);
        (session, token)
    }

    /// Stops `login_id`'s active token (使用停止) in the table, leaving its sessions open: the
    /// real stop (five wrong codes) ends them, and these tests need one that outlived it.
    pub async fn stop_token_leaving_sessions(&self, login_id: &str) {
        let stopped = sqlx::query(
            "UPDATE otp_tokens SET state = 'suspended', suspended_from = 'active'
             WHERE customer_id = (SELECT customer_id FROM credentials WHERE login_id = $1)",
        )
        .bind(login_id)
        .execute(&self.state.db)
        .await
        .unwrap();
        assert_eq!(stopped.rows_affected(), 1, "{login_id} has one token");
    }

    /// A complete login with password and code: the full session's ID.
    pub async fn logged_in_with_code(&self, login_id: &str, password: &str, token: &Token) -> String {
        let pending = self.password_step(login_id, password).await;
        self.clock().advance(30);
        let response = self.submit_otp("/api/login/otp", &pending, &token.code_at(self.clock().now())).await;
        assert_eq!(response.status(), 200, "login with code");
        session_cookie(&response).expect("a full session")
    }

    /// Password step of a login that owes a code: the pending session's ID.
    pub async fn password_step(&self, login_id: &str, password: &str) -> String {
        let response = self.login(login_id, password).await;
        assert_eq!(response.status(), 200);
        let cookie = session_cookie(&response).expect("a pending session cookie");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "otp_required", "{body}");
        cookie
    }

    pub async fn mailbox(&self) -> Vec<Value> {
        let response = self.get("/api/dev/mailbox").await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// Delivers the outbox, then the mail that went to `to`.
    pub async fn delivered_mail_to(&self, to: &str) -> Value {
        self.deliver_mail().await;
        let delivered = self.mailbox().await.into_iter().find(|m| m["to_address"] == to && m["status"] == "sent");
        delivered.unwrap_or_else(|| panic!("no mail delivered to {to}"))
    }
}
