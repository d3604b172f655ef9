use leptos::prelude::*;

use crate::INSTITUTION_NAME;

/// The entry page of the service.
#[component]
pub fn Top() -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="top-title">
            <h1 id="top-title">{format!("{INSTITUTION_NAME} インターネットバンキング")}</h1>
            <p>"残高照会・振込・ワンタイムパスワードの登録を、パソコン・スマートフォンからご利用いただけます。"</p>
            <aside class="notice" aria-label="不正利用にご注意ください">
                <h2>"インターネットバンキングの不正利用にご注意ください"</h2>
                <p>{format!("{INSTITUTION_NAME}を装ったメールにご注意ください。当組合がメールでパスワードの入力をお願いすることは絶対にありません。")}</p>
            </aside>
        </section>
    }
}
