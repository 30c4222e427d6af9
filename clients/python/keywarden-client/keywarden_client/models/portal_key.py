from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.key_status import KeyStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="PortalKey")


@_attrs_define
class PortalKey:
    """A key as its customer sees it in the portal.

    Attributes:
        created_at (datetime.datetime): RFC 3339.
        environment (str): Its environment.
        hint (str): Its last characters, to recognize it.
        id (str): Its id.
        status (KeyStatus): Where a key stands now.
        credits_remaining (int | None | Unset): Credits left, when it has credits.
        expires_at (datetime.datetime | None | Unset): When it stops working (RFC 3339).
        last_used_at (datetime.datetime | None | Unset): Its last successful use (RFC 3339).
        name (None | str | Unset):
        rotated_to (None | str | Unset): The key that replaced it in a roll.
    """

    created_at: datetime.datetime
    environment: str
    hint: str
    id: str
    status: KeyStatus
    credits_remaining: int | None | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    last_used_at: datetime.datetime | None | Unset = UNSET
    name: None | str | Unset = UNSET
    rotated_to: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        environment = self.environment

        hint = self.hint

        id = self.id

        status = self.status.value

        credits_remaining: int | None | Unset
        if isinstance(self.credits_remaining, Unset):
            credits_remaining = UNSET
        else:
            credits_remaining = self.credits_remaining

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        last_used_at: None | str | Unset
        if isinstance(self.last_used_at, Unset):
            last_used_at = UNSET
        elif isinstance(self.last_used_at, datetime.datetime):
            last_used_at = self.last_used_at.isoformat()
        else:
            last_used_at = self.last_used_at

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        rotated_to: None | str | Unset
        if isinstance(self.rotated_to, Unset):
            rotated_to = UNSET
        else:
            rotated_to = self.rotated_to

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "environment": environment,
                "hint": hint,
                "id": id,
                "status": status,
            }
        )
        if credits_remaining is not UNSET:
            field_dict["credits_remaining"] = credits_remaining
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if last_used_at is not UNSET:
            field_dict["last_used_at"] = last_used_at
        if name is not UNSET:
            field_dict["name"] = name
        if rotated_to is not UNSET:
            field_dict["rotated_to"] = rotated_to

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        environment = d.pop("environment")

        hint = d.pop("hint")

        id = d.pop("id")

        status = KeyStatus(d.pop("status"))

        def _parse_credits_remaining(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        credits_remaining = _parse_credits_remaining(d.pop("credits_remaining", UNSET))

        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))

        def _parse_last_used_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_used_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_used_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_used_at = _parse_last_used_at(d.pop("last_used_at", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_rotated_to(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rotated_to = _parse_rotated_to(d.pop("rotated_to", UNSET))

        portal_key = cls(
            created_at=created_at,
            environment=environment,
            hint=hint,
            id=id,
            status=status,
            credits_remaining=credits_remaining,
            expires_at=expires_at,
            last_used_at=last_used_at,
            name=name,
            rotated_to=rotated_to,
        )

        portal_key.additional_properties = d
        return portal_key

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
