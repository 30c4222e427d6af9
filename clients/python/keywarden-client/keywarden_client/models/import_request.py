from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="ImportRequest")


@_attrs_define
class ImportRequest:
    """Body of `POST /v1/keys/import`: up to 1,000 keys of another system.
    Each row is read alone: a row that cannot be read is reported (with its
    index) and skipped, the others are imported.

        Attributes:
            keys (list[Any]): The keys (1 to 1,000).
    """

    keys: list[Any]

    def to_dict(self) -> dict[str, Any]:
        keys = self.keys

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "keys": keys,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        keys = cast(list[Any], d.pop("keys"))

        import_request = cls(
            keys=keys,
        )

        return import_request
