from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RollbackSecretRequest")


@_attrs_define
class RollbackSecretRequest:
    """Body of `POST /v1/secrets/{env}/{name}/rollback`.

    Attributes:
        to (int): The kept version whose value becomes a new version.
    """

    to: int

    def to_dict(self) -> dict[str, Any]:
        to = self.to

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "to": to,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        to = d.pop("to")

        rollback_secret_request = cls(
            to=to,
        )

        return rollback_secret_request
