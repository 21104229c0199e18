//! The OpenAPI 3.1 document. Paths and schemas are collected from the routes
//! as they are registered (utoipa-actix-web), so the document cannot drift
//! from the router; this module adds what no route says: title, tags, and
//! the shared problem schema.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Cascade API",
        description = "Sales-target planning and in-quarter calibration: the organisation tree, reps, customers, \
opportunities, visits and booked sales that the planning model reads.\n\n\
Every error is RFC 9457 problem details (`application/problem+json`) whose `errors` name each refused field and why. \
Request bodies refuse unknown fields. Lists are cursor-paginated: pass `next_cursor` back as `cursor`. \
Writes to plans and plan lines are optimistic: send the `ETag` you read as `If-Match`; 412 means someone changed it \
first and nothing was written. Money is an exact decimal string with at most two decimal places, in the company's currency (see `GET /api/v1/company`).",
        license(name = "MIT")
    ),
    components(schemas(cascade_api_types::Problem, cascade_api_types::FieldError, cascade_api_types::SortOrder)),
    tags(
        (name = "system", description = "Health, readiness, the company profile and fiscal periods"),
        (name = "auth", description = "Sign-in, token refresh and sign-out"),
        (name = "custom fields", description = "Extra fields an admin defines on customers, reps and opportunities"),
        (name = "access", description = "The role → permission matrix, API tokens for third-party systems, and the audit log"),
        (name = "org units", description = "The sales organisation tree (company → region → province → …)"),
        (name = "reps", description = "Sales representatives"),
        (name = "users", description = "Login identities"),
        (name = "product lines", description = "Company-wide product lines"),
        (name = "customers", description = "Hospitals and their procurement stage"),
        (name = "opportunities", description = "Deals in the funnel lead → quote → contract → payment"),
        (name = "visits", description = "Customer visits"),
        (name = "sales records", description = "Booked revenue from the ERP"),
        (name = "imports", description = "CSV and Excel imports (all-or-nothing, idempotent, as polled jobs) and exports"),
        (name = "plans", description = "Target plans: the three-factor split, adjustment within the band, approval, \
revisions, what-if, calibration and HQ relief. Writes need `If-Match` with the version read; a stale one answers 412."),
        (name = "metrics", description = "Attainment, adjustment frequency, a rep's own target, and the fairness survey"),
    )
)]
pub struct ApiDoc;

/// The body of a file upload or download: bytes, not JSON.
pub struct FileBytes;

impl utoipa::PartialSchema for FileBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::schema::SchemaFormat::KnownFormat(utoipa::openapi::schema::KnownFormat::Binary)))
            .into()
    }
}

impl utoipa::ToSchema for FileBytes {}

/// The bearer security scheme, and the 401/403 answers of every operation
/// that requires it. A route's security requirement lists the one permission
/// it needs (OpenAPI 3.1 allows role names as scopes of non-OAuth schemes);
/// the route × role test reads them from this document.
pub struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from `POST /api/v1/auth/login` (a JWT, valid for minutes; renew it with \
                         `POST /api/v1/auth/refresh`). Each operation lists the permission it needs; out-of-scope objects \
                         answer 404.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "For third-party systems: a long-lived token `cas_…` an admin issues with `POST /api/v1/api-tokens` \
                         for one role and org unit, revocable with `DELETE /api/v1/api-tokens/{id}`. Sent as \
                         `Authorization: Bearer cas_…`; it acts with the role's permissions (never more than its issuer's) \
                         inside the unit's subtree.",
                    ))
                    .build(),
            ),
        );
        let problem = || ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
        for item in doc.paths.paths.values_mut() {
            let ops = [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
            for op in ops.into_iter().flatten() {
                let Some(reqs) = op.security.as_mut().filter(|reqs| reqs.iter().any(|r| r != &Default::default())) else {
                    continue;
                };
                // Every operation a signed-in user may call, an API token
                // with the same permission may call too.
                let scopes: Vec<String> = serde_json::to_value(&*reqs)
                    .ok()
                    .and_then(|v| v.as_array()?.iter().find_map(|r| serde_json::from_value(r["bearer"].clone()).ok()))
                    .unwrap_or_default();
                reqs.push(SecurityRequirement::new("api_token", scopes));
                // Scopes are the permissions named; a route without any only needs a signed-in caller.
                let names_permission = serde_json::to_value(reqs).is_ok_and(|v| {
                    v.as_array().is_some_and(|a| a.iter().any(|r| r["bearer"].as_array().is_some_and(|p| !p.is_empty())))
                });
                op.responses.responses.entry("401".to_owned()).or_insert_with(|| {
                    ResponseBuilder::new()
                        .description("Missing, expired or revoked credentials")
                        .content("application/problem+json", problem())
                        .into()
                });
                if !names_permission {
                    continue;
                }
                op.responses.responses.entry("403".to_owned()).or_insert_with(|| {
                    ResponseBuilder::new()
                        .description("Your role lacks the permission this operation names, or a field is not yours to set")
                        .content("application/problem+json", problem())
                        .into()
                });
            }
        }
    }
}

/// Completes the document collected from the routes (the routes are only
/// known after registration, so this cannot be a derive-time modifier).
pub fn finish(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    Security.modify(&mut doc);
    doc
}

/// The document as the server publishes it at `/api/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    crate::startup::openapi_of_routes()
}

/// The committed `openapi/openapi.json`: pretty JSON with a final newline.
pub fn render() -> String {
    let mut s = document().to_pretty_json().unwrap_or_default();
    s.push('\n');
    s
}
