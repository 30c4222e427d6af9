from enum import StrEnum


class AuditOutcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    FAILED = "failed"

    def __str__(self) -> str:
        return str(self.value)
