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
/// refusing unknown parameters.
macro_rules! list_query {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
        #[serde(deny_unknown_fields)]
        #[into_params(parameter_in = Query)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Rows per page, 1–500 (default 50).
            pub limit: Option<u32>,
            /// `next_cursor` of the previous page.
            pub cursor: Option<String>,
            /// Sort key (default `id`).
            pub sort: Option<String>,
            /// `asc` (default) or `desc`.
            pub order: Option<cascade_api_types::SortOrder>,
        }

        impl $name {
            pub fn list_params(&self) -> cascade_store::ListParams {
                crate::routes::list_params(self.limit, &self.cursor, &self.sort, self.order)
            }
        }
    };
}
pub(crate) use list_query;

pub fn list_params(
    limit: Option<u32>,
    cursor: &Option<String>,
    sort: &Option<String>,
    order: Option<cascade_api_types::SortOrder>,
) -> ListParams {
    ListParams { limit: limit.unwrap_or(0), cursor: cursor.clone(), sort: sort.clone(), order: order.unwrap_or_default() }
}

/// 201 with a `Location` header pointing at the new resource.
pub fn created<T: Serialize>(collection: &str, id: i64, body: &T) -> HttpResponse {
    HttpResponse::Created().insert_header((header::LOCATION, format!("/api/v1/{collection}/{id}"))).json(body)
}

/// Converts a store page into the API's page type.
pub fn page<T, P>(p: Page<T>, make: impl FnOnce(Vec<T>, Option<String>) -> P) -> P {
    make(p.items, p.next_cursor)
}
