from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BulkRevokeResponse")


@_attrs_define
class BulkRevokeResponse:
    """Answer of a bulk revoke.

    Attributes:
        key_ids (list[str]): Their ids.
        revoked (int): How many keys were revoked.
    """

    key_ids: list[str]
    revoked: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key_ids = self.key_ids

        revoked = self.revoked

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key_ids": key_ids,
                "revoked": revoked,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key_ids = cast(list[str], d.pop("key_ids"))

        revoked = d.pop("revoked")

        bulk_revoke_response = cls(
            key_ids=key_ids,
            revoked=revoked,
        )

        bulk_revoke_response.additional_properties = d
        return bulk_revoke_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
