from enum import StrEnum


class EventKind(StrEnum):
    AUDIT_CHECKPOINT = "audit.checkpoint"
    KEY_BURST = "key.burst"
    KEY_CREDITS_LOW = "key.credits_low"
    KEY_EXPIRING = "key.expiring"
    KEY_LEAKED = "key.leaked"
    KEY_NEW_ADDRESS = "key.new_address"
    KEY_PENDING = "key.pending"
    KEY_REVOKED_IN_USE = "key.revoked_in_use"
    SECRET_ROTATION_DUE = "secret.rotation_due"

    def __str__(self) -> str:
        return str(self.value)
