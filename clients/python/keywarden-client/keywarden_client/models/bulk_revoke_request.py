from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="BulkRevokeRequest")


@_attrs_define
class BulkRevokeRequest:
    """Body of `POST /v1/keys/revoke`.

    Attributes:
        confirm (bool): Must be `true`: a bulk revoke cannot be undone.
        environment (None | str | Unset):
        owner (None | str | Unset):
        reason (None | str | Unset):
        space (None | str | Unset):
    """

    confirm: bool
    environment: None | str | Unset = UNSET
    owner: None | str | Unset = UNSET
    reason: None | str | Unset = UNSET
    space: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        confirm = self.confirm

        environment: None | str | Unset
        if isinstance(self.environment, Unset):
            environment = UNSET
        else:
            environment = self.environment

        owner: None | str | Unset
        if isinstance(self.owner, Unset):
            owner = UNSET
        else:
            owner = self.owner

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        space: None | str | Unset
        if isinstance(self.space, Unset):
            space = UNSET
        else:
            space = self.space

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "confirm": confirm,
            }
        )
        if environment is not UNSET:
            field_dict["environment"] = environment
        if owner is not UNSET:
            field_dict["owner"] = owner
        if reason is not UNSET:
            field_dict["reason"] = reason
        if space is not UNSET:
            field_dict["space"] = space

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        confirm = d.pop("confirm")

        def _parse_environment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        environment = _parse_environment(d.pop("environment", UNSET))

        def _parse_owner(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        owner = _parse_owner(d.pop("owner", UNSET))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        def _parse_space(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        space = _parse_space(d.pop("space", UNSET))

        bulk_revoke_request = cls(
            confirm=confirm,
            environment=environment,
            owner=owner,
            reason=reason,
            space=space,
        )

        return bulk_revoke_request
