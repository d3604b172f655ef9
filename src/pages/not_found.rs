use leptos::prelude::*;

/// Any address the router does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="not-found-title">
            <h1 id="not-found-title">"ページが見つかりません"</h1>
            <p>"お探しのページは移動または削除された可能性があります。"</p>
            <p><a class="button" href="/" rel="external">"トップページへ戻る"</a></p>
        </section>
    }
}
