use leptos::prelude::*;

use crate::INSTITUTION_NAME;

/// The token app's own frame: nothing of the banking site, no session needed.
#[component]
pub fn TokenFrame(children: Children) -> impl IntoView {
    view! {
        <header class="site-header token-header">
            <a class="site-name" href="/token">
                <span class="institution">"ワンタイムパスワード"</span>
                <span class="service">{format!("{INSTITUTION_NAME} トークン")}</span>
            </a>
        </header>
        <main class="page token-page" id="main">{children()}</main>
        <footer class="site-footer">
            <p>"このトークンは、インターネットバンキングのログインとお手続きで使うワンタイムパスワードを表示します。"</p>
        </footer>
    }
}
