use leptos::prelude::*;
use netbank_api::client::{self, ClientError};
use netbank_api::HealthResponse;

/// Asks the server how it is and shows the answer; announced politely to screen readers.
/// A signal set when the answer comes, not a resource in `<Suspense>`: every page has this
/// line, and the login bundle carries no suspense machinery for it.
#[component]
pub fn ServerStatus() -> impl IntoView {
    let state = RwSignal::new(HealthState::Checking);
    // Asked once the screen is in the browser (never while the build renders BLI001).
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            let answer = HealthState::from(client::health().await);
            // The page may have gone (a page load) while the answer was on its way.
            let _ = state.try_set(answer);
        })
    });
    move || view! { <HealthLine state=state.get() /> }
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

/// Whether a server that answers well is worth a line: in a development or demo build (the
/// one with the demo token) it tells the engineer which version runs; a customer of a
/// production build sees the line only when something is wrong.
const SHOW_HEALTHY: bool = cfg!(feature = "token");

/// One line of server status.
#[component]
pub fn HealthLine(state: HealthState) -> impl IntoView {
    if !SHOW_HEALTHY && matches!(state, HealthState::Checking | HealthState::Healthy { .. }) {
        return ().into_any();
    }
    view! {
        <p class=state.class() role="status" aria-live="polite" data-testid="server-status">
            {state.text()}
        </p>
    }
    .into_any()
}
