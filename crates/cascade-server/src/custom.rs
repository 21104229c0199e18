//! Checking custom field values against their definitions, and reading
//! `custom.<key>=value` list filters from a query string.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest};
use cascade_api_types::{CustomEntity, CustomField, CustomFieldType, CustomValues};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Errors};
use crate::extract::parse_query;
use crate::state::AppState;

/// The kind of object an import or export kind carries custom fields for.
pub fn entity_of(kind: cascade_api_types::ImportKind) -> Option<CustomEntity> {
    use cascade_api_types::ImportKind as K;
    match kind {
        K::Customers => Some(CustomEntity::Customer),
        K::Reps => Some(CustomEntity::Rep),
        K::Opportunities => Some(CustomEntity::Opportunity),
        K::OrgUnits | K::SalesRecords | K::Visits => None,
    }
}

/// Keys of the `custom.<key>` columns an export of `kind` writes: every
/// field defined for it, so the file can be edited and imported back.
pub async fn export_keys(store: &dyn cascade_store::Store, kind: cascade_api_types::ImportKind) -> Result<Vec<String>, ApiError> {
    match entity_of(kind) {
        Some(e) => Ok(store.list_custom_fields(Some(e)).await?.into_iter().map(|f| f.key).collect()),
        None => Ok(Vec::new()),
    }
}

/// Longest text value.
pub const MAX_TEXT: usize = 500;

/// Checks `values` (a create body's, or with `patch` a PATCH body's) against
/// the definitions of `entity`, pushing one error per bad key as
/// `custom.<key>`. A create must give every required field; a patch may not
/// clear one.
pub async fn check(
    state: &AppState,
    entity: CustomEntity,
    values: Option<&CustomValues>,
    patch: bool,
    errs: &mut Errors,
) -> Result<(), ApiError> {
    let defs = state.store.list_custom_fields(Some(entity)).await?;
    check_against(&defs, values, patch, errs);
    Ok(())
}

pub fn check_against(defs: &[CustomField], values: Option<&CustomValues>, patch: bool, errs: &mut Errors) {
    let empty = CustomValues::new();
    let values = values.unwrap_or(&empty);
    for (key, value) in values {
        let field = format!("custom.{key}");
        let Some(def) = defs.iter().find(|d| &d.key == key) else {
            errs.push(field, "no such custom field (see GET /api/v1/custom-fields)");
            continue;
        };
        if value.is_null() {
            if def.required {
                errs.push(field, "is required and cannot be cleared");
            }
            continue;
        }
        if let Err(reason) = check_value(def, value) {
            errs.push(field, reason);
        }
    }
    if !patch {
        for def in defs.iter().filter(|d| d.required) {
            if values.get(&def.key).is_none_or(serde_json::Value::is_null) {
                errs.push(format!("custom.{}", def.key), "is required");
            }
        }
    }
}

/// Types the text of a file's `custom.<key>` cells (blank ones left out)
/// for `entity`, recording `custom.<key>` errors on row `n`: unknown keys,
/// bad values, and required fields left blank.
pub fn from_cells(
    n: u64,
    entity: CustomEntity,
    cells: std::collections::BTreeMap<String, String>,
    defs: &[CustomField],
    errs: &mut Vec<cascade_api_types::FieldError>,
) -> CustomValues {
    let defs: Vec<&CustomField> = defs.iter().filter(|d| d.entity == entity).collect();
    let mut out = CustomValues::new();
    let mut fail = |key: &str, reason: String| {
        errs.push(cascade_api_types::FieldError { field: format!("custom.{key}"), reason, row: Some(n) });
    };
    for def in defs.iter().filter(|d| d.required && !cells.contains_key(&d.key)) {
        fail(&def.key, "is required".to_owned());
    }
    for (key, text) in cells {
        let Some(def) = defs.iter().find(|d| d.key == key) else {
            fail(&key, format!("no such custom field of {}", entity.as_str()));
            continue;
        };
        let value = match def.field_type {
            CustomFieldType::Number => match text.trim().parse::<i64>() {
                Ok(i) => Some(serde_json::Value::from(i)),
                Err(_) => text.trim().parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(serde_json::Value::Number),
            },
            // Excel in Chinese locales writes 2024/1/5.
            CustomFieldType::Date => NaiveDate::parse_from_str(text.trim(), "%Y/%m/%d")
                .or_else(|_| NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d"))
                .map(|d| serde_json::Value::from(d.to_string()))
                .ok(),
            CustomFieldType::Text | CustomFieldType::Choice => Some(serde_json::Value::from(text)),
        };
        match value.map(|v| check_value(def, &v).map(|()| v)) {
            Some(Ok(v)) => {
                out.insert(key, v);
            }
            Some(Err(reason)) => fail(&key, reason),
            None => fail(&key, format!("must be a {}", def.field_type.as_str())),
        }
    }
    out
}

fn check_value(def: &CustomField, v: &serde_json::Value) -> Result<(), String> {
    match def.field_type {
        CustomFieldType::Text => match v.as_str() {
            Some(s) if s.chars().count() <= MAX_TEXT && !s.chars().any(char::is_control) => Ok(()),
            Some(_) => Err(format!("must be at most {MAX_TEXT} characters without control characters")),
            None => Err("must be a string".to_owned()),
        },
        CustomFieldType::Number => match v.as_f64() {
            Some(n) if n.is_finite() => Ok(()),
            _ => Err("must be a number".to_owned()),
        },
        CustomFieldType::Date => match v.as_str().map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d")) {
            Some(Ok(_)) => Ok(()),
            _ => Err("must be a date YYYY-MM-DD".to_owned()),
        },
        CustomFieldType::Choice => match v.as_str() {
            Some(s) if def.choices.iter().any(|c| c == s) => Ok(()),
            _ => Err(format!("must be one of: {}", def.choices.join(", "))),
        },
    }
}

/// A list's query string: `T`'s parameters (unknown ones refused) plus any
/// number of `custom.<key>=value` filters, checked against the definitions
/// of the list's kind by [`WithCustom::filters`].
pub struct WithCustom<T> {
    pub query: T,
    custom: Vec<(String, String)>,
}

impl<T> WithCustom<T> {
    /// The filters, refused with 422 when a key names no field of `entity`.
    pub async fn filters(&self, state: &AppState, entity: CustomEntity) -> Result<Vec<(String, String)>, ApiError> {
        if self.custom.is_empty() {
            return Ok(Vec::new());
        }
        let defs = state.store.list_custom_fields(Some(entity)).await?;
        let mut errs = Errors::default();
        for (key, _) in &self.custom {
            if !defs.iter().any(|d| &d.key == key) {
                errs.push(format!("custom.{key}"), format!("no such custom field of {}", entity.as_str()));
            }
        }
        errs.finish()?;
        Ok(self.custom.clone())
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for WithCustom<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let (rest, custom) = split(req.query_string());
        let parsed = parse_query::<T>(&rest);
        Box::pin(async move { Ok(WithCustom { query: parsed?, custom }) })
    }
}

fn split(qs: &str) -> (String, Vec<(String, String)>) {
    let mut rest = form_urlencoded::Serializer::new(String::new());
    let mut custom = Vec::new();
    for (k, v) in form_urlencoded::parse(qs.as_bytes()) {
        match k.strip_prefix("custom.") {
            Some(key) => custom.push((key.to_owned(), v.into_owned())),
            None => {
                rest.append_pair(&k, &v);
            }
        }
    }
    (rest.finish(), custom)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn def(key: &str, t: CustomFieldType, required: bool, choices: &[&str]) -> CustomField {
        CustomField {
            id: 1,
            entity: CustomEntity::Customer,
            key: key.into(),
            label_zh: "x".into(),
            label_en: "x".into(),
            field_type: t,
            required,
            choices: choices.iter().map(|c| (*c).to_owned()).collect(),
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    fn fields(e: Errors) -> Vec<String> {
        match e.finish() {
            Err(ApiError::Validation(v)) => v.into_iter().map(|f| f.field).collect(),
            _ => vec![],
        }
    }

    #[test]
    fn values_are_typed_and_required() {
        let defs = [
            def("beds", CustomFieldType::Number, true, &[]),
            def("tier", CustomFieldType::Choice, false, &["gold", "silver"]),
            def("since", CustomFieldType::Date, false, &[]),
            def("note", CustomFieldType::Text, false, &[]),
        ];
        let good: CustomValues =
            serde_json::from_value(json!({"beds": 1200, "tier": "gold", "since": "2024-02-29", "note": "ok"})).unwrap();
        let mut e = Errors::default();
        check_against(&defs, Some(&good), false, &mut e);
        assert!(fields(e).is_empty());
        let bad: CustomValues =
            serde_json::from_value(json!({"beds": "many", "tier": "bronze", "since": "2023-02-29", "colour": "red"})).unwrap();
        let mut e = Errors::default();
        check_against(&defs, Some(&bad), false, &mut e);
        assert_eq!(fields(e), ["custom.beds", "custom.colour", "custom.since", "custom.tier"]);
        let mut e = Errors::default();
        check_against(&defs, None, false, &mut e);
        assert_eq!(fields(e), ["custom.beds"], "a create must give required fields");
        let mut e = Errors::default();
        check_against(&defs, None, true, &mut e);
        assert!(fields(e).is_empty(), "a patch need not repeat them");
        let clear: CustomValues = serde_json::from_value(json!({"beds": null, "tier": null})).unwrap();
        let mut e = Errors::default();
        check_against(&defs, Some(&clear), true, &mut e);
        assert_eq!(fields(e), ["custom.beds"], "required fields cannot be cleared");
    }

    #[test]
    fn file_cells_are_typed() {
        let defs = [def("beds", CustomFieldType::Number, true, &[]), def("since", CustomFieldType::Date, false, &[])];
        let cells = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let mut errs = Vec::new();
        let v = from_cells(2, CustomEntity::Customer, cells(&[("beds", "0120"), ("since", "2024/2/29")]), &defs, &mut errs);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!({"beds": 120, "since": "2024-02-29"}));
        let _ = from_cells(3, CustomEntity::Customer, cells(&[("since", "soon"), ("x", "1")]), &defs, &mut errs);
        let got: Vec<(String, Option<u64>)> = errs.into_iter().map(|e| (e.field, e.row)).collect();
        assert_eq!(
            got,
            [("custom.beds".to_owned(), Some(3)), ("custom.since".to_owned(), Some(3)), ("custom.x".to_owned(), Some(3))]
        );
    }

    #[test]
    fn custom_filters_are_split_off() {
        let (rest, custom) = split("limit=5&custom.tier=gold&unit_id=3&custom.beds=12");
        assert_eq!(rest, "limit=5&unit_id=3");
        assert_eq!(custom, [("tier".to_owned(), "gold".to_owned()), ("beds".to_owned(), "12".to_owned())]);
    }
}
