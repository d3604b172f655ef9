//! Helpers for the money tests: customers with accounts and money in them, and the 振込・振替
//! requests as the SPA sends them.

use netbank_api::identity::AccountKind;
use netbank_api::input::{AccountNumber, BranchCode, KanaName};
use netbank_server::operator::customers::{self, NewCustomer};
use netbank_server::store::accounts;
use serde_json::{json, Value};

use crate::helpers::{rand_account, session_cookie, TestApp};
use crate::otp_helpers::{Token, LOGIN_PASSWORD};

/// A logged-in customer and their two accounts (普通 with the money, 貯蓄 empty).
pub struct Holder {
    pub session: String,
    /// `店番-口座番号`.
    pub ordinary: String,
    pub savings: String,
    pub token: Option<Token>,
}

impl Holder {
    /// (店番, 口座番号) of the 普通 account, as a payer types them.
    pub fn ordinary_parts(&self) -> (&str, &str) {
        self.ordinary.split_once('-').unwrap()
    }
}

/// The body of a quote (and, with a key, of a transfer).
pub fn draft(from: &str, to: &str, kind: &str, amount: i64) -> Value {
    let (branch, number) = to.split_once('-').unwrap();
    json!({
        "from_account": from, "to_branch_code": branch, "to_kind": kind, "to_account_number": number,
        "amount": amount.to_string(), "requester_name": "",
    })
}

impl TestApp {
    /// A registered customer (kana `kana`) with `balance` in the 普通 account, logged in with
    /// the password only.
    pub async fn account_holder(&self, login_id: &str, kana: &str, balance: i64) -> Holder {
        let number = format!("{:07}", rand_account());
        let customer = NewCustomer {
            name: "口座 保有者",
            branch: BranchCode::parse("001").unwrap(),
            account: AccountNumber::parse(&number).unwrap(),
            kind: AccountKind::Ordinary,
            balance,
            notice_address: None,
            kana: Some(KanaName::parse(kana).unwrap()),
        };
        let notice = customers::create(&self.state.db, self.clock(), &self.state.policy, customer).await.unwrap();
        let newcomer = crate::helpers::Newcomer {
            branch: "001".into(),
            account: number.clone(),
            temporary_password: notice.temporary_password,
        };
        assert_eq!(self.register(&newcomer, login_id, LOGIN_PASSWORD).await.status(), 201);
        let savings = format!("{:07}", rand_account());
        let kana = KanaName::parse(kana).unwrap();
        let account = accounts::NewAccount {
            customer_id: notice.customer_id,
            branch_code: "002",
            number: &savings,
            kind: AccountKind::Savings,
            holder_kana: Some(kana.as_str()),
        };
        accounts::insert_account(&self.state.db, account).await.unwrap();
        let session = self.logged_in(login_id, LOGIN_PASSWORD).await;
        Holder { session, ordinary: format!("001-{number}"), savings: format!("002-{savings}"), token: None }
    }

    /// The same, with a token 利用中 and a session that proved a code.
    pub async fn account_holder_with_token(&self, login_id: &str, kana: &str, balance: i64) -> Holder {
        let mut holder = self.account_holder(login_id, kana, balance).await;
        let token = self.provisioned_token(&holder.session).await;
        let response = self.submit_otp("/api/otp/activate", &holder.session, &token.code_at(self.clock().now())).await;
        assert_eq!(response.status(), 200, "activation");
        holder.session = session_cookie(&response).unwrap();
        self.clock().advance(30);
        holder.token = Some(token);
        holder
    }

    /// ヤマダ タロウ (a token in use, 100,000円) on the 確認 screen of a 振込 of `amount` to
    /// ヤマダ ハナコ: both holders, the body and the quote's idempotency key.
    pub async fn confirming_a_transfer(&self, amount: i64) -> (Holder, Holder, Value, String) {
        let taro = self.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
        let hanako = self.account_holder("hana01", "ヤマダ ハナコ", 0).await;
        let body = draft(&taro.ordinary, &hanako.ordinary, "ordinary", amount);
        let quote = self.quote(&taro.session, &body).await;
        assert_eq!(quote.status(), 200, "quote");
        let key = quote.json::<Value>().await.unwrap()["idempotency_key"].as_str().unwrap().to_owned();
        (taro, hanako, body, key)
    }

    pub async fn quote(&self, session: &str, body: &Value) -> reqwest::Response {
        self.post("/api/transfers/quote", body, Some(session)).await
    }

    /// Quotes `body`, then confirms it with `otp`: the confirmation's answer.
    pub async fn quote_and_transfer(&self, session: &str, body: &Value, otp: Option<String>) -> reqwest::Response {
        let quote = self.quote(session, body).await;
        assert_eq!(quote.status(), 200, "quote");
        let quote: Value = quote.json().await.unwrap();
        self.transfer(session, body, quote["idempotency_key"].as_str().unwrap(), otp).await
    }

    pub async fn transfer(&self, session: &str, body: &Value, key: &str, otp: Option<String>) -> reqwest::Response {
        let mut body = body.clone();
        body["idempotency_key"] = json!(key);
        if let Some(otp) = otp {
            body["otp"] = json!(otp);
        }
        self.post("/api/transfers", &body, Some(session)).await
    }

    /// The current code of the holder's token, the clock moved on first so it is fresh.
    pub fn fresh_code(&self, holder: &Holder) -> String {
        self.clock().advance(30);
        holder.token.as_ref().expect("a token").code_at(self.clock().now())
    }

    pub async fn balance(&self, key: &str) -> i64 {
        let (branch, number) = key.split_once('-').unwrap();
        self.count(&format!("SELECT balance FROM accounts WHERE branch_code = '{branch}' AND number = '{number}'"))
            .await
    }

    /// The trial balance holds: every balance equals its lines, every entry sums to zero.
    pub async fn assert_ledger_holds(&self) {
        let trial = netbank_server::banking::ledger::check(&self.state.db).await.unwrap();
        assert!(trial.holds(), "{trial:?}");
    }

    pub async fn statement(&self, session: &str, account: &str, query: &str) -> Value {
        let response = self.get_with_session(&format!("/api/accounts/{account}/statement?{query}"), session).await;
        assert_eq!(response.status(), 200, "statement of {account}");
        response.json().await.unwrap()
    }
}

/// One 振替 of the demo customer's burst (`demo_burst`): its idempotency key, the status (0:
/// no answer), how long it took and when its answer came.
pub struct BurstAnswer {
    pub key: String,
    pub status: u16,
    pub took: std::time::Duration,
    pub ended: std::time::Instant,
}

/// demo01's 振替 of 100円 to their own savings, one after another through `client` (logged
/// in) until `stop`; keys are unique per `worker`. After a refusal it waits as a client told
/// Retry-After would.
pub async fn demo_burst(
    client: reqwest::Client,
    base: String,
    worker: usize,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Vec<BurstAnswer> {
    let mut answers = Vec::new();
    for n in 0.. {
        if *stop.borrow() {
            break;
        }
        let key = format!("{worker:08x}{n:024x}");
        let body = json!({ "from_account": "001-1234567", "to_branch_code": "001", "to_kind": "savings",
            "to_account_number": "2345678", "amount": "100", "idempotency_key": key });
        let started = std::time::Instant::now();
        let sent = client.post(format!("{base}/api/transfers")).header(netbank_api::CSRF_HEADER, "1").json(&body);
        let status = sent.send().await.map_or(0, |response| response.status().as_u16());
        answers.push(BurstAnswer { key, status, took: started.elapsed(), ended: std::time::Instant::now() });
        if status != 200 {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }
    answers
}
