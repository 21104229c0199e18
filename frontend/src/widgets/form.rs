//! A form's refusals: the server's words beside the field they name
//! (`errors[]` of its problem details), and the whole message once where no
//! field shows it.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::catalogue;
use crate::i18n::{Locale, T};

/// What the form itself refuses before sending, per field, shown once the
/// reader has tried to send.
#[derive(Clone, Copy)]
pub struct Checks {
    pub tried: RwSignal<bool>,
    pub problems: Memo<Vec<(&'static str, T)>>,
}

impl Checks {
    /// Marks an attempt; whether the form may be sent.
    pub fn pass(self) -> bool {
        self.tried.set(true);
        self.problems.with(Vec::is_empty)
    }

    fn reason(self, field: &str) -> Option<T> {
        if !self.tried.get() {
            return None;
        }
        self.problems.with(|p| p.iter().find(|(f, _)| *f == field).map(|(_, t)| *t))
    }
}

/// Why `field` is refused, under its input: the form's own check first,
/// else the server's words. `id` is what the input names in
/// `aria-describedby`.
#[component]
pub fn FieldError(
    error: RwSignal<Option<ApiError>>,
    field: &'static str,
    id: String,
    #[prop(optional)] checks: Option<Checks>,
) -> impl IntoView {
    let locale = Locale::expect();
    view! {
        <p class="field-error" id=id role="alert" data-testid=format!("error-{field}")>
            {move || {
                checks
                    .and_then(|c| c.reason(field))
                    .map(|t| locale.t(t).to_owned())
                    .or_else(|| error.with(|e| e.as_ref().and_then(|e| e.field_reason(field))))
            }}
        </p>
    }
}

/// The refusal as a whole, unless every field it names is one of `shown`
/// (then each is already beside its input).
#[component]
pub fn FormError(error: RwSignal<Option<ApiError>>, shown: &'static [&'static str], testid: &'static str) -> impl IntoView {
    let locale = Locale::expect();
    view! {
        <p class="form-error" role="alert" data-testid=testid>
            {move || {
                error.with(|e| match e {
                    Some(e) if !e.only_fields(shown) => Some(catalogue::api_error(e, locale.lang())),
                    _ => None,
                })
            }}
        </p>
    }
}
