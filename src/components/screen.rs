use std::cell::Cell;

use leptos::prelude::*;

use crate::state::set_title;
use crate::INSTITUTION_NAME;

thread_local! {
    /// Whether a screen has been shown since the page loaded. The first one keeps the
    /// browser's own focus and scroll (a reload or a link into the middle of the bank);
    /// every later one replaced another, often from far down a long form.
    static SHOWN_BEFORE: Cell<bool> = const { Cell::new(false) };
}

/// This page was loaded to go on from a screen of another bundle (a link into another part
/// of the signed-in app): its first screen replaces that one, as a screen within one bundle
/// does, and takes the focus.
pub fn continues_from_another_page() {
    SHOWN_BEFORE.with(|shown| shown.set(true));
}

/// A screen's heading with its 画面ID, as the guide prints it in each screen's corner.
///
/// Sets the page's `<title>` to the screen's. A screen that replaces another opens at its top with focus on its heading, so a phone
/// shows where the customer now is and a screen reader reads the new screen's name.
#[component]
pub fn Screen(title: &'static str, id: &'static str, children: Children) -> impl IntoView {
    let heading = NodeRef::<leptos::html::H1>::new();
    // The tab, the history list and a screen reader's page name say which screen this is.
    set_title(&format!("{title} | {INSTITUTION_NAME}"));
    Effect::new(move |_| {
        let Some(heading) = heading.get() else { return };
        if SHOWN_BEFORE.with(|shown| shown.replace(true)) {
            window().scroll_to_with_x_and_y(0.0, 0.0);
            let _ = heading.focus();
        }
    });
    view! {
        <section class="panel screen" aria-labelledby="screen-title" data-screen-id=id>
            <div class="screen-header">
                <h1 id="screen-title" tabindex="-1" node_ref=heading>{title}</h1>
                <p class="screen-id">{format!("画面ID：{id}")}</p>
            </div>
            {children()}
        </section>
    }
}
