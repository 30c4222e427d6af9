from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CheckRequest")


@_attrs_define
class CheckRequest:
    """Body of `POST /v1/leaks/check`.

    Attributes:
        key (str): The key found (zeroized after use, redacted in `Debug`).
    """

    key: str

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "key": key,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        check_request = cls(
            key=key,
        )

        return check_request
