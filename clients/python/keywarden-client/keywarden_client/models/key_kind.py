from enum import StrEnum


class KeyKind(StrEnum):
    API_KEY = "api_key"
    ROOT_KEY = "root_key"

    def __str__(self) -> str:
        return str(self.value)
