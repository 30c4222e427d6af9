from enum import StrEnum


class PortalGrant(StrEnum):
    KEYSCREATE = "keys:create"
    KEYSREAD = "keys:read"
    KEYSREVOKE = "keys:revoke"
    KEYSROLL = "keys:roll"
    USAGEREAD = "usage:read"

    def __str__(self) -> str:
        return str(self.value)
