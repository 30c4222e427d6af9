from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RoleView")


@_attrs_define
class RoleView:
    """A role.

    Attributes:
        created_at (datetime.datetime): RFC 3339.
        name (str): Its name.
        permissions (list[str]): What it grants.
        space (str): Its space.
        updated_at (datetime.datetime): RFC 3339.
    """

    created_at: datetime.datetime
    name: str
    permissions: list[str]
    space: str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        name = self.name

        permissions = self.permissions

        space = self.space

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "name": name,
                "permissions": permissions,
                "space": space,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        name = d.pop("name")

        permissions = cast(list[str], d.pop("permissions"))

        space = d.pop("space")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        role_view = cls(
            created_at=created_at,
            name=name,
            permissions=permissions,
            space=space,
            updated_at=updated_at,
        )

        role_view.additional_properties = d
        return role_view

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
