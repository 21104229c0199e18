//! The OpenAPI 3.1 document. Paths and schemas are collected from the routes
//! as they are registered (utoipa-actix-web), so the document cannot drift
//! from the router; this module adds what no route says: title, tags, and
//! the shared problem schema.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Cascade API",
        description = "Sales-target planning and in-quarter calibration: the organisation tree, reps, customers, \
opportunities, visits and booked sales that the planning model reads.\n\n\
Every error is RFC 9457 problem details (`application/problem+json`) whose `errors` name each refused field and why. \
Request bodies refuse unknown fields. Lists are cursor-paginated: pass `next_cursor` back as `cursor`. \
Money is an exact decimal string with at most two decimal places, in the company's currency (see `GET /api/v1/company`).",
        license(name = "MIT")
    ),
    components(schemas(cascade_api_types::Problem, cascade_api_types::FieldError)),
    tags(
        (name = "system", description = "Health, readiness, the company profile and fiscal periods"),
        (name = "org units", description = "The sales organisation tree (company → region → province → …)"),
        (name = "reps", description = "Sales representatives"),
        (name = "users", description = "Login identities"),
        (name = "product lines", description = "Company-wide product lines"),
        (name = "customers", description = "Hospitals and their procurement stage"),
        (name = "opportunities", description = "Deals in the funnel lead → quote → contract → payment"),
        (name = "visits", description = "Customer visits"),
        (name = "sales records", description = "Booked revenue from the ERP"),
        (name = "imports", description = "CSV and Excel imports (all-or-nothing, idempotent, as polled jobs) and exports"),
    )
)]
pub struct ApiDoc;

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
