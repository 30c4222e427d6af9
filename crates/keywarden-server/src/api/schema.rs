//! Schemas of the OpenAPI document that are enumerations: each is built
//! from the Rust vocabulary the server uses, so the document cannot list a
//! value the server does not know, or miss one it answers. Those of the
//! wire's vocabularies and free texts are `keywarden_proto::schemas`
//! (re-exported here); the error codes are the server's own.

use std::borrow::Cow;

use keywarden_core::outcome::Code;
use keywarden_proto::schemas::string_enum;
pub use keywarden_proto::{
    OutcomeCode,
    schemas::{
        AuditActionName, AuditOutcomeName, DeliveryStateName, EventKindName, FilterText, KeyCursor,
        KeyName, KeyStatusName, Reason, ScopeList,
    },
};
use utoipa::openapi::{RefOr, schema::Schema};

use crate::error::ERROR_CODES;

/// `ErrorCode`: every code an error body can carry.
pub struct ErrorCode;

impl utoipa::PartialSchema for ErrorCode {
    fn schema() -> RefOr<Schema> {
        string_enum(
            "Machine-readable error code. Forward-auth refusals carry the verification outcome code (`MISSING`, `REVOKED`, ...).",
            ERROR_CODES
                .iter()
                .copied()
                .chain(
                    Code::ALL
                        .iter()
                        .filter(|c| **c != Code::Valid)
                        .map(|c| c.as_str()),
                )
                .collect::<std::collections::BTreeSet<_>>(),
        )
    }
}

impl utoipa::ToSchema for ErrorCode {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ErrorCode")
    }
}
