from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.secret_view import SecretView


T = TypeVar("T", bound="SecretList")


@_attrs_define
class SecretList:
    """`GET /v1/secrets/{env}`: an environment's secrets, by name.

    Attributes:
        environment (str): An environment: a lowercase letter, then up to 11 lowercase letters or digits (`live`,
            `test`, `staging`).
        secrets (list[SecretView]): Its secrets, by name.
        space (str): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting and ending with a letter or
            digit.
    """

    environment: str
    secrets: list[SecretView]
    space: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        environment = self.environment

        secrets = []
        for secrets_item_data in self.secrets:
            secrets_item = secrets_item_data.to_dict()
            secrets.append(secrets_item)

        space = self.space

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "environment": environment,
                "secrets": secrets,
                "space": space,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.secret_view import SecretView  # noqa: PLC0415

        d = dict(src_dict)
        environment = d.pop("environment")

        secrets = []
        _secrets = d.pop("secrets")
        for secrets_item_data in _secrets:
            secrets_item = SecretView.from_dict(secrets_item_data)

            secrets.append(secrets_item)

        space = d.pop("space")

        secret_list = cls(
            environment=environment,
            secrets=secrets,
            space=space,
        )

        secret_list.additional_properties = d
        return secret_list

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
