use leptos::prelude::*;

/// A screen's heading with its 画面ID, as the guide prints it in each screen's corner.
#[component]
pub fn Screen(title: &'static str, id: &'static str, children: Children) -> impl IntoView {
    view! {
        <section class="panel screen" aria-labelledby="screen-title" data-screen-id=id>
            <div class="screen-header">
                <h1 id="screen-title">{title}</h1>
                <p class="screen-id">{format!("画面ID：{id}")}</p>
            </div>
            {children()}
        </section>
    }
}
