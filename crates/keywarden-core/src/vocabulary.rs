//! The names the API shows and the store writes into the audit log and the
//! events table: one enum each, one `as_str` each, one `ALL` each (which the
//! API's schemas list). Nothing else in the workspace spells them.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where a key stands at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyStatus {
    /// Usable.
    Active,
    /// Made in the customer portal, waiting for an operator's approval:
    /// refused (`PENDING_APPROVAL`) until approved.
    Pending,
    /// Disabled: refused until enabled again.
    Disabled,
    /// Past its expiry.
    Expired,
    /// Revoked.
    Revoked,
}

impl KeyStatus {
    /// Every status.
    pub const ALL: [KeyStatus; 5] = [
        Self::Active,
        Self::Pending,
        Self::Disabled,
        Self::Expired,
        Self::Revoked,
    ];

    /// Its name in URLs and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Pending => "pending",
            Self::Disabled => "disabled",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
        }
    }
}

impl FromStr for KeyStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "active" => Ok(Self::Active),
            "pending" => Ok(Self::Pending),
            "disabled" => Ok(Self::Disabled),
            "expired" => Ok(Self::Expired),
            "revoked" => Ok(Self::Revoked),
            _ => Err("expected active, pending, disabled, expired or revoked".to_owned()),
        }
    }
}

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every value, in documentation order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// Its name as stored.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| format!("unknown {}", stringify!($name)))
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d)?
                    .parse()
                    .map_err(serde::de::Error::custom)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.as_str().to_owned()
            }
        }
    };
}

vocabulary!(
    /// What an audit entry records.
    AuditAction {
        /// A key was created.
        KeyCreate = "key.create",
        /// A key was read.
        KeyRead = "key.read",
        /// Keys were listed.
        KeyList = "key.list",
        /// A key was changed.
        KeyUpdate = "key.update",
        /// A key was rolled.
        KeyRoll = "key.roll",
        /// A key was revoked.
        KeyRevoke = "key.revoke",
        /// A key was disabled.
        KeyDisable = "key.disable",
        /// A disabled key was enabled.
        KeyEnable = "key.enable",
        /// An owner's shared limits were set.
        OwnerLimitsSet = "owner.limits_set",
        /// An owner's shared limits were removed.
        OwnerLimitsDelete = "owner.limits_delete",
        /// An owner's keys and limits were read.
        OwnerRead = "owner.read",
        /// A one-time share link was opened (and is now dead).
        KeyShareOpened = "key.share_opened",
        /// Keys were revoked by filter.
        KeyBulkRevoke = "key.bulk_revoke",
        /// A leaked key was revoked on a report.
        KeyLeakRevoke = "key.leak_revoke",
        /// A recoverable key's secret was read.
        KeyReveal = "key.reveal",
        /// A key's usage was read.
        KeyUsage = "key.usage",
        /// A key was verified through `POST /v1/verify` (refusals only).
        KeyVerify = "key.verify",
        /// A root key was created.
        RootKeyCreate = "root_key.create",
        /// A root key was revoked.
        RootKeyRevoke = "root_key.revoke",
        /// A leaked root key was revoked on a report.
        RootKeyLeakRevoke = "root_key.leak_revoke",
        /// The audit log or the events were read.
        AuditRead = "audit.read",
        /// The events were read.
        EventRead = "event.read",
        /// An event was queued for the webhook again.
        EventRedeliver = "event.redeliver",
        /// The audit chain was verified.
        AuditVerify = "audit.verify",
        /// A signed checkpoint of the audit chain was read.
        AuditCheckpointRead = "audit.checkpoint_read",
        /// Credentials were refused.
        AuthDenied = "auth.denied",
        /// Someone signed in to the console.
        ConsoleSignIn = "console.sign_in",
        /// Someone signed out of the console.
        ConsoleSignOut = "console.sign_out",
        /// A console form came without its CSRF token.
        ConsoleCsrf = "console.csrf",
        /// Keys made by another system were imported.
        KeyImport = "key.import",
        /// A key space was created.
        SpaceCreate = "space.create",
        /// The key spaces were listed.
        SpaceList = "space.list",
        /// A key space was read.
        SpaceRead = "space.read",
        /// A key space was changed.
        SpaceUpdate = "space.update",
        /// A key space was deleted.
        SpaceDelete = "space.delete",
        /// A role's permissions were set.
        RoleSet = "role.set",
        /// A space's roles were listed.
        RoleList = "role.list",
        /// A role was deleted.
        RoleDelete = "role.delete",
        /// A key made in the customer portal was approved.
        KeyApprove = "key.approve",
        /// A key made in the customer portal was declined (and revoked).
        KeyDecline = "key.decline",
        /// A one-time portal link was made for a customer.
        PortalIssue = "portal.issue",
        /// A portal link was opened: a customer's portal session began (or
        /// the link was refused).
        PortalOpen = "portal.open",
        /// An environment's secrets were listed (names and metadata; with
        /// their values, the entry lists the names read).
        SecretList = "secret.list",
        /// A secret's value was read.
        SecretRead = "secret.read",
        /// A secret was written (a new version).
        SecretWrite = "secret.write",
        /// A secret was deleted, with its versions.
        SecretDelete = "secret.delete",
        /// A secret's versions were listed.
        SecretHistory = "secret.history",
        /// A secret was rolled back (a new version equal to an old one).
        SecretRollback = "secret.rollback",
        /// Keyed digests of the vault's values were handed to a scanner.
        SecretScan = "secret.scan",
        /// Every data key was wrapped again under a new master key.
        MasterKeyRotate = "master_key.rotate",
    }
);

vocabulary!(
    /// What an event (the events table, the webhook) reports.
    EventKind {
        /// A key was reported leaked (and revoked).
        KeyLeaked = "key.leaked",
        /// A revoked key is still being presented.
        KeyRevokedInUse = "key.revoked_in_use",
        /// A key was used from an address it has not been used from before.
        KeyNewAddress = "key.new_address",
        /// A key's verifications jumped.
        KeyBurst = "key.burst",
        /// A signed checkpoint of the audit chain's head.
        AuditCheckpoint = "audit.checkpoint",
        /// A key expires within `expiry_notice` (once per key).
        KeyExpiring = "key.expiring",
        /// A key's credits fell below `credits_low_ratio` of its limit or
        /// refill (once per crossing).
        KeyCreditsLow = "key.credits_low",
        /// A key made in the customer portal waits for an operator's
        /// approval.
        KeyPending = "key.pending",
        /// A secret is older than its `rotate_every` (once per period
        /// while it is not rotated).
        SecretRotationDue = "secret.rotation_due",
    }
);

vocabulary!(
    /// Where an event's webhook delivery stands.
    DeliveryState {
        /// No webhook was configured when the event was raised.
        None = "none",
        /// Waiting for its next attempt.
        Pending = "pending",
        /// The webhook answered 2xx.
        Delivered = "delivered",
        /// Every attempt of the retry period failed.
        Failed = "failed",
    }
);

vocabulary!(
    /// How an audited action ended.
    AuditOutcome {
        /// It was done.
        Allowed = "allowed",
        /// It was refused (credentials, permission).
        Denied = "denied",
        /// It was attempted and failed.
        Failed = "failed",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_statuses_round_trip_by_name() {
        for s in KeyStatus::ALL {
            assert_eq!(s.as_str().parse::<KeyStatus>(), Ok(s));
        }
    }

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for a in AuditAction::ALL {
            assert_eq!(a.as_str().parse::<AuditAction>(), Ok(*a));
            assert!(seen.insert(a.as_str()));
        }
        for k in EventKind::ALL {
            assert_eq!(k.as_str().parse::<EventKind>(), Ok(*k));
            assert!(seen.insert(k.as_str()));
        }
    }
}
