//! 初期設定 (手順8): サービスID, ユーザID and 利用開始パスワード → 送信.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use netbank_api::client::{self, ClientError};
use netbank_api::input::{ActivationPassword, ServiceId, UserId};
use netbank_api::otp::ProvisionRequest;
use netbank_api::{ErrorBody, ErrorReason};

use crate::components::form::{rule, submit_with, Field, FormAlert, FormError, SubmitButton};
use crate::components::screen::Screen;
use crate::token::store::{self, StoredToken};

#[component]
pub fn TokenSetup() -> impl IntoView {
    let service_id = RwSignal::new(String::new());
    let user_id = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = FormError::new();
    let navigate = use_navigate();
    let request = move || ProvisionRequest {
        service_id: service_id.get(),
        user_id: user_id.get(),
        activation_password: password.get(),
    };
    let invalid = Signal::derive(move || request().check().is_err());
    let submit = Action::new_local(move |request: &ProvisionRequest| {
        let request = request.clone();
        let navigate = navigate.clone();
        async move {
            match client::provision_token(request).await {
                Ok(token) => {
                    store::add(StoredToken::from_provisioned(token));
                    navigate("/token/codes", NavigateOptions { replace: true, ..Default::default() });
                }
                Err(failure) => {
                    password.set(String::new());
                    error.set(Some(failure));
                }
            }
        }
    });
    let on_submit = submit_with(invalid, submit, error, move || {
        let service = ServiceId::parse(&service_id.get_untracked()).ok()?.as_str().to_owned();
        let user = UserId::parse(&user_id.get_untracked()).ok()?.as_str().to_owned();
        if store::load().iter().any(|t| t.same_as(&service, &user)) {
            let body = ErrorBody::new(ErrorReason::AlreadyProvisioned).with_message(
                "このトークンは、この端末に設定済みです。「ワンタイムパスワードを表示する」からご利用ください。",
            );
            error.set(Some(ClientError::Api(body)));
            return None;
        }
        Some(ProvisionRequest { service_id: service, user_id: user, activation_password: password.get_untracked() })
    });
    view! {
        <Screen title="初期設定" id="TKN002">
            <p>"トークン発行の画面またはメールに記載のサービスID・ユーザIDと、トークン発行時に決めた利用開始パスワードを入力し、「送信」を押してください。"</p>
            <form on:submit=on_submit novalidate=true>
                <FormAlert error=error />
                <Field label="サービスID" name="service_id" value=service_id check=rule(ServiceId::parse)
                    inputmode="numeric" maxlength=ServiceId::SPEC.max_len hint=ServiceId::SPEC.hint />
                <Field label="ユーザID" name="user_id" value=user_id check=rule(UserId::parse)
                    inputmode="numeric" maxlength=UserId::SPEC.max_len hint=UserId::SPEC.hint />
                <Field label="利用開始パスワード" name="activation_password" value=password
                    check=rule(ActivationPassword::parse) input_type="password" inputmode="numeric"
                    autocomplete="off" maxlength=ActivationPassword::SPEC.max_len hint=ActivationPassword::SPEC.hint />
                <div class="actions">
                    <a class="button secondary" href="/token">"戻る"</a>
                    <SubmitButton label="送信" invalid=invalid pending=submit.pending() />
                </div>
            </form>
        </Screen>
    }
}
