from enum import StrEnum


class AuditAction(StrEnum):
    AUDIT_CHECKPOINT_READ = "audit.checkpoint_read"
    AUDIT_READ = "audit.read"
    AUDIT_VERIFY = "audit.verify"
    AUTH_DENIED = "auth.denied"
    CONSOLE_CSRF = "console.csrf"
    CONSOLE_SIGN_IN = "console.sign_in"
    CONSOLE_SIGN_OUT = "console.sign_out"
    EVENT_READ = "event.read"
    EVENT_REDELIVER = "event.redeliver"
    KEY_BULK_REVOKE = "key.bulk_revoke"
    KEY_CREATE = "key.create"
    KEY_DISABLE = "key.disable"
    KEY_ENABLE = "key.enable"
    KEY_LEAK_REVOKE = "key.leak_revoke"
    KEY_LIST = "key.list"
    KEY_READ = "key.read"
    KEY_REVEAL = "key.reveal"
    KEY_REVOKE = "key.revoke"
    KEY_ROLL = "key.roll"
    KEY_SHARE_OPENED = "key.share_opened"
    KEY_UPDATE = "key.update"
    KEY_USAGE = "key.usage"
    KEY_VERIFY = "key.verify"
    OWNER_LIMITS_DELETE = "owner.limits_delete"
    OWNER_LIMITS_SET = "owner.limits_set"
    OWNER_READ = "owner.read"
    ROOT_KEY_CREATE = "root_key.create"
    ROOT_KEY_LEAK_REVOKE = "root_key.leak_revoke"
    ROOT_KEY_REVOKE = "root_key.revoke"

    def __str__(self) -> str:
        return str(self.value)
