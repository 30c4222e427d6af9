from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="VerifyRequest")


@_attrs_define
class VerifyRequest:
    """Body of `POST /v1/verify`. The key is read into a zeroizing type that
    redacts itself in `Debug`; it is written out only when a client sends
    the request.

        Attributes:
            key (str): The key the API client presented.
            client_ip (None | str | Unset):
            cost (int | None | Unset): Credits this request spends from a key that has credits (default 1;
                0 checks without spending; at most [`MAX_COST`]).
            environment (None | str | Unset):
            permissions (None | str | Unset):
            scopes (list[str] | Unset): Scopes the request needs (at most 50); all must be held.
            space (None | str | Unset):
    """

    key: str
    client_ip: None | str | Unset = UNSET
    cost: int | None | Unset = UNSET
    environment: None | str | Unset = UNSET
    permissions: None | str | Unset = UNSET
    scopes: list[str] | Unset = UNSET
    space: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        client_ip: None | str | Unset
        if isinstance(self.client_ip, Unset):
            client_ip = UNSET
        else:
            client_ip = self.client_ip

        cost: int | None | Unset
        if isinstance(self.cost, Unset):
            cost = UNSET
        else:
            cost = self.cost

        environment: None | str | Unset
        if isinstance(self.environment, Unset):
            environment = UNSET
        else:
            environment = self.environment

        permissions: None | str | Unset
        if isinstance(self.permissions, Unset):
            permissions = UNSET
        else:
            permissions = self.permissions

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = self.scopes

        space: None | str | Unset
        if isinstance(self.space, Unset):
            space = UNSET
        else:
            space = self.space

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "key": key,
            }
        )
        if client_ip is not UNSET:
            field_dict["client_ip"] = client_ip
        if cost is not UNSET:
            field_dict["cost"] = cost
        if environment is not UNSET:
            field_dict["environment"] = environment
        if permissions is not UNSET:
            field_dict["permissions"] = permissions
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if space is not UNSET:
            field_dict["space"] = space

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        def _parse_client_ip(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_ip = _parse_client_ip(d.pop("client_ip", UNSET))

        def _parse_cost(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        cost = _parse_cost(d.pop("cost", UNSET))

        def _parse_environment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        environment = _parse_environment(d.pop("environment", UNSET))

        def _parse_permissions(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        permissions = _parse_permissions(d.pop("permissions", UNSET))

        scopes = cast(list[str], d.pop("scopes", UNSET))

        def _parse_space(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        space = _parse_space(d.pop("space", UNSET))

        verify_request = cls(
            key=key,
            client_ip=client_ip,
            cost=cost,
            environment=environment,
            permissions=permissions,
            scopes=scopes,
            space=space,
        )

        return verify_request
