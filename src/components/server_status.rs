use leptos::prelude::*;
use netbank_api::client::{self, ClientError};
use netbank_api::HealthResponse;

/// Asks the server how it is and shows the answer; announced politely to screen readers.
#[component]
pub fn ServerStatus() -> impl IntoView {
    let health = LocalResource::new(client::health);
    view! {
        <Suspense fallback=|| view! { <HealthLine state=HealthState::Checking /> }>
            {move || health.get().map(|result| view! { <HealthLine state=HealthState::from(result) /> })}
        </Suspense>
    }
}

/// What the status line can say.
#[derive(Debug, Clone, PartialEq)]
pub enum HealthState {
    Checking,
    Healthy { version: String },
    DatabaseDown { version: String },
    Failed(ClientError),
}

impl From<Result<HealthResponse, ClientError>> for HealthState {
    fn from(result: Result<HealthResponse, ClientError>) -> Self {
        match result {
            Ok(health) if health.is_healthy() => Self::Healthy { version: health.version },
            Ok(health) => Self::DatabaseDown { version: health.version },
            Err(error) => Self::Failed(error),
        }
    }
}

impl HealthState {
    fn class(&self) -> &'static str {
        match self {
            Self::Checking => "server-status checking",
            Self::Healthy { .. } => "server-status ok",
            Self::DatabaseDown { .. } | Self::Failed(_) => "server-status error",
        }
    }

    fn text(&self) -> String {
        match self {
            Self::Checking => "サーバーの状態を確認しています…".to_owned(),
            Self::Healthy { version } => format!("サーバー稼働中（バージョン {version}）"),
            Self::DatabaseDown { version } => format!(
                "サーバー（バージョン {version}）はデータベースに接続できません。しばらくしてから再度お試しください。"
            ),
            Self::Failed(error) => error.to_string(),
        }
    }
}

/// One line of server status.
#[component]
pub fn HealthLine(state: HealthState) -> impl IntoView {
    view! {
        <p class=state.class() role="status" aria-live="polite" data-testid="server-status">
            {state.text()}
        </p>
    }
}
