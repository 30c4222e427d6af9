//! Request extractors whose rejections are API errors with codes.

use axum::{
    Json,
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Query, Request},
    http::request::Parts,
};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, redact_quoted};

/// A JSON body; malformed JSON is 400, content refused by the schema
/// (unknown fields, wrong types, invalid names) is 422, too large is 413.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let Json(value) = Json::<T>::from_request(req, state).await?;
        Ok(Self(value))
    }
}

/// A JSON body that may be left out: an empty body reads as `T::default()`.
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    r.status(),
                    "PAYLOAD_TOO_LARGE",
                    "the request body is too large",
                )
            } else {
                ApiError::bad_request("BAD_REQUEST", "the request body could not be read")
            }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(T::default()));
        }
        let failed = |e: serde_json::Error| {
            let message = redact_quoted(&e.to_string());
            if e.is_data() {
                ApiError::invalid("INVALID_REQUEST", message)
            } else {
                ApiError::bad_request("MALFORMED_JSON", message)
            }
        };
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(failed)?;
        // An object, as documented: serde would also read a struct from an
        // array of its fields (`[null, null]`).
        if !value.is_object() {
            return Err(ApiError::invalid(
                "INVALID_REQUEST",
                "the body must be a JSON object",
            ));
        }
        serde_json::from_value(value).map(Self).map_err(failed)
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

/// Deserializes a field that may be absent (`None`), null (`Some(None)`)
/// or set (`Some(Some(v))`), for PATCH bodies.
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}
