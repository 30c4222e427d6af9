//! The one error type of the HTTP API: `{"error": {"code", "message"}}`.
//! Internal failures are logged and answered with a generic 500; their
//! details never reach the client.

use axum::{
    Json,
    extract::rejection::QueryRejection,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use keywarden_store::StoreError;
use serde::Serialize;

/// `Retry-After` of a 503/507 caused by the store.
pub use keywarden_proto::STORE_RETRY_AFTER;

/// The challenge of every 401: the API takes bearer tokens.
pub const WWW_AUTHENTICATE_BEARER: &str = "Bearer";

/// An API error: a status, a machine-readable code and a message for people.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after: Option<u64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorDetail {
    /// Machine-readable code, e.g. `INVALID_REQUEST`.
    #[schema(value_type = ErrorCode)]
    code: &'static str,
    /// What went wrong, for people.
    message: String,
}

/// Every code an [`ApiError`] may carry, sorted: the OpenAPI document's
/// `ErrorCode` enumeration. A code missing here fails every test that
/// reaches it (debug builds check each error made).
pub const ERROR_CODES: &[&str] = &[
    "BAD_REQUEST",
    "CONFIRMATION_REQUIRED",
    "CONFLICT",
    "CSRF_TOKEN_INVALID",
    "DELETE_PROTECTED",
    "DELIVERY_PENDING",
    "DUPLICATE_RATE_LIMIT",
    "EMPTY_PATCH",
    "ENVIRONMENT_NOT_ALLOWED",
    "EXPIRY_IN_PAST",
    "EXPIRY_REQUIRED",
    "FILTER_REQUIRED",
    "FORBIDDEN",
    "GRACE_PERIOD_TOO_LONG",
    "INTERNAL",
    "INVALID_CIDR",
    "INVALID_CLIENT_IP",
    "INVALID_COST",
    "INVALID_CREDITS",
    "INVALID_ENVIRONMENT",
    "INVALID_EXPIRY",
    "INVALID_GRACE_PERIOD",
    "INVALID_METADATA",
    "INVALID_NAME",
    "INVALID_OWNER",
    "INVALID_PATH",
    "INVALID_PERMISSION_QUERY",
    "INVALID_QUERY",
    "INVALID_RATE_LIMIT",
    "INVALID_REASON",
    "INVALID_REQUEST",
    "INVALID_ROLES",
    "INVALID_SCOPES",
    "INVALID_SECRET",
    "INVALID_SHARE",
    "INVALID_SPACE",
    "INVALID_USAGE_LIMIT",
    "KEY_LIMIT_REACHED",
    "KEY_NOT_ACTIVE",
    "KEY_NOT_ROLLABLE",
    "KEY_REVOKED",
    "LIFETIME_TOO_LONG",
    "MALFORMED_JSON",
    "MASTER_KEY_REQUIRED",
    "METHOD_NOT_ALLOWED",
    "NOT_CONFIGURED",
    "NOT_FOUND",
    "NOT_PENDING",
    "NOT_RECOVERABLE",
    "OVERLOADED",
    "PARTNER_KEYS_UNAVAILABLE",
    "PAYLOAD_TOO_LARGE",
    "PORTAL_SESSION_REQUIRED",
    "RATE_LIMITED",
    "RECOVERY_FAILED",
    "RECOVERY_UNAVAILABLE",
    "REQUEST_TIMEOUT",
    "RESERVED_ENVIRONMENT",
    "SHARE_GONE",
    "SHARE_UNAVAILABLE",
    "SPACE_EXISTS",
    "SPACE_HAS_KEYS",
    "SPACE_HAS_SECRETS",
    "STORAGE_FULL",
    "STORE_UNAVAILABLE",
    "TOO_MANY_KEYS",
    "UNAUTHORIZED",
    "UNKNOWN_ROLE",
    "UNKNOWN_SPACE",
    "UNSUPPORTED_MEDIA_TYPE",
];

impl ApiError {
    /// An error with a status and code.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        debug_assert!(
            ERROR_CODES.binary_search(&code).is_ok(),
            "error code {code} is missing from ERROR_CODES (and so from the OpenAPI document)"
        );
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 422: the request is well-formed JSON but its content is refused.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// 401.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", message)
    }

    /// 403 naming the missing permission.
    pub fn forbidden(permission: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            format!("this root key lacks the permission {permission}"),
        )
    }

    /// 404.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!("{what} not found"),
        )
    }

    /// 409.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// 429 with `Retry-After`.
    pub fn too_many(code: &'static str, message: impl Into<String>, retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, code, message)
        }
    }

    /// 503 `STORE_UNAVAILABLE` with `Retry-After`: the store cannot be
    /// reached now; nothing was changed.
    pub fn store_unavailable() -> Self {
        Self {
            retry_after: Some(STORE_RETRY_AFTER),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "STORE_UNAVAILABLE",
                "the key store is unavailable: nothing was changed; try again shortly",
            )
        }
    }

    /// 503 with `Retry-After`: something the server needs cannot be read
    /// now; nothing was changed.
    pub fn unavailable(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            retry_after: Some(STORE_RETRY_AFTER),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, code, message)
        }
    }

    /// 503 `OVERLOADED` with `Retry-After`: the node refuses work it has no
    /// room for now (connections, request-body memory); nothing was done.
    pub fn overloaded(message: impl Into<String>) -> Self {
        Self::unavailable("OVERLOADED", message)
    }

    /// 507 `STORAGE_FULL`: the store's disk is full; nothing was changed.
    pub fn storage_full() -> Self {
        Self {
            retry_after: Some(STORE_RETRY_AFTER),
            ..Self::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "STORAGE_FULL",
                "the key store's disk is full: nothing was changed",
            )
        }
    }

    /// 500: logs `detail` and tells the client nothing more.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "internal error",
        )
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The message for people (never a secret: see the module docs).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Seconds to wait, for a 429.
    pub fn retry_after(&self) -> Option<u64> {
        self.retry_after
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(WWW_AUTHENTICATE_BEARER),
            );
        }
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => Self::not_found("key"),
            StoreError::Conflict(why) => Self::conflict("CONFLICT", why),
            StoreError::Full(e) => {
                tracing::error!(error = %e, "the store's disk is full: a write was refused");
                Self::storage_full()
            }
            StoreError::Unavailable(e) => {
                tracing::error!(error = %e, "the store is unavailable");
                Self::store_unavailable()
            }
            other => Self::internal(other),
        }
    }
}

pub(crate) use keywarden_core::names::redact_quoted;

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::invalid("INVALID_QUERY", redact_quoted(&rejection.body_text()))
    }
}

impl From<crate::authz::Denied> for ApiError {
    fn from(denied: crate::authz::Denied) -> Self {
        match denied {
            crate::authz::Denied::Forbidden(permission) => Self::forbidden(permission.as_str()),
            crate::authz::Denied::OutsideSpaces(space) => Self::new(
                axum::http::StatusCode::FORBIDDEN,
                "FORBIDDEN",
                format!("this root key does not hold the space {space}"),
            ),
            crate::authz::Denied::NotGranted => Self::new(
                axum::http::StatusCode::FORBIDDEN,
                "FORBIDDEN",
                "this portal session was not granted that",
            ),
            crate::authz::Denied::OutsideEnvironments(env) => Self::new(
                axum::http::StatusCode::FORBIDDEN,
                "FORBIDDEN",
                format!("this root key does not hold the environment {env}"),
            ),
            crate::authz::Denied::Store(err) => err.into(),
        }
    }
}

impl From<keywarden_engine::keys::KeyError> for ApiError {
    fn from(err: keywarden_engine::keys::KeyError) -> Self {
        use axum::http::StatusCode;
        use keywarden_engine::keys::KeyErrorKind;
        let code = err.code();
        match err.kind {
            KeyErrorKind::Store(e) => e.into(),
            KeyErrorKind::Internal(detail) => Self::internal(detail),
            KeyErrorKind::NotFound => Self::not_found("key"),
            KeyErrorKind::Missing(what) => Self::not_found(what),
            KeyErrorKind::Revoked(why) | KeyErrorKind::NotRollable(why) => {
                Self::conflict(code, why)
            }
            KeyErrorKind::Conflict(_) => Self::conflict(code, err.message),
            KeyErrorKind::NotRecoverable => Self::new(StatusCode::NOT_FOUND, code, err.message),
            _ => Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, err.message),
        }
    }
}

/// `ErrorCode`: every code an error body can carry.
pub struct ErrorCode;

impl utoipa::PartialSchema for ErrorCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        keywarden_proto::schemas::string_enum(
            "Machine-readable error code. Forward-auth refusals carry the verification outcome code (`MISSING`, `REVOKED`, ...).",
            ERROR_CODES
                .iter()
                .copied()
                .chain(
                    keywarden_core::outcome::Code::ALL
                        .iter()
                        .filter(|c| **c != keywarden_core::outcome::Code::Valid)
                        .map(|c| c.as_str()),
                )
                .collect::<std::collections::BTreeSet<_>>(),
        )
    }
}

impl utoipa::ToSchema for ErrorCode {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("ErrorCode")
    }
}

#[cfg(test)]
mod tests {
    use super::{ERROR_CODES, redact_quoted};

    #[test]
    fn error_codes_are_sorted_and_unique() {
        assert!(ERROR_CODES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn quoted_values_are_dropped() {
        assert_eq!(
            redact_quoted(r#"invalid type: string "kw_live_secret", expected u32 at line 1"#),
            r#"invalid type: string "…", expected u32 at line 1"#
        );
        assert_eq!(redact_quoted("unknown field `x`"), "unknown field `x`");
    }
}
