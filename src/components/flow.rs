//! Where a 入力 → 確認 → 完了 flow (振替, 振込, ペイジー) stands: in the URL (`?step=confirm`,
//! `?step=done`) and, with what was typed, in the tab's storage. The browser's back on 確認
//! returns to a filled 入力, a reload stays on its screen, and back from 完了 starts a new,
//! empty 入力.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::state::{forget_form, go, remembered};

/// Which of the three a flow's step is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// 入力 (one or more screens, none in the address).
    Input,
    Confirm,
    Done,
}

/// A flow's steps, kept in the tab's storage.
pub trait FlowStep: Clone + serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static {
    /// Where a flow starts (and goes back to).
    fn input() -> Self;
    fn stage(&self) -> Stage;
    /// The 入力 screen that back from 確認 returns to (the first one unless told).
    fn back_to_input(&self) -> Self {
        Self::input()
    }
}

/// Shown on 入力 when the address asked for 確認 or 完了 but this tab holds no such step (a
/// link copied into another tab, or the step already over).
pub const STEP_LOST: &str = "確認画面を表示できなかったため、入力画面を表示しています。内容をご確認のうえ、もう一度「確認画面へ」を押してください。";

/// The flow's step, kept in step with the address. `form` names what the tab keeps; the
/// second value is the message for 入力 when the address named a step the tab does not hold.
pub fn flow_step<S: FlowStep>(form: &'static str) -> (RwSignal<S>, Option<&'static str>) {
    let location = use_location();
    let navigate = use_navigate();
    let path = location.pathname.get_untracked();
    let url_step = move || location.query.with(|query| query.get("step"));
    let step = remembered(form, "step", S::input());
    let mut lost = None;
    match (untrack(url_step).as_deref(), step.with_untracked(S::stage)) {
        (Some("confirm"), Stage::Confirm) | (Some("done"), Stage::Done) | (None, Stage::Input) => {}
        (None, _) => step.update(|now| *now = now.back_to_input()),
        (Some(_), _) => {
            lost = Some(STEP_LOST);
            step.set(S::input());
            navigate(&path, NavigateOptions { replace: true, ..Default::default() });
        }
    }
    let here = {
        let path = path.clone();
        move || location.pathname.with(|now| *now == path)
    };
    // The step moves the address: 確認 is a new history entry (so back returns to 入力),
    // 完了 replaces it (back cannot reach a spent 確認).
    let to_url = {
        let (navigate, path) = (navigate.clone(), path.clone());
        let here = here.clone();
        move |_: Option<()>| {
            if !untrack(&here) {
                return;
            }
            let current = untrack(url_step);
            match step.with(S::stage) {
                Stage::Confirm if current.as_deref() != Some("confirm") => {
                    navigate(&format!("{path}?step=confirm"), NavigateOptions::default())
                }
                Stage::Done if current.as_deref() != Some("done") => {
                    forget_form(form, &["step"]);
                    navigate(&format!("{path}?step=done"), NavigateOptions { replace: true, ..Default::default() });
                }
                Stage::Input if current.as_deref() == Some("confirm") => {
                    let _ = window().history().and_then(|history| history.back());
                }
                _ => {}
            }
        }
    };
    Effect::new(to_url);
    // The address moves the step: back from 確認 shows 入力 as it was; back from 完了 loads a
    // fresh 入力 (its fields were forgotten with the accepted transfer).
    Effect::new(move |_| {
        // Leaving for another page is not "back" (this flow is on its way out).
        if here() && url_step().is_none() {
            match step.with_untracked(S::stage) {
                Stage::Confirm => step.update(|now| *now = now.back_to_input()),
                Stage::Done => {
                    step.set(S::input());
                    go(&path, true);
                }
                Stage::Input => {}
            }
        }
    });
    (step, lost)
}
