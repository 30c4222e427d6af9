from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SecretView")


@_attrs_define
class SecretView:
    """A secret: its metadata, and its value only where one was asked for.

    Attributes:
        created_at (str): When it was first written (RFC 3339).
        environment (str): An environment: a lowercase letter, then up to 11 lowercase letters or digits (`live`,
            `test`, `staging`).
        name (str): A vault secret's name, in environment-variable syntax: a letter or `_`, then up to 127 letters,
            digits or `_`.
        rotation_due (bool): Whether its rotation is due now.
        space (str): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting and ending with a letter or
            digit.
        updated_at (str): When its value last changed.
        version (int): The current version (from 1).
        last_read_at (None | str | Unset): When its value was last read.
        note (None | str | Unset): A note for people.
        rotate_every (None | str | Unset): How often it should be rotated.
        rotation_due_at (None | str | Unset): When its rotation is (or was) due.
        value (None | str | Unset): The value, when asked for (`GET …/{name}`, `?values=true`).
    """

    created_at: str
    environment: str
    name: str
    rotation_due: bool
    space: str
    updated_at: str
    version: int
    last_read_at: None | str | Unset = UNSET
    note: None | str | Unset = UNSET
    rotate_every: None | str | Unset = UNSET
    rotation_due_at: None | str | Unset = UNSET
    value: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at

        environment = self.environment

        name = self.name

        rotation_due = self.rotation_due

        space = self.space

        updated_at = self.updated_at

        version = self.version

        last_read_at: None | str | Unset
        if isinstance(self.last_read_at, Unset):
            last_read_at = UNSET
        else:
            last_read_at = self.last_read_at

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        rotate_every: None | str | Unset
        if isinstance(self.rotate_every, Unset):
            rotate_every = UNSET
        else:
            rotate_every = self.rotate_every

        rotation_due_at: None | str | Unset
        if isinstance(self.rotation_due_at, Unset):
            rotation_due_at = UNSET
        else:
            rotation_due_at = self.rotation_due_at

        value: None | str | Unset
        if isinstance(self.value, Unset):
            value = UNSET
        else:
            value = self.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "environment": environment,
                "name": name,
                "rotation_due": rotation_due,
                "space": space,
                "updated_at": updated_at,
                "version": version,
            }
        )
        if last_read_at is not UNSET:
            field_dict["last_read_at"] = last_read_at
        if note is not UNSET:
            field_dict["note"] = note
        if rotate_every is not UNSET:
            field_dict["rotate_every"] = rotate_every
        if rotation_due_at is not UNSET:
            field_dict["rotation_due_at"] = rotation_due_at
        if value is not UNSET:
            field_dict["value"] = value

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = d.pop("created_at")

        environment = d.pop("environment")

        name = d.pop("name")

        rotation_due = d.pop("rotation_due")

        space = d.pop("space")

        updated_at = d.pop("updated_at")

        version = d.pop("version")

        def _parse_last_read_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_read_at = _parse_last_read_at(d.pop("last_read_at", UNSET))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        def _parse_rotate_every(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rotate_every = _parse_rotate_every(d.pop("rotate_every", UNSET))

        def _parse_rotation_due_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rotation_due_at = _parse_rotation_due_at(d.pop("rotation_due_at", UNSET))

        def _parse_value(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        value = _parse_value(d.pop("value", UNSET))

        secret_view = cls(
            created_at=created_at,
            environment=environment,
            name=name,
            rotation_due=rotation_due,
            space=space,
            updated_at=updated_at,
            version=version,
            last_read_at=last_read_at,
            note=note,
            rotate_every=rotate_every,
            rotation_due_at=rotation_due_at,
            value=value,
        )

        secret_view.additional_properties = d
        return secret_view

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
