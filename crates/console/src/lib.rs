//! The web console, embedded: the files Vite built from console/ (see build.rs) and the
//! GET handler that serves them next to the API.
//!
//! The API owns `POST /` (Step Functions, JSON 1.0) and every path under a dated prefix
//! (`/2015-03-31/…`: Lambda's REST API; the Runtime API's `/2018-06-01/…`). The console
//! takes the other GET and HEAD requests: a built file when the path names one, else
//! `index.html`, so that every console URL (`/state-machines/<arn>`, `/executions/<arn>`)
//! can be bookmarked and opened directly — the page's own router reads the path.
//!
//! ```ignore
//! let app = console::mount(server::router(backend, config));
//! ```

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn};
use axum::response::Response;

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// Vite puts content-hashed bundles here; they never change under the same name.
const ASSETS_PREFIX: &str = "/assets/";

/// The page's policy: its own scripts and styles only, and it talks to this server only.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Wraps `api` so that GET and HEAD requests for console paths are answered with the
/// console; everything else (every POST, the dated API prefixes) reaches `api` unchanged.
pub fn mount(api: axum::Router) -> axum::Router {
    // Around the whole API, not inside its routes: `/`'s method router would otherwise add
    // its `Allow: POST` to the console's answers.
    axum::Router::new().fallback_service(api).layer(from_fn(intercept))
}

async fn intercept(request: Request, next: Next) -> Response {
    let method = request.method();
    if (method == Method::GET || method == Method::HEAD)
        && let Some(response) = answer(request.uri().path(), method == Method::HEAD)
    {
        return response;
    }
    next.run(request).await
}

/// A built file by its URL path (`/index.html`, `/assets/index-3f2a.js`).
pub fn file(path: &str) -> Option<&'static [u8]> {
    FILES
        .binary_search_by(|(name, _)| (*name).cmp(path))
        .ok()
        .map(|i| FILES[i].1)
}

/// Whether `path` belongs to an API rather than to the console: its first segment is a
/// date (`/2015-03-31/functions`, `/2018-06-01/runtime/…`), as every AWS REST API's is.
pub fn is_api_path(path: &str) -> bool {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    let b = first.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// The console's answer to a GET of `path`, or `None` when the path is the API's.
pub fn answer(path: &str, head: bool) -> Option<Response> {
    if is_api_path(path) {
        return None;
    }
    let (body, name, immutable) = match file(path) {
        Some(body) if path != "/index.html" => (body, path, path.starts_with(ASSETS_PREFIX)),
        // A missing bundle is an error, not a page: an old index.html asking for a file of
        // an older build must not get HTML back as JavaScript.
        None if path.starts_with(ASSETS_PREFIX) => return Some(not_found()),
        _ => (file("/index.html")?, "/index.html", false),
    };
    let mut response = Response::new(if head { Body::empty() } else { Body::from(body) });
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(name)));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if immutable {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    Some(response)
}

fn not_found() -> Response {
    let mut response = Response::new(Body::from("Not Found\n"));
    *response.status_mut() = StatusCode::NOT_FOUND;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" | "map" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::post;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    /// Stands in for the API: `POST /` and a fallback, as `server::router` has.
    fn api() -> axum::Router {
        axum::Router::new()
            .route(
                "/",
                post(|| async { "api post" }).fallback(|| async { (StatusCode::NOT_FOUND, "api method") }),
            )
            .fallback(|| async { (StatusCode::NOT_FOUND, "api fallback") })
    }

    async fn call(method: Method, path: &str) -> (StatusCode, String, String) {
        let request = Request::builder().method(method).uri(path).body(Body::empty()).unwrap();
        let response = mount(api()).oneshot(request).await.unwrap();
        let status = response.status();
        let kind = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, kind, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn console_paths_get_the_page() {
        for path in [
            "/",
            "/state-machines/arn:aws:states:us-east-1:123456789012:stateMachine:Hello",
            "/executions/arn:aws:states:us-east-1:123456789012:execution:Hello:run-1",
            "/no/such/page",
        ] {
            let (status, kind, body) = call(Method::GET, path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_eq!(kind, "text/html; charset=utf-8", "{path}");
            assert!(body.contains("<div id=\"app\">"), "{path}: {body}");
        }
    }

    #[tokio::test]
    async fn api_requests_pass_through() {
        assert_eq!(call(Method::POST, "/").await.2, "api post");
        assert_eq!(call(Method::PUT, "/").await.2, "api method");
        let (status, _, body) = call(Method::GET, "/2015-03-31/functions").await;
        assert_eq!((status, body.as_str()), (StatusCode::NOT_FOUND, "api fallback"));
        assert_eq!(call(Method::POST, "/2015-03-31/functions").await.2, "api fallback");
        assert!(is_api_path("/2018-06-01/runtime/invocation/next"));
        assert!(!is_api_path("/state-machines"));
        assert!(!is_api_path("/2015-3-31/x"));
    }

    #[tokio::test]
    async fn bundles_are_served_with_their_type_and_cached() {
        let script = FILES
            .iter()
            .map(|(name, _)| *name)
            .find(|name| name.starts_with("/assets/") && name.ends_with(".js"))
            .expect("the build has a script bundle");
        let request = Request::builder().uri(script).body(Body::empty()).unwrap();
        let response = mount(api()).oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        let (status, kind, _) = call(Method::GET, "/assets/index-missing.js").await;
        assert_eq!(
            (status, kind.as_str()),
            (StatusCode::NOT_FOUND, "text/plain; charset=utf-8")
        );
    }

    #[tokio::test]
    async fn the_page_is_not_marked_as_the_apis() {
        let request = Request::builder().uri("/").body(Body::empty()).unwrap();
        let response = mount(api()).oneshot(request).await.unwrap();
        assert!(
            response.headers().get(header::ALLOW).is_none(),
            "{:?}",
            response.headers()
        );
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
    }

    #[tokio::test]
    async fn head_has_headers_and_no_body() {
        let (status, kind, body) = call(Method::HEAD, "/").await;
        assert_eq!(
            (status, kind.as_str(), body.as_str()),
            (StatusCode::OK, "text/html; charset=utf-8", "")
        );
    }

    #[test]
    fn the_page_loads_bundles_that_are_embedded() {
        let index = std::str::from_utf8(file("/index.html").unwrap()).unwrap();
        let loaded: Vec<&str> = index.split('"').filter(|s| s.starts_with("/assets/")).collect();
        assert!(loaded.iter().any(|s| s.ends_with(".js")), "{index}");
        assert!(loaded.iter().any(|s| s.ends_with(".css")), "{index}");
        for name in loaded {
            assert!(file(name).is_some(), "index.html loads {name}, which is not embedded");
        }
    }
}
