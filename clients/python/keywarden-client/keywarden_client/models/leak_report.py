from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LeakReport")


@_attrs_define
class LeakReport:
    """One leaked key.

    Attributes:
        key (str): The key (zeroized after use, redacted in `Debug`).
        source (None | str | Unset): Where it was found (a URL, a path).
    """

    key: str
    source: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        source: None | str | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        else:
            source = self.source

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "key": key,
            }
        )
        if source is not UNSET:
            field_dict["source"] = source

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        def _parse_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source = _parse_source(d.pop("source", UNSET))

        leak_report = cls(
            key=key,
            source=source,
        )

        return leak_report
