//! The console beside an API on a real socket, spoken to in raw HTTP/1.1: what a browser's
//! page loads get, and that the API's requests still reach the API.

use axum::http::StatusCode;
use axum::routing::post;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn server() -> std::net::SocketAddr {
    let api = axum::Router::new()
        .route("/", post(|| async { "api" }))
        .fallback(|| async { (StatusCode::NOT_FOUND, "api fallback") });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, console::mount(api)).await.unwrap() });
    addr
}

/// One request on a fresh connection; the whole response as text.
async fn request(addr: std::net::SocketAddr, head: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(format!("{head}\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn pages_assets_and_the_api_share_one_port() {
    let addr = server().await;
    let page = request(
        addr,
        "GET /executions/arn:aws:states:us-east-1:123456789012:execution:M:x HTTP/1.1",
    )
    .await;
    assert!(page.starts_with("HTTP/1.1 200 OK"), "{page}");
    assert!(page.contains("content-type: text/html; charset=utf-8"), "{page}");
    assert!(page.contains("<div id=\"app\"></div>"), "{page}");

    let script = page
        .split('"')
        .find(|s| s.starts_with("/assets/") && s.ends_with(".js"))
        .expect("index.html loads a script");
    let js = request(addr, &format!("GET {script} HTTP/1.1")).await;
    assert!(js.starts_with("HTTP/1.1 200 OK"), "{js}");
    assert!(js.contains("content-type: text/javascript; charset=utf-8"), "{js}");
    assert!(
        js.contains("cache-control: public, max-age=31536000, immutable"),
        "{js}"
    );

    let api = request(addr, "POST / HTTP/1.1\r\nContent-Length: 0").await;
    assert!(api.starts_with("HTTP/1.1 200 OK") && api.ends_with("api"), "{api}");
    let lambda = request(addr, "GET /2015-03-31/functions/ HTTP/1.1").await;
    assert!(
        lambda.starts_with("HTTP/1.1 404") && lambda.ends_with("api fallback"),
        "{lambda}"
    );
    let head = request(addr, "HEAD / HTTP/1.1").await;
    assert!(
        head.starts_with("HTTP/1.1 200 OK") && head.ends_with("\r\n\r\n"),
        "{head}"
    );
}
