//! The REST API under `/api/v1`, one module per resource. Handlers are thin:
//! authorise (`Caller::require` with the permission the route's OpenAPI
//! security requirement names), parse, check, call the store with the
//! caller's scope, audit writes, answer.

pub mod access;
pub mod auth;
pub mod custom_fields;
pub mod customers;
pub mod imports;
pub mod metrics;
pub mod opportunities;
pub mod org_units;
pub mod people;
pub mod plans;
pub mod product_lines;
pub mod sales;
pub mod system;
pub mod visits;

use actix_web::http::header;
use actix_web::HttpResponse;
use cascade_store::{ListParams, Page};
use serde::Serialize;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every `/api/v1` route.
pub fn configure(cfg: &mut ServiceConfig) {
    system::configure(cfg);
    auth::configure(cfg);
    access::configure(cfg);
    custom_fields::configure(cfg);
    org_units::configure(cfg);
    people::configure(cfg);
    product_lines::configure(cfg);
    customers::configure(cfg);
    opportunities::configure(cfg);
    visits::configure(cfg);
    sales::configure(cfg);
    imports::configure(cfg);
    plans::configure(cfg);
    metrics::configure(cfg);
}

/// Defines a list query: the resource's filters plus paging and sorting,
/// refusing unknown parameters. `sorted by` names the store's sort columns,
/// whose names the document lists as the values of `sort`.
macro_rules! list_query {
    ($(#[$meta:meta])* $name:ident sorted by $sorts:path { $($(#[$fmeta:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
        #[serde(deny_unknown_fields)]
        #[into_params(parameter_in = Query)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Rows per page, 1–500 (default 50).
            #[param(minimum = 1, maximum = 500)]
            pub limit: Option<u32>,
            /// `next_cursor` of the previous page.
            pub cursor: Option<String>,
            /// Sort key (default `id`).
            #[param(schema_with = $name::sort_schema)]
            pub sort: Option<String>,
            /// `asc` (default) or `desc`.
            pub order: Option<cascade_api_types::SortOrder>,
        }

        impl $name {
            fn sort_schema() -> utoipa::openapi::schema::Object {
                crate::routes::sort_schema($sorts)
            }

            pub fn list_params(&self) -> Result<cascade_store::ListParams, crate::error::ApiError> {
                crate::routes::list_params(self.limit, &self.cursor, &self.sort, self.order)
            }
        }
    };
}
pub(crate) use list_query;

/// The paging of a list request. `limit` is 1–500 when given (the store
/// reads 0 as "the default", which a client must not be able to ask for).
pub fn list_params(
    limit: Option<u32>,
    cursor: &Option<String>,
    sort: &Option<String>,
    order: Option<cascade_api_types::SortOrder>,
) -> Result<ListParams, crate::error::ApiError> {
    if limit.is_some_and(|n| n == 0 || n > cascade_store::MAX_PAGE_SIZE) {
        return Err(crate::error::ApiError::invalid("limit", format!("must be between 1 and {}", cascade_store::MAX_PAGE_SIZE)));
    }
    Ok(ListParams { limit: limit.unwrap_or(0), cursor: cursor.clone(), sort: sort.clone(), order: order.unwrap_or_default() })
}

/// The `sort` parameter's schema: one of the list's sort keys.
pub fn sort_schema(columns: &[cascade_store::sorts::SortColumn]) -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(columns.iter().map(|c| c.name)))
        .build()
}

/// 201 with a `Location` header pointing at the new resource.
pub fn created<T: Serialize>(collection: &str, id: i64, body: &T) -> HttpResponse {
    HttpResponse::Created().insert_header((header::LOCATION, format!("/api/v1/{collection}/{id}"))).json(body)
}

/// Converts a store page into the API's page type.
pub fn page<T, P>(p: Page<T>, make: impl FnOnce(Vec<T>, Option<String>) -> P) -> P {
    make(p.items, p.next_cursor)
}
