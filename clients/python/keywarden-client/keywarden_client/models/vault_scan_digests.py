from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.vault_digest import VaultDigest


T = TypeVar("T", bound="VaultScanDigests")


@_attrs_define
class VaultScanDigests:
    """`POST /v1/vault/scan-digests`: keyed digests of the vault's values
    under a key made for this scan (never the values).

        Attributes:
            key (str): The scan's HMAC-SHA256 key: 32 bytes, hex.
            secrets (list[VaultDigest]): One entry per secret.
    """

    key: str
    secrets: list[VaultDigest]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        secrets = []
        for secrets_item_data in self.secrets:
            secrets_item = secrets_item_data.to_dict()
            secrets.append(secrets_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "secrets": secrets,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.vault_digest import VaultDigest  # noqa: PLC0415

        d = dict(src_dict)
        key = d.pop("key")

        secrets = []
        _secrets = d.pop("secrets")
        for secrets_item_data in _secrets:
            secrets_item = VaultDigest.from_dict(secrets_item_data)

            secrets.append(secrets_item)

        vault_scan_digests = cls(
            key=key,
            secrets=secrets,
        )

        vault_scan_digests.additional_properties = d
        return vault_scan_digests

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
