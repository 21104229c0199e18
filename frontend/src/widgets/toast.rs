//! Short confirmations ("已保存") that announce themselves to screen readers
//! and go away on their own. Failures are not toasts: they stay beside what
//! failed until the person acts.

use std::time::Duration;

use leptos::prelude::*;

/// How long a confirmation stays.
const SHOWN_FOR: Duration = Duration::from_secs(5);

#[derive(Clone, Copy)]
pub struct Toasts {
    shown: RwSignal<Vec<(u64, String)>>,
    /// Never reused, so a late timer cannot take away a newer toast.
    next: StoredValue<u64>,
}

impl Toasts {
    pub fn provide() {
        provide_context(Toasts { shown: RwSignal::new(Vec::new()), next: StoredValue::new(0) });
    }

    pub fn expect() -> Toasts {
        expect_context::<Toasts>()
    }

    pub fn say(self, text: String) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.shown.update(|t| t.push((id, text)));
        set_timeout(move || self.shown.update(|t| t.retain(|(i, _)| *i != id)), SHOWN_FOR);
    }
}

/// Where confirmations appear: once, in the shell.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = Toasts::expect();
    view! {
        <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
            <For each=move || toasts.shown.get() key=|(id, _)| *id let((_, text))>
                <p class="toast" data-testid="toast">{text}</p>
            </For>
        </div>
    }
}
