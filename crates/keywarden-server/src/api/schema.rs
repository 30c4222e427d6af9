//! Schemas of the OpenAPI document that are enumerations: each is built
//! from the Rust vocabulary the server uses, so the document cannot list a
//! value the server does not know, or miss one it answers.

use std::borrow::Cow;

use keywarden_core::outcome::Code;
use keywarden_store::{AuditAction, AuditOutcome, DeliveryState, EventKind, KeyStatus};
use utoipa::openapi::{ObjectBuilder, RefOr, Type, schema::Schema};

use crate::error::ERROR_CODES;

/// A string schema listing `values`.
fn string_enum<'a>(description: &str, values: impl IntoIterator<Item = &'a str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(values))
        .into()
}

macro_rules! enum_schema {
    ($(#[$doc:meta])* $name:ident, $title:literal, $description:literal, $values:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                string_enum($description, $values)
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($title)
            }
        }
    };
}

enum_schema!(
    /// `KeyStatus`: where a key stands.
    KeyStatusName,
    "KeyStatus",
    "Where a key stands now.",
    KeyStatus::ALL.iter().map(|s| s.as_str())
);

pub use keywarden_proto::OutcomeCode;

enum_schema!(
    /// `ErrorCode`: every code an error body can carry.
    ErrorCode,
    "ErrorCode",
    "Machine-readable error code. Forward-auth refusals carry the verification outcome code (`MISSING`, `REVOKED`, ...).",
    ERROR_CODES
        .iter()
        .copied()
        .chain(Code::ALL.iter().filter(|c| **c != Code::Valid).map(|c| c.as_str()))
        .collect::<std::collections::BTreeSet<_>>()
);

enum_schema!(
    /// `EventKind`: what an event reports.
    EventKindName,
    "EventKind",
    "What an event reports.",
    EventKind::ALL.iter().map(|k| k.as_str())
);

enum_schema!(
    /// `DeliveryState`: where an event's webhook delivery stands.
    DeliveryStateName,
    "DeliveryState",
    "Where an event's webhook delivery stands: `none` (no webhook was configured when it was raised), `pending` (waiting for its next attempt), `delivered` (the webhook answered 2xx), `failed` (every attempt of the 24-hour retry period failed).",
    DeliveryState::ALL.iter().map(|s| s.as_str())
);

enum_schema!(
    /// `AuditAction`: what an audit entry records.
    AuditActionName,
    "AuditAction",
    "What an audit entry records.",
    AuditAction::ALL.iter().map(|a| a.as_str())
);

enum_schema!(
    /// `AuditOutcome`: how an audited action ended.
    AuditOutcomeName,
    "AuditOutcome",
    "How an audited action ended.",
    AuditOutcome::ALL.iter().map(|o| o.as_str())
);

macro_rules! text_schema {
    ($(#[$doc:meta])* $name:ident, $title:literal, $description:literal, $pattern:expr, $min:expr, $max:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some($description))
                    .pattern(Some($pattern))
                    .min_length($min)
                    .max_length($max)
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($title)
            }
        }
    };
}

use keywarden_proto::patterns::{CLEAN_TEXT, NO_CONTROL};

text_schema!(
    /// A free-text filter of a list.
    FilterText,
    "FilterText",
    "Text to match: at most 200 characters, without control characters.",
    NO_CONTROL,
    None,
    Some(crate::bounds::MAX_FILTER_CHARS)
);

text_schema!(
    /// A key's name.
    KeyName,
    "KeyName",
    "A name for people: at most 200 characters, without control or invisible formatting characters.",
    CLEAN_TEXT,
    None,
    Some(crate::keys::MAX_NAME)
);

text_schema!(
    /// Why a key was revoked.
    Reason,
    "Reason",
    "Why: 1 to 200 characters, without control characters, line separators or invisible formatting characters.",
    CLEAN_TEXT,
    Some(1),
    Some(crate::keys::MAX_NAME)
);

text_schema!(
    /// The scopes forward-auth requires.
    ScopeList,
    "ScopeList",
    "Required scopes, comma-separated (spaces around commas allowed), at most 50.",
    concat!(
        r"^ *([a-z0-9][a-z0-9_.-]{0,63}:([a-z0-9][a-z0-9_.-]{0,63}|\*)",
        r"( *, *[a-z0-9][a-z0-9_.-]{0,63}:([a-z0-9][a-z0-9_.-]{0,63}|\*)){0,49})? *$"
    ),
    None,
    None
);

text_schema!(
    /// A page cursor of `GET /v1/keys`.
    KeyCursor,
    "KeyCursor",
    "The `next_cursor` of the previous page.",
    r"^[0-9]{1,15}\.key_[A-Za-z0-9]{16}$",
    None,
    None
);
