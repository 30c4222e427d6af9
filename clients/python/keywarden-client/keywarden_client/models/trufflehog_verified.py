from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.key_kind import KeyKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="TrufflehogVerified")


@_attrs_define
class TrufflehogVerified:
    """The answer for an active key. The key itself is never in it: TruffleHog
    keeps the start of a 200 answer's body with the finding.

        Attributes:
            key_id (str): The key's id.
            verified (bool): Always `true`.
            kind (KeyKind | None | Unset):
    """

    key_id: str
    verified: bool
    kind: KeyKind | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key_id = self.key_id

        verified = self.verified

        kind: None | str | Unset
        if isinstance(self.kind, Unset):
            kind = UNSET
        elif isinstance(self.kind, KeyKind):
            kind = self.kind.value
        else:
            kind = self.kind

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key_id": key_id,
                "verified": verified,
            }
        )
        if kind is not UNSET:
            field_dict["kind"] = kind

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key_id = d.pop("key_id")

        verified = d.pop("verified")

        def _parse_kind(data: object) -> KeyKind | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                kind_type_1 = KeyKind(data)

                return kind_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(KeyKind | None | Unset, data)

        kind = _parse_kind(d.pop("kind", UNSET))

        trufflehog_verified = cls(
            key_id=key_id,
            verified=verified,
            kind=kind,
        )

        trufflehog_verified.additional_properties = d
        return trufflehog_verified

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
