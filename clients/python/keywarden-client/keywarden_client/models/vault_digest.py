from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="VaultDigest")


@_attrs_define
class VaultDigest:
    """One vault value, as a scanner may look for it.

    Attributes:
        digest (str): HMAC-SHA256 of the value under `key`, hex.
        label (str): `<environment>/<name>`.
        length (int): The value's length in bytes.
        tag (int): The value's 16-bit tag (SipHash-2-4 under a key derived from
            `key`): a scanner computes the HMAC only of tokens whose tag
            matches.
    """

    digest: str
    label: str
    length: int
    tag: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        digest = self.digest

        label = self.label

        length = self.length

        tag = self.tag

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "digest": digest,
                "label": label,
                "length": length,
                "tag": tag,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        digest = d.pop("digest")

        label = d.pop("label")

        length = d.pop("length")

        tag = d.pop("tag")

        vault_digest = cls(
            digest=digest,
            label=label,
            length=length,
            tag=tag,
        )

        vault_digest.additional_properties = d
        return vault_digest

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
