from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="NamedRateLimitInput")


@_attrs_define
class NamedRateLimitInput:
    """`{"name": "per-second", "limit": 10, "window_seconds": 1}`.

    Attributes:
        limit (int): Requests per window (1 to 1,000,000).
        name (str): Unique on the key (`DUPLICATE_RATE_LIMIT` otherwise).
        window_seconds (int): Window in seconds (1 to 2,592,000, 30 days).
    """

    limit: int
    name: str
    window_seconds: int

    def to_dict(self) -> dict[str, Any]:
        limit = self.limit

        name = self.name

        window_seconds = self.window_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "limit": limit,
                "name": name,
                "window_seconds": window_seconds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        limit = d.pop("limit")

        name = d.pop("name")

        window_seconds = d.pop("window_seconds")

        named_rate_limit_input = cls(
            limit=limit,
            name=name,
            window_seconds=window_seconds,
        )

        return named_rate_limit_input
