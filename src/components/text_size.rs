//! 文字サイズを変更する: three sizes for the whole app, remembered across visits.

use leptos::prelude::*;

use crate::prerender::after_start;
use crate::state::{local_get, local_set};

const KEY: &str = "netbank.text-size";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextSize {
    Standard,
    Large,
    Largest,
}

impl TextSize {
    pub const ALL: [Self; 3] = [Self::Standard, Self::Large, Self::Largest];

    pub fn label(self) -> &'static str {
        match self {
            Self::Standard => "標準",
            Self::Large => "大",
            Self::Largest => "特大",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Large => "large",
            Self::Largest => "largest",
        }
    }

    fn from_key(key: &str) -> Self {
        Self::ALL.into_iter().find(|s| s.key() == key).unwrap_or(Self::Standard)
    }

    /// What the customer chose on an earlier visit.
    pub fn remembered() -> Self {
        local_get(KEY).map_or(Self::Standard, |key| Self::from_key(&key))
    }

    /// Sets it on `<html>`, where the style sheet scales every rem from.
    pub fn apply(self) {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-text-size", self.key());
        }
    }
}

#[component]
pub fn TextSizeSwitcher() -> impl IntoView {
    // BLI001's page applies the remembered size itself before the app starts (index.html).
    let size = after_start(TextSize::Standard, TextSize::remembered);
    Effect::new(move |_| size.get().apply());
    view! {
        <div class="text-size" role="group" aria-labelledby="text-size-label">
            <span id="text-size-label">"文字サイズ"<span class="long-label">"を変更する"</span></span>
            {TextSize::ALL
                .into_iter()
                .map(|choice| {
                    view! {
                        <button
                            type="button"
                            class="text-size-option"
                            aria-pressed=move || (size.get() == choice).to_string()
                            on:click=move |_| {
                                size.set(choice);
                                local_set(KEY, choice.key());
                            }
                        >
                            {choice.label()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
