//! What a key operation can refuse, typed: which field, and why.

use keywarden_store::StoreError;

/// The input a [`KeyError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyField {
    /// The key's id (in the path).
    Id,
    /// The environment.
    Environment,
    /// The name.
    Name,
    /// The scopes.
    Scopes,
    /// The metadata.
    Metadata,
    /// The IP allowlist.
    IpAllowlist,
    /// The rate limit.
    RateLimit,
    /// The usage limit.
    UsageLimit,
    /// The expiry (`expires_at` / `expires_in`).
    Expires,
    /// Recoverability.
    Recoverable,
    /// A roll's grace period.
    GracePeriod,
    /// A revocation's reason.
    Reason,
    /// A bulk revocation's owner/environment filter.
    Filter,
    /// Credits and their refill.
    Credits,
    /// A change as a whole.
    Changes,
    /// The one-time share link asked for.
    Share,
    /// An owner (in the path).
    Owner,
    /// The key's space.
    Space,
    /// The key's roles.
    Roles,
    /// A vault secret: its name, value, note or rotation period.
    Secret,
}

impl KeyField {
    /// The console form field it is shown next to.
    pub fn form_name(self) -> &'static str {
        match self {
            Self::Id | Self::Changes | Self::Filter => "",
            Self::Environment => "environment",
            Self::Name => "name",
            Self::Scopes => "scopes",
            Self::Metadata => "metadata",
            Self::IpAllowlist => "ip_allowlist",
            Self::RateLimit => "rate_limit",
            Self::UsageLimit => "usage_limit",
            Self::Credits => "credits",
            Self::Expires => "expires",
            Self::Recoverable => "recoverable",
            Self::GracePeriod => "grace_period",
            Self::Reason => "reason",
            Self::Share => "share",
            Self::Owner => "owner",
            Self::Space => "space",
            Self::Roles => "roles",
            Self::Secret => "value",
        }
    }
}

/// Why.
#[derive(Debug)]
#[non_exhaustive]
pub enum KeyErrorKind {
    /// Not a valid value.
    Invalid,
    /// Reserved (the `root` environment).
    Reserved,
    /// A time in the past.
    InPast,
    /// Missing where a policy requires it.
    Required,
    /// Longer than allowed.
    TooLong,
    /// Needs something this server lacks (a master key).
    Unavailable,
    /// Nothing to do.
    Empty,
    /// Given twice where it must be unique (a named rate limit's name).
    Duplicate,
    /// Names something that does not exist (a space, a role).
    Unknown,
    /// Refused by the space's policy (an environment it does not allow).
    NotAllowed,
    /// No such key.
    NotFound,
    /// No such thing (an event): what it is.
    Missing(&'static str),
    /// The key is revoked (or expired) and cannot change.
    Revoked(String),
    /// The key cannot be rolled.
    NotRollable(String),
    /// The key was not created recoverable.
    NotRecoverable,
    /// The operation conflicts with the node's state (its code).
    Conflict(&'static str),
    /// The store failed.
    Store(StoreError),
    /// Something that should not happen (logged, never shown).
    Internal(String),
}

/// A refused key operation: the field it is about (if one), the reason,
/// and a message for people (never holding a secret).
#[derive(Debug)]
pub struct KeyError {
    /// The input it is about.
    pub field: Option<KeyField>,
    /// Why.
    pub kind: KeyErrorKind,
    /// For people.
    pub message: String,
}

impl KeyError {
    pub(crate) fn new(field: KeyField, kind: KeyErrorKind, message: impl Into<String>) -> Self {
        Self {
            field: Some(field),
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(field: KeyField, message: impl Into<String>) -> Self {
        Self::new(field, KeyErrorKind::Invalid, message)
    }

    pub(crate) fn not_found() -> Self {
        Self {
            field: Some(KeyField::Id),
            kind: KeyErrorKind::NotFound,
            message: "key not found".to_owned(),
        }
    }

    /// The API's error code for it (the HTTP contract).
    pub fn code(&self) -> &'static str {
        use KeyErrorKind as K;
        use KeyField as F;
        match (&self.kind, self.field) {
            (K::NotFound | K::Missing(_), _) => "NOT_FOUND",
            (K::Revoked(_), _) => "KEY_REVOKED",
            (K::NotRollable(_), _) => "KEY_NOT_ROLLABLE",
            (K::NotRecoverable, _) => "NOT_RECOVERABLE",
            (K::Conflict(code), _) => code,
            (K::Store(_) | K::Internal(_), _) => "INTERNAL",
            (K::Reserved, _) => "RESERVED_ENVIRONMENT",
            (K::InPast, _) => "EXPIRY_IN_PAST",
            (K::Required, Some(F::Filter)) => "FILTER_REQUIRED",
            (K::Required, _) => "EXPIRY_REQUIRED",
            (K::TooLong, Some(F::GracePeriod)) => "GRACE_PERIOD_TOO_LONG",
            (K::TooLong, _) => "LIFETIME_TOO_LONG",
            (K::Unavailable, Some(F::Share)) => "SHARE_UNAVAILABLE",
            (K::Unavailable, _) => "RECOVERY_UNAVAILABLE",
            (K::Empty, _) => "EMPTY_PATCH",
            (K::Duplicate, _) => "DUPLICATE_RATE_LIMIT",
            (K::Unknown, Some(F::Roles)) => "UNKNOWN_ROLE",
            (K::Unknown, _) => "UNKNOWN_SPACE",
            (K::NotAllowed, _) => "ENVIRONMENT_NOT_ALLOWED",
            (K::Invalid, Some(F::Name)) => "INVALID_NAME",
            (K::Invalid, Some(F::Metadata)) => "INVALID_METADATA",
            (K::Invalid, Some(F::Scopes)) => "INVALID_SCOPES",
            (K::Invalid, Some(F::Roles)) => "INVALID_ROLES",
            (K::Invalid, Some(F::Space)) => "INVALID_SPACE",
            (K::Invalid, Some(F::IpAllowlist)) => "INVALID_CIDR",
            (K::Invalid, Some(F::RateLimit)) => "INVALID_RATE_LIMIT",
            (K::Invalid, Some(F::UsageLimit)) => "INVALID_USAGE_LIMIT",
            (K::Invalid, Some(F::Credits)) => "INVALID_CREDITS",
            (K::Invalid, Some(F::Expires)) => "INVALID_EXPIRY",
            (K::Invalid, Some(F::GracePeriod)) => "INVALID_GRACE_PERIOD",
            (K::Invalid, Some(F::Reason)) => "INVALID_REASON",
            (K::Invalid, Some(F::Share)) => "INVALID_SHARE",
            (K::Invalid, Some(F::Owner)) => "INVALID_OWNER",
            (K::Invalid, Some(F::Secret)) => "INVALID_SECRET",
            (K::Invalid, _) => "INVALID_REQUEST",
        }
    }
}

impl From<StoreError> for KeyError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => Self::not_found(),
            other => Self {
                field: None,
                kind: KeyErrorKind::Store(other),
                message: "the store failed".to_owned(),
            },
        }
    }
}
