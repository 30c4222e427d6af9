from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PutSecretRequest")


@_attrs_define
class PutSecretRequest:
    """Body of `PUT /v1/secrets/{env}/{name}`: a new version of the value.

    Attributes:
        value (str): The value: any text up to 60,000 characters without NUL
            (multi-line, empty).
        note (None | str | Unset): A note for people (absent: kept; `null`: cleared).
        rotate_every (None | str | Unset):
    """

    value: str
    note: None | str | Unset = UNSET
    rotate_every: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        value = self.value

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

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "value": value,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note
        if rotate_every is not UNSET:
            field_dict["rotate_every"] = rotate_every

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        value = d.pop("value")

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

        put_secret_request = cls(
            value=value,
            note=note,
            rotate_every=rotate_every,
        )

        return put_secret_request
