//! A screen's data as it arrives: 「読み込み中…」 while it loads, the failure if it fails (a
//! session that has ended goes back to the login, saying why), else what the screen makes of it.

use leptos::prelude::*;
use netbank_api::client::ClientError;

use crate::components::shell::{leave_for_lost_session, session_lost};

pub fn loaded<T, V>(
    resource: LocalResource<Result<T, ClientError>>,
    show: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let leave = leave_for_lost_session();
    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"読み込み中…"</p> }>
            {move || resource.get().map(|result| match result {
                Ok(value) => show(value).into_any(),
                Err(error) => {
                    if session_lost(&error) {
                        leave.run(error.clone());
                    }
                    view! { <div class="error-box" role="alert">{error.to_string()}</div> }.into_any()
                }
            })}
        </Suspense>
    }
}
