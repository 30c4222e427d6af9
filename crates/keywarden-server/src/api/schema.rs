//! Schemas of the OpenAPI document that are enumerations: each is built
//! from the Rust vocabulary the server uses, so the document cannot list a
//! value the server does not know, or miss one it answers. Those of the
//! wire's vocabularies and free texts are `keywarden_proto::schemas`
//! (re-exported here); the error codes are the server's own.

pub use keywarden_proto::{
    OutcomeCode,
    schemas::{
        AuditActionName, AuditOutcomeName, DeliveryStateName, EventKindName, FilterText, KeyCursor,
        KeyName, KeyStatusName, Reason, ScopeList,
    },
};

pub use crate::error::ErrorCode;
