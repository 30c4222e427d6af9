from enum import StrEnum


class CheckStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"
    EXPIRED = "expired"
    PENDING = "pending"
    REVOKED = "revoked"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return str(self.value)
