//! Building and running the HTTP server. `Application::build` binds the
//! address it is given (port 0 in tests) so tests can start the real server.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use cascade_store::Store;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::{scope, AppExt, UtoipaApp};
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::throttle::Throttle;
use crate::auth::tokens::Keys;
use crate::config::{Mode, Settings, DEVELOPMENT_JWT_SECRET};
use crate::error::ApiError;
use crate::extract::JsonLimit;
use crate::openapi::ApiDoc;
use crate::routes;
use crate::state::AppState;

pub struct Application {
    port: u16,
    server: Server,
    store: Arc<dyn Store>,
}

impl Application {
    /// Connects to and migrates the database, then binds the server.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let store = cascade_store::connect(&settings.database.url, settings.database.max_connections).await?;
        store.migrate().await?;
        Self::build_with_store(settings, store)
    }

    pub fn build_with_store(settings: Settings, store: Arc<dyn Store>) -> anyhow::Result<Application> {
        let listener = TcpListener::bind((settings.server.host.as_str(), settings.server.port))
            .map_err(|e| anyhow::anyhow!("cannot listen on {}:{}: {e}", settings.server.host, settings.server.port))?;
        let port = listener.local_addr()?.port();
        let static_dir = settings.server.static_dir.clone();
        let json_limit = settings.server.max_json_bytes;
        if settings.auth.mode == Mode::Development && settings.auth.jwt_secret == DEVELOPMENT_JWT_SECRET {
            tracing::warn!("signing tokens with the public development key; set auth.jwt_secret before real use");
        }
        let a = &settings.auth;
        let throttle =
            Throttle::new(Duration::from_secs(a.throttle_window_secs), a.max_failures_per_account, a.max_failures_per_client);
        let keys = Keys::new(a);
        let state = web::Data::new(AppState { store: store.clone(), settings, progress: Default::default(), keys, throttle });
        let server = HttpServer::new(move || {
            let (app, api) = api_app(App::new().into_utoipa_app()).split_for_parts();
            let api = crate::openapi::finish(api);
            let app = app
                .app_data(state.clone())
                .app_data(JsonLimit(json_limit))
                // A path segment that cannot be an id names no resource.
                .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound("resource").into()))
                .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", api))
                .service(web::scope("/api").default_service(web::to(api_not_found)));
            with_spa(app, &static_dir).wrap(TracingLogger::default())
        })
        .listen(listener)?
        .shutdown_timeout(30)
        .run();
        Ok(Application { port, server, store })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM or SIGINT, then finishes in-flight requests and
    /// closes the database pool.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        tracing::info!("server stopped; closing the database");
        self.store.close().await;
        result
    }
}

/// Registers every documented route on a utoipa app.
fn api_app<T>(app: UtoipaApp<T>) -> UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Response = ServiceResponse, Error = actix_web::Error, InitError = ()>,
{
    app.openapi(ApiDoc::openapi())
        .service(routes::system::healthz)
        .service(routes::system::readyz)
        .map(|app| app.service(web::resource(["/healthz", "/readyz"]).to(api_not_found)))
        .service(scope::scope("/api/v1").configure(routes::configure).default_service(web::to(api_not_found)))
}

/// The OpenAPI document of exactly the routes the server registers.
pub fn openapi_of_routes() -> utoipa::openapi::OpenApi {
    crate::openapi::finish(api_app(App::new().into_utoipa_app()).split_for_parts().1)
}

/// What no route took: 405 with `Allow` when the path is a documented one
/// (another method was meant), 404 otherwise.
async fn api_not_found(req: HttpRequest) -> HttpResponse {
    if let Some(allowed) = methods_of(req.path()) {
        return ApiError::MethodNotAllowed { allowed }.into();
    }
    let mut p = ApiError::NotFound("endpoint").problem();
    p.detail = Some(format!("no endpoint {} {}; see /api/docs", req.method(), req.path()));
    crate::error::problem_response(&p)
}

/// The documented path templates (segments, `None` for a `{parameter}`)
/// and the methods each declares, read once from the document.
type RouteTable = Vec<(Vec<Option<String>>, Vec<&'static str>)>;

fn methods_of(path: &str) -> Option<Vec<&'static str>> {
    static TABLE: std::sync::OnceLock<RouteTable> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let doc = serde_json::to_value(openapi_of_routes()).unwrap_or_default();
        let paths = doc["paths"].as_object().cloned().unwrap_or_default();
        paths
            .into_iter()
            .map(|(template, item)| {
                let segments =
                    template.split('/').map(|s| (!(s.starts_with('{') && s.ends_with('}'))).then(|| s.to_owned())).collect();
                let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
                    .into_iter()
                    .filter(|m| item.get(m.to_ascii_lowercase()).is_some())
                    .collect();
                (segments, methods)
            })
            .collect()
    });
    let parts: Vec<&str> = path.split('/').collect();
    table
        .iter()
        .find(|(segments, _)| {
            segments.len() == parts.len()
                && segments.iter().zip(&parts).all(|(s, p)| s.as_deref().map_or(!p.is_empty(), |s| s == *p))
        })
        .map(|(_, methods)| methods.clone())
}

/// Serves the SPA: its files, and `index.html` for client-side routes.
fn with_spa<T>(app: App<T>, dir: &PathBuf) -> App<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Response = ServiceResponse, Error = actix_web::Error, InitError = ()>,
{
    if dir.join("index.html").is_file() {
        let index = dir.join("index.html");
        app.service(actix_files::Files::new("/", dir).index_file("index.html").default_handler(web::to(
            move |req: HttpRequest| {
                let index = index.clone();
                async move {
                    match actix_files::NamedFile::open_async(&index).await {
                        Ok(f) => f.into_response(&req),
                        Err(e) => ApiError::Internal(anyhow::anyhow!("index.html: {e}")).into(),
                    }
                }
            },
        )))
    } else {
        app.default_service(web::to(|| async {
            HttpResponse::Ok().content_type("text/html; charset=utf-8").body(
                "<!doctype html><title>Cascade</title><p>The Cascade API is running (see <a href=\"/api/docs/\">/api/docs</a>). \
                 The web app is not built: run <code>make run</code>.</p>",
            )
        }))
    }
}

impl From<ApiError> for HttpResponse {
    fn from(e: ApiError) -> HttpResponse {
        actix_web::ResponseError::error_response(&e)
    }
}
