//! An axum API protected by keywarden keys.
//!
//! ```sh
//! KEYWARDEN_URL=http://127.0.0.1:8080 KEYWARDEN_TOKEN=kw_root_… \
//!     cargo run -p keywarden-tower --example protected_api
//! curl -H "Authorization: Bearer $KEY" http://127.0.0.1:3000/orders
//! ```
//!
//! `KEYWARDEN_TOKEN` is a root key with `keys:verify`. Every route needs a
//! valid `live` key; `/orders` also needs `orders:read`, and `POST /orders`
//! needs `orders:write`.

use axum::{
    Json, Router,
    routing::{get, post},
};
use keywarden_tower::{Identity, KeyVerifier, KeywardenLayer, RemoteVerifier, RequireScopes};

/// The protected application, for any verifier.
pub(crate) fn app<V: KeyVerifier>(verifier: V) -> Router {
    let read = Router::new()
        .route("/orders", get(list_orders))
        .route_layer(RequireScopes::new(["orders:read"]).unwrap_or_else(|e| panic!("{e}")));
    let write = Router::new()
        .route("/orders", post(create_order))
        .route_layer(RequireScopes::new(["orders:write"]).unwrap_or_else(|e| panic!("{e}")));
    Router::new()
        .route("/whoami", get(whoami))
        .merge(read)
        .merge(write)
        .layer(KeywardenLayer::new(verifier).environment("live"))
}

async fn whoami(id: Identity) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "key_id": id.key_id,
        "owner": id.owner,
        "scopes": id.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
    }))
}

async fn list_orders(id: Identity) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "owner": id.owner, "orders": [] }))
}

async fn create_order(id: Identity) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "created_by": id.key_id }))
}

#[allow(dead_code)] // the integration test uses `app` only
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("KEYWARDEN_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".to_owned());
    let token = std::env::var("KEYWARDEN_TOKEN")
        .map_err(|_| "set KEYWARDEN_TOKEN to a root key with keys:verify")?;
    let verifier = RemoteVerifier::new(&url, &token)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://127.0.0.1:3000");
    axum::serve(
        listener,
        app(verifier).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .await?;
    Ok(())
}
