from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="PutRoleRequest")


@_attrs_define
class PutRoleRequest:
    """Body of `PUT /v1/spaces/{space}/roles/{role}`.

    Attributes:
        permissions (list[str]): The permissions the role grants (replacing what it granted), at
            most 100: dotted or colon-separated names, a last part `*` covering
            everything under it.
    """

    permissions: list[str]

    def to_dict(self) -> dict[str, Any]:
        permissions = self.permissions

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "permissions": permissions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        permissions = cast(list[str], d.pop("permissions"))

        put_role_request = cls(
            permissions=permissions,
        )

        return put_role_request
