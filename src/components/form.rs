//! Form building blocks: a labelled field that checks itself against the `api` input rules
//! as the customer types and when they leave it, the submit button that can't be pressed
//! twice, and the alert that announces what the server refused.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos_router::components::A;
use netbank_api::client::ClientError;

use crate::prerender::before_start;

/// The error the server gave the form's last submission. Fields show it when it names them.
#[derive(Clone, Copy)]
pub struct FormError(pub RwSignal<Option<ClientError>>);

impl FormError {
    /// Also provides it to the form's fields: not a `Default`, which would be expected to do
    /// nothing but make a value.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        let this = Self(RwSignal::new(None));
        provide_context(this);
        this
    }

    pub fn set(self, error: Option<ClientError>) {
        self.0.set(error);
    }

    fn for_field(self, name: &str) -> Option<String> {
        match self.0.get() {
            Some(ClientError::Api(body)) if body.field.as_deref() == Some(name) => Some(body.message),
            _ => None,
        }
    }
}

/// A form's submit handler: nothing while the form is invalid or its request is in flight (so
/// a double click sends once); otherwise the last refusal is cleared and `request()` is sent.
/// `request` may refuse by itself (it sets `error` and answers `None`).
pub fn submit_with<I, O>(
    invalid: Signal<bool>,
    action: Action<I, O>,
    error: FormError,
    request: impl Fn() -> Option<I> + Copy + 'static,
) -> impl Fn(leptos::ev::SubmitEvent) + Copy + 'static
where
    I: Send + Sync + 'static,
    O: Send + Sync + 'static,
{
    move |ev| {
        ev.prevent_default();
        if action.pending().get_untracked() {
            return;
        }
        if invalid.get_untracked() {
            focus_first_bad_field(&ev);
            return;
        }
        error.set(None);
        if let Some(input) = request() {
            action.dispatch(input);
        }
    }
}

/// The input screen's submit in an 入力 → 確認 → 完了 flow: nothing while the form is invalid;
/// otherwise the last refusal is cleared and `to_review` shows the 確認 screen.
pub fn review_with(
    invalid: Signal<bool>,
    error: FormError,
    to_review: impl Fn() + Copy + 'static,
) -> impl Fn(leptos::ev::SubmitEvent) + Copy + 'static {
    move |ev| {
        ev.prevent_default();
        if invalid.get_untracked() {
            focus_first_bad_field(&ev);
        } else {
            error.set(None);
            to_review();
        }
    }
}

/// Enter in an unfinished form (its submit button is disabled): the cursor goes to the first
/// field that says what is wrong, or else to the first one still empty.
fn focus_first_bad_field(ev: &leptos::ev::SubmitEvent) {
    let Some(form) = ev.target().and_then(|target| target.dyn_into::<web_sys::Element>().ok()) else { return };
    if focus_first(&form, "[aria-invalid=\"true\"]") {
        return;
    }
    let Ok(required) = form.query_selector_all("input[required]") else { return };
    let empty = (0..required.length())
        .filter_map(|i| required.item(i)?.dyn_into::<web_sys::HtmlInputElement>().ok())
        .find(|input| input.value().is_empty());
    if let Some(input) = empty {
        let _ = input.focus();
    }
}

/// Focuses the first element under `root` matching `selector`; whether there was one.
fn focus_first(root: &web_sys::Element, selector: &str) -> bool {
    let found = root
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    found.is_some_and(|element| element.focus().is_ok())
}

/// The input screen's buttons: 戻る to the menu the flow came from (ワンタイムパスワード申請内容選択
/// unless told) and 確認画面へ.
#[component]
pub fn ReviewActions(
    #[prop(into)] invalid: Signal<bool>,
    #[prop(default = "/otp")] back_to: &'static str,
    #[prop(optional, into)] pending: MaybeProp<bool>,
) -> impl IntoView {
    view! {
        <div class="actions">
            <A href=back_to attr:class="button secondary">"戻る"</A>
            <SubmitButton label="確認画面へ" invalid=invalid pending=Signal::derive(move || pending.get().unwrap_or(false)) />
        </div>
    }
}

/// The 確認 screen's buttons: 戻る to the input (nothing sent) and 確定.
#[component]
pub fn ConfirmActions(
    back: Callback<()>,
    #[prop(into)] invalid: Signal<bool>,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="actions">
            <button type="button" class="button secondary" on:click=move |_| back.run(())>"戻る"</button>
            <SubmitButton label="確定" invalid=invalid pending=pending />
        </div>
    }
}

/// A rule for a field: `Ok` or the Japanese message to show.
pub type Check = Callback<String, Result<(), String>>;

/// "Must equal the other field" as a field rule (the confirmation fields).
pub fn same_as(other: RwSignal<String>, empty: &'static str, differs: &'static str) -> Check {
    Callback::new(move |value: String| {
        if value.is_empty() {
            Err(empty.to_owned())
        } else if value.trim() != other.get().trim() {
            Err(differs.to_owned())
        } else {
            Ok(())
        }
    })
}

/// Wraps an `api` parser as a field rule.
pub fn rule<T: 'static, E: std::fmt::Display + 'static>(parse: fn(&str) -> Result<T, E>) -> Check {
    Callback::new(move |value: String| parse(&value).map(|_| ()).map_err(|e| message_of(&e.to_string())))
}

/// `InputError`'s Display is "field: message"; screens show the message.
fn message_of(text: &str) -> String {
    text.split_once(": ").map_or(text, |(_, message)| message).to_owned()
}

#[component]
pub fn Field(
    label: &'static str,
    /// The request's field name: the input's name and what server errors refer to.
    name: &'static str,
    value: RwSignal<String>,
    check: Check,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional, into)] readonly: MaybeProp<bool>,
    /// A field the form can do without (a search box): no 必須 badge.
    #[prop(optional)]
    optional: bool,
    /// Where one page has two forms with a field of the same name (BPF001's two code fields):
    /// the form's name, so that each input has its own id.
    #[prop(optional)]
    scope: Option<&'static str>,
) -> impl IntoView {
    let form_error = use_context::<FormError>();
    let id = match scope {
        Some(scope) => format!("field-{scope}-{name}"),
        None => format!("field-{name}"),
    };
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let touched = RwSignal::new(false);
    let shown = Memo::new(move |_| {
        let current = value.get();
        let local = if !touched.get() && current.is_empty() { None } else { check.run(current).err() };
        local.or_else(|| form_error.and_then(|f| f.for_field(name)))
    });
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if shown.get().is_some() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        }
    };
    view! {
        <div class="field" class:invalid=move || shown.get().is_some()>
            <label for=id.clone()>
                {label}
                {(!optional).then(|| view! { <span class="required">"必須"</span> })}
            </label>
            {hint.map(|text| view! { <p class="hint" id=hint_id.clone()>{text}</p> })}
            <input
                id=id.clone()
                name=name
                type=input_type
                inputmode=inputmode
                autocomplete=autocomplete
                maxlength=maxlength
                required=!optional
                aria-required=(!optional).to_string()
                readonly=move || readonly.get().unwrap_or(false)
                aria-invalid=move || shown.get().is_some().to_string()
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    if let Some(form_error) = form_error {
                        if form_error.for_field(name).is_some() {
                            form_error.set(None);
                        }
                    }
                }
                on:blur=move |_| touched.set(true)
            />
            <p class="field-error" id=error_id aria-live="polite">{move || shown.get()}</p>
        </div>
    }
}

/// Disabled while the form is invalid or its request is in flight; says so while it works.
#[component]
pub fn SubmitButton(
    label: &'static str,
    #[prop(into)] invalid: Signal<bool>,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    // Until a prerendered BLI001 has started, a press is kept for the app (index.html).
    let waiting = before_start();
    view! {
        <button
            type="submit"
            class="button primary"
            disabled=move || !waiting.get() && (invalid.get() || pending.get())
            aria-busy=move || pending.get().to_string()
        >
            {move || if pending.get() { "処理中…" } else { label }}
        </button>
        <p class="submit-hint" hidden=move || waiting.get() || !invalid.get() || pending.get()>
            "未入力または誤りのある項目があります。"
        </p>
    }
}

/// The server's refusal of the whole form (not of one field), announced at once and, on a
/// phone where the form is longer than the screen, scrolled into view (a field's own error
/// shows beside the field, where the customer already is).
#[component]
pub fn FormAlert(error: FormError) -> impl IntoView {
    let message = move || match error.0.get() {
        Some(ClientError::Api(body)) if body.field.is_some() => Some("入力内容をご確認ください。".to_owned()),
        Some(other) => Some(other.to_string()),
        None => None,
    };
    let alert = NodeRef::<leptos::html::Div>::new();
    // A refusal of one field puts the cursor in it, so the customer corrects it at once.
    Effect::new(move |_| {
        let Some(element) = alert.get() else { return };
        match error.0.with(|e| e.as_ref().map(|e| e.field().map(str::to_owned))) {
            Some(None) => element.scroll_into_view(),
            Some(Some(field)) => {
                if let Some(form) = element.closest("form").ok().flatten() {
                    focus_first(&form, &format!("[name=\"{field}\"]"));
                }
            }
            None => {}
        }
    });
    view! {
        <div class="error-box" role="alert" node_ref=alert hidden=move || message().is_none()>
            {message}
        </div>
    }
}

/// A notice carried over from the previous screen, announced politely.
#[component]
pub fn NoticeBox(message: Option<String>) -> impl IntoView {
    message.map(|text| view! { <div class="info-box" role="status">{text}</div> })
}
