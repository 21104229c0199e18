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
        let assets = (dir.clone(), index.clone());
        let send = move |req: HttpRequest| {
            let (dir, index) = assets.clone();
            async move { asset(&req, &dir, &index).await }
        };
        app.service(
            web::resource(r"/{file:[^/]+\.(?:wasm|js|css)}").route(web::get().to(send.clone())).route(web::head().to(send)),
        )
        .service(actix_files::Files::new("/", dir).index_file("index.html").default_handler(web::to(
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

/// One of the web app's built files. `make frontend` writes each beside
/// its gzip (`name.gz`), sent to a browser that takes gzip: the WASM is
/// 1.5 MB as built and 0.6 MB gzipped, and a phone in DingTalk's webview
/// pays for every byte. Compressed once at build time, at the best level,
/// rather than on every request. A file that is not there gets the app's
/// page, as every other unknown path does.
async fn asset(req: &HttpRequest, dir: &std::path::Path, index: &std::path::Path) -> HttpResponse {
    use actix_files::NamedFile;
    use actix_web::http::header::{self, ContentEncoding};

    let name = req.match_info().query("file");
    let plain = dir.join(name);
    let gzipped = dir.join(format!("{name}.gz"));
    let has_gzip = gzipped.is_file();
    let file = if has_gzip && accepts_gzip(req.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok())) {
        let mime = actix_files::file_extension_to_mime(name.rsplit('.').next().unwrap_or_default());
        NamedFile::open_async(&gzipped)
            .await
            .map(|f| f.set_content_type(mime).set_content_encoding(ContentEncoding::Gzip).disable_content_disposition())
    } else {
        NamedFile::open_async(&plain).await
    };
    let mut response = match file {
        Ok(file) => file.into_response(req),
        Err(_) => match NamedFile::open_async(index).await {
            Ok(page) => return page.into_response(req),
            Err(e) => return ApiError::Internal(anyhow::anyhow!("index.html: {e}")).into(),
        },
    };
    if has_gzip {
        // Caches must keep the two representations apart.
        response.headers_mut().insert(header::VARY, header::HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// Whether an `Accept-Encoding` value takes gzip: named with a weight
/// above zero, or else covered by `*` (RFC 9110 §12.5.3). A weight that
/// does not read as a number counts as a refusal.
fn accepts_gzip(accept_encoding: Option<&str>) -> bool {
    let mut any = false;
    for entry in accept_encoding.unwrap_or_default().split(',') {
        let mut parts = entry.split(';');
        let coding = parts.next().unwrap_or_default().trim();
        let weight = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
            .map(|q| q.trim().parse::<f32>().unwrap_or(0.0))
            .next_back()
            .unwrap_or(1.0);
        if coding.eq_ignore_ascii_case("gzip") {
            return weight > 0.0;
        }
        if coding == "*" {
            any = weight > 0.0;
        }
    }
    any
}

impl From<ApiError> for HttpResponse {
    fn from(e: ApiError) -> HttpResponse {
        actix_web::ResponseError::error_response(&e)
    }
}

#[cfg(test)]
mod tests {
    use super::accepts_gzip;

    #[test]
    fn gzip_is_taken_when_listed_or_wildcarded_and_not_refused() {
        for yes in ["gzip", "gzip, deflate, br, zstd", "br;q=1.0, GZIP;q=0.5", "*", "identity, *;q=0.1"] {
            assert!(accepts_gzip(Some(yes)), "{yes}");
        }
        for no in ["", "br", "identity", "gzip;q=0", "gzip; q=0.0, br", "x-gzip2", "*;q=0", "gzip;q=0, *", "gzip;q=x"] {
            assert!(!accepts_gzip(Some(no)), "{no}");
        }
        assert!(!accepts_gzip(None));
    }
}
