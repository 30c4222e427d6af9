from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.secret_version_view import SecretVersionView
    from ..models.secret_view import SecretView


T = TypeVar("T", bound="SecretHistory")


@_attrs_define
class SecretHistory:
    """`GET /v1/secrets/{env}/{name}/versions`: the kept versions, newest
    first.

        Attributes:
            secret (SecretView): A secret: its metadata, and its value only where one was asked for.
            versions (list[SecretVersionView]): Its kept versions, newest first.
    """

    secret: SecretView
    versions: list[SecretVersionView]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        secret = self.secret.to_dict()

        versions = []
        for versions_item_data in self.versions:
            versions_item = versions_item_data.to_dict()
            versions.append(versions_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "secret": secret,
                "versions": versions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.secret_version_view import SecretVersionView  # noqa: PLC0415
        from ..models.secret_view import SecretView  # noqa: PLC0415

        d = dict(src_dict)
        secret = SecretView.from_dict(d.pop("secret"))

        versions = []
        _versions = d.pop("versions")
        for versions_item_data in _versions:
            versions_item = SecretVersionView.from_dict(versions_item_data)

            versions.append(versions_item)

        secret_history = cls(
            secret=secret,
            versions=versions,
        )

        secret_history.additional_properties = d
        return secret_history

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
