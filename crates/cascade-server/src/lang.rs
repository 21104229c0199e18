//! The language a response's words are written in: the first one the
//! request's `Accept-Language` asks for that Cascade speaks, else the
//! company's (`company.language`). Only words the server writes (plan
//! explanations) follow it; figures, codes and problem details do not.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::header::{ACCEPT_LANGUAGE, CONTENT_LANGUAGE, VARY};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, HttpResponseBuilder};
use cascade_core::explain::Lang;
use serde::Deserialize;

use crate::error::ApiError;
use crate::state::AppState;

/// The language of this request's answer. Never refuses a request: a
/// header it cannot read, or that names no language Cascade speaks, means
/// the company's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLang(pub Lang);

impl RequestLang {
    /// The answer's language for an `Accept-Language` value (if any) and
    /// the company's language.
    pub fn resolve(accept_language: Option<&str>, company: Lang) -> RequestLang {
        RequestLang(accept_language.and_then(Lang::from_tag).unwrap_or(company))
    }

    /// A 200 answer that says which language it is in (`Content-Language`)
    /// and that it depends on `Accept-Language` (`Vary`), for caches.
    pub fn ok(self) -> HttpResponseBuilder {
        let mut answer = HttpResponse::Ok();
        answer.insert_header((CONTENT_LANGUAGE, self.0.tag())).insert_header((VARY, "Accept-Language"));
        answer
    }
}

impl FromRequest for RequestLang {
    type Error = ApiError;
    type Future = Ready<Result<RequestLang, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let asked = req.headers().get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        let company = req.app_data::<web::Data<AppState>>().map_or(Lang::Zh, |s| s.settings.language());
        ready(Ok(RequestLang::resolve(asked, company)))
    }
}

/// The `Accept-Language` header of the routes that answer in words, as
/// documented.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct AcceptLanguage {
    /// The language of the explanations: `zh-CN` (or any `zh`) for Chinese,
    /// `en` (or any `en`) for English, q-values honoured
    /// (`en-US,en;q=0.9,zh;q=0.8`). Absent, or naming neither: the
    /// company's language (`GET /company`). The answer's
    /// `Content-Language` says which was used.
    #[serde(rename = "Accept-Language")]
    #[param(value_type = String, required = false, example = "zh-CN")]
    pub accept_language: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_wins_and_the_company_fills_in() {
        let r = |h: Option<&str>, company| RequestLang::resolve(h, company).0;
        assert_eq!(r(None, Lang::Zh), Lang::Zh);
        assert_eq!(r(None, Lang::En), Lang::En);
        assert_eq!(r(Some("en-US,en;q=0.9"), Lang::Zh), Lang::En);
        assert_eq!(r(Some("zh-Hans"), Lang::En), Lang::Zh);
        assert_eq!(r(Some("fr-FR"), Lang::Zh), Lang::Zh);
        assert_eq!(r(Some("fr-FR"), Lang::En), Lang::En);
        assert_eq!(r(Some("zh;q=0, en;q=0"), Lang::En), Lang::En);
    }

    #[test]
    fn answers_name_their_language() {
        let answer = RequestLang(Lang::Zh).ok().finish();
        assert_eq!(answer.headers().get(CONTENT_LANGUAGE).unwrap(), "zh-CN");
        assert_eq!(answer.headers().get(VARY).unwrap(), "Accept-Language");
        assert_eq!(RequestLang(Lang::En).ok().finish().headers().get(CONTENT_LANGUAGE).unwrap(), "en");
    }
}
