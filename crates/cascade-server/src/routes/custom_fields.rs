//! `/custom-fields`: the extra fields an admin adds to customers, reps and
//! opportunities, without an engineer.

use std::collections::BTreeSet;

use actix_web::{delete, get, patch, post, web, HttpResponse};
use cascade_api_types::{CustomEntity, CustomField, CustomFieldPatch, CustomFieldType, NewCustomField};
use cascade_core::Permission;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::created;
use crate::auth::Caller;
use crate::error::docs::{BadInput, BadQuery, Conflict, NotFound};
use crate::error::{ApiError, Errors};
use crate::extract::{Json, Query};
use crate::state::AppState;
use crate::validate;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_custom_fields)
        .service(create_custom_field)
        .service(get_custom_field)
        .service(update_custom_field)
        .service(delete_custom_field);
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustomFieldQuery {
    /// Only the fields of this kind of object.
    pub entity: Option<CustomEntity>,
}

/// Most choices a field may offer.
const MAX_CHOICES: usize = 100;

fn check_choices(errs: &mut Errors, field_type: CustomFieldType, choices: &[String]) {
    if field_type != CustomFieldType::Choice {
        if !choices.is_empty() {
            errs.push("choices", "only choice fields have choices");
        }
        return;
    }
    if choices.is_empty() || choices.len() > MAX_CHOICES {
        errs.push("choices", format!("a choice field needs 1–{MAX_CHOICES} choices"));
    }
    let mut seen = BTreeSet::new();
    for (i, c) in choices.iter().enumerate() {
        if c.trim().is_empty() || c.chars().count() > 100 || c.chars().any(char::is_control) {
            errs.push(format!("choices[{i}]"), "must be 1–100 characters without control characters");
        } else if !seen.insert(c) {
            errs.push(format!("choices[{i}]"), "is listed twice");
        }
    }
}

/// Every custom field definition (any signed-in user: forms and exports need them).
#[utoipa::path(tag = "custom fields", security(("bearer" = [])), params(CustomFieldQuery), responses((status = 200, body = Vec<CustomField>), BadQuery))]
#[get("/custom-fields")]
pub async fn list_custom_fields(
    state: web::Data<AppState>,
    _caller: Caller,
    q: Query<CustomFieldQuery>,
) -> Result<web::Json<Vec<CustomField>>, ApiError> {
    Ok(web::Json(state.store.list_custom_fields(q.0.entity).await?))
}

/// Define a custom field. Values are then accepted in the kind's `custom`
/// object, validated by type, and filterable in its list as `custom.<key>=value`.
/// A new required field applies to objects created or changed from now on.
#[utoipa::path(tag = "custom fields", security(("bearer" = ["custom_fields.write"])), request_body = NewCustomField, responses((status = 201, body = CustomField), BadInput, Conflict))]
#[post("/custom-fields")]
pub async fn create_custom_field(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewCustomField>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::CustomFieldsWrite)?;
    caller.require_company_scope("custom fields apply to the whole company: changing them")?;
    let mut new = body.0;
    let mut errs = Errors::default();
    if !cascade_store::is_custom_key(&new.key) {
        errs.push("key", "must be 1–40 of a-z, 0-9 and _, starting with a letter");
    }
    validate::name(&mut errs, "label_zh", &mut new.label_zh);
    validate::name(&mut errs, "label_en", &mut new.label_en);
    check_choices(&mut errs, new.field_type, &new.choices);
    errs.finish()?;
    let f = state.store.create_custom_field(&new).await?;
    caller.audit(&state, "create", "custom_field", f.id, None::<&()>, Some(&f)).await;
    Ok(created("custom-fields", f.id, &f))
}

/// Get one custom field definition.
#[utoipa::path(tag = "custom fields", security(("bearer" = [])), params(("id" = i64, Path)), responses((status = 200, body = CustomField), NotFound))]
#[get("/custom-fields/{id}")]
pub async fn get_custom_field(
    state: web::Data<AppState>,
    _caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<CustomField>, ApiError> {
    Ok(web::Json(state.store.get_custom_field(*id).await?))
}

/// Change labels, whether it is required, or the choices. A choice still
/// held by some object cannot be removed (409).
#[utoipa::path(
    tag = "custom fields",
    security(("bearer" = ["custom_fields.write"])),
    params(("id" = i64, Path)),
    request_body = CustomFieldPatch,
    responses((status = 200, body = CustomField), BadInput, NotFound, Conflict)
)]
#[patch("/custom-fields/{id}")]
pub async fn update_custom_field(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<CustomFieldPatch>,
) -> Result<web::Json<CustomField>, ApiError> {
    caller.require(Permission::CustomFieldsWrite)?;
    caller.require_company_scope("custom fields apply to the whole company: changing them")?;
    let mut patch = body.0;
    let before = state.store.get_custom_field(*id).await?;
    let mut errs = Errors::default();
    validate::opt_name(&mut errs, "label_zh", &mut patch.label_zh);
    validate::opt_name(&mut errs, "label_en", &mut patch.label_en);
    if let Some(choices) = &patch.choices {
        check_choices(&mut errs, before.field_type, choices);
    }
    errs.finish()?;
    if let Some(choices) = &patch.choices {
        for gone in before.choices.iter().filter(|c| !choices.contains(c)) {
            let n = state.store.count_custom_values(before.entity, &before.key, Some(gone)).await?;
            if n > 0 {
                return Err(ApiError::Conflict(cascade_api_types::FieldError::new(
                    "choices",
                    format!("{n} object(s) still hold {gone:?}: change them first"),
                )));
            }
        }
    }
    let after = state.store.update_custom_field(*id, &patch).await?;
    caller.audit(&state, "update", "custom_field", after.id, Some(&before), Some(&after)).await;
    Ok(web::Json(after))
}

/// Delete a custom field and every value of it.
#[utoipa::path(tag = "custom fields", security(("bearer" = ["custom_fields.write"])), params(("id" = i64, Path)), responses((status = 204, description = "Deleted with its values"), NotFound))]
#[delete("/custom-fields/{id}")]
pub async fn delete_custom_field(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::CustomFieldsWrite)?;
    caller.require_company_scope("custom fields apply to the whole company: changing them")?;
    let before = state.store.delete_custom_field(*id).await?;
    caller.audit(&state, "delete", "custom_field", before.id, Some(&before), None::<&()>).await;
    Ok(HttpResponse::NoContent().finish())
}
