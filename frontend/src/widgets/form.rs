//! A form's refusals: the server's words beside the field they name
//! (`errors[]` of its problem details), and the whole message once where no
//! field shows it.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::catalogue;
use crate::i18n::Locale;

/// Why the server refused `field`, under its input; `id` is what the input
/// names in `aria-describedby`.
#[component]
pub fn FieldError(error: RwSignal<Option<ApiError>>, field: &'static str, id: String) -> impl IntoView {
    view! {
        <p class="field-error" id=id role="alert" data-testid=format!("error-{field}")>
            {move || error.with(|e| e.as_ref().and_then(|e| e.field_reason(field)))}
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
