from enum import StrEnum


class OutcomeCode(StrEnum):
    ENV_MISMATCH = "ENV_MISMATCH"
    EXPIRED = "EXPIRED"
    INSUFFICIENT_SCOPE = "INSUFFICIENT_SCOPE"
    IP_DENIED = "IP_DENIED"
    MALFORMED = "MALFORMED"
    MISSING = "MISSING"
    NOT_FOUND = "NOT_FOUND"
    RATE_LIMITED = "RATE_LIMITED"
    REVOKED = "REVOKED"
    STORE_UNAVAILABLE = "STORE_UNAVAILABLE"
    USAGE_EXCEEDED = "USAGE_EXCEEDED"
    VALID = "VALID"

    def __str__(self) -> str:
        return str(self.value)
