//! Request extractors whose rejections are API errors with codes.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Query, Request},
    http::request::Parts,
};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, redact_quoted};

/// A JSON object body; malformed JSON is 400, a body that is JSON but not
/// an object, or content refused by the schema (unknown fields, wrong
/// types, invalid names) is 422, too large is 413, not sent as JSON is 415.
/// (An object only: serde would also read a struct from an array of its
/// fields, `[null, null]`.)
pub struct ApiJson<T>(pub T);

/// A JSON array body, with the same errors as [`ApiJson`].
pub struct ApiJsonArray<T>(pub Vec<T>);

/// Whether the request says its body is JSON (`application/json` or
/// `application/*+json`).
fn json_content_type(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|essence| {
            essence == "application/json"
                || (essence.starts_with("application/") && essence.ends_with("+json"))
        })
}

/// The body's bytes (413 past the limit).
async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state)
        .await
        .map_err(|r| body_error(&r, "the request body is too large"))
}

/// The answer to a body that could not be read: 413 past its size limit
/// (`too_large` says which), 503 `OVERLOADED` when the memory of the bodies
/// in flight is spent (`crate::budget`), 400 otherwise.
pub fn body_error(err: &(dyn std::error::Error + 'static), too_large: &str) -> ApiError {
    if crate::budget::is_spent(err) {
        return ApiError::overloaded(
            "the server holds as many request bodies as it can now: try again shortly",
        );
    }
    let mut next = Some(err);
    while let Some(e) = next {
        if e.is::<http_body_util::LengthLimitError>()
            || e.downcast_ref::<axum::extract::rejection::BytesRejection>()
                .is_some_and(|r| r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE)
        {
            return ApiError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                too_large,
            );
        }
        next = e.source();
    }
    ApiError::bad_request("BAD_REQUEST", "the request body could not be read")
}

/// Parses `bytes` as JSON whose first character is `opening` (`{` or `[`).
fn parse_json<T: DeserializeOwned>(bytes: &[u8], opening: u8) -> Result<T, ApiError> {
    let failed = |e: serde_json::Error| {
        let message = redact_quoted(&e.to_string());
        if e.is_data() {
            ApiError::invalid("INVALID_REQUEST", message)
        } else {
            ApiError::bad_request("MALFORMED_JSON", message)
        }
    };
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&opening) {
        // Malformed JSON stays a 400; well-formed JSON of another shape is a 422.
        serde_json::from_slice::<serde::de::IgnoredAny>(bytes).map_err(failed)?;
        let shape = if opening == b'{' {
            "an object"
        } else {
            "an array"
        };
        return Err(ApiError::invalid(
            "INVALID_REQUEST",
            format!("the body must be a JSON {shape}"),
        ));
    }
    serde_json::from_slice(bytes).map_err(failed)
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !json_content_type(req.headers()) {
            return Err(unsupported_media_type());
        }
        let bytes = body_bytes(req, state).await?;
        parse_json(&bytes, b'{').map(Self)
    }
}

/// [`ApiJson`] of a route whose bodies may be larger than the node's
/// `max_body_bytes`: up to `LIMIT` bytes (still within the memory all
/// bodies in flight share).
pub struct LargeJson<T, const LIMIT: usize>(pub T);

impl<T: DeserializeOwned, S: Send + Sync, const LIMIT: usize> FromRequest<S>
    for LargeJson<T, LIMIT>
{
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError> {
        if !json_content_type(req.headers()) {
            return Err(unsupported_media_type());
        }
        let bytes = axum::body::to_bytes(req.into_body(), LIMIT)
            .await
            .map_err(|e| body_error(&e, "the request body is too large"))?;
        parse_json(&bytes, b'{').map(Self)
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJsonArray<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !json_content_type(req.headers()) {
            return Err(unsupported_media_type());
        }
        let bytes = body_bytes(req, state).await?;
        parse_json(&bytes, b'[').map(Self)
    }
}

fn unsupported_media_type() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UNSUPPORTED_MEDIA_TYPE",
        "send the body as JSON with Content-Type: application/json",
    )
}

/// A JSON object body that may be left out: an empty body reads as
/// `T::default()` (whatever its content type).
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = body_bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(T::default()));
        }
        parse_json(&bytes, b'{').map(Self)
    }
}

/// A path parameter; one that cannot be decoded (invalid percent-encoding,
/// not UTF-8) is 400 `INVALID_PATH` in the JSON error shape.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(_) => Err(ApiError::bad_request(
                "INVALID_PATH",
                "the request path could not be decoded",
            )),
        }
    }
}

/// Query parameters; refused ones are 422.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(value) = Query::<T>::from_request_parts(parts, state).await?;
        Ok(Self(value))
    }
}
