from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.check_status import CheckStatus
from ..models.key_kind import KeyKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.rate_limit_view import RateLimitView


T = TypeVar("T", bound="CheckedKey")


@_attrs_define
class CheckedKey:
    """What a key found in the open is, and what it may do. Never the key.

    Attributes:
        may (list[str]): What it may do: an API key's scopes, a root key's permissions.
        status (CheckStatus): Where a key found in the open stands.
        credits_remaining (int | None | Unset): An API key's credits left (as of its last use), unspent by the check.
        environment (None | str | Unset): An API key's environment.
        expires_at (datetime.datetime | None | Unset): When it expires, RFC 3339.
        key_id (None | str | Unset): Its id; absent when unknown.
        kind (KeyKind | None | Unset):
        owner (None | str | Unset): An API key's owner.
        rate_limit (None | RateLimitView | Unset):
    """

    may: list[str]
    status: CheckStatus
    credits_remaining: int | None | Unset = UNSET
    environment: None | str | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    key_id: None | str | Unset = UNSET
    kind: KeyKind | None | Unset = UNSET
    owner: None | str | Unset = UNSET
    rate_limit: None | RateLimitView | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.rate_limit_view import RateLimitView  # noqa: PLC0415

        may = self.may

        status = self.status.value

        credits_remaining: int | None | Unset
        if isinstance(self.credits_remaining, Unset):
            credits_remaining = UNSET
        else:
            credits_remaining = self.credits_remaining

        environment: None | str | Unset
        if isinstance(self.environment, Unset):
            environment = UNSET
        else:
            environment = self.environment

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        key_id: None | str | Unset
        if isinstance(self.key_id, Unset):
            key_id = UNSET
        else:
            key_id = self.key_id

        kind: None | str | Unset
        if isinstance(self.kind, Unset):
            kind = UNSET
        elif isinstance(self.kind, KeyKind):
            kind = self.kind.value
        else:
            kind = self.kind

        owner: None | str | Unset
        if isinstance(self.owner, Unset):
            owner = UNSET
        else:
            owner = self.owner

        rate_limit: dict[str, Any] | None | Unset
        if isinstance(self.rate_limit, Unset):
            rate_limit = UNSET
        elif isinstance(self.rate_limit, RateLimitView):
            rate_limit = self.rate_limit.to_dict()
        else:
            rate_limit = self.rate_limit

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "may": may,
                "status": status,
            }
        )
        if credits_remaining is not UNSET:
            field_dict["credits_remaining"] = credits_remaining
        if environment is not UNSET:
            field_dict["environment"] = environment
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if key_id is not UNSET:
            field_dict["key_id"] = key_id
        if kind is not UNSET:
            field_dict["kind"] = kind
        if owner is not UNSET:
            field_dict["owner"] = owner
        if rate_limit is not UNSET:
            field_dict["rate_limit"] = rate_limit

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rate_limit_view import RateLimitView  # noqa: PLC0415

        d = dict(src_dict)
        may = cast(list[str], d.pop("may"))

        status = CheckStatus(d.pop("status"))

        def _parse_credits_remaining(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        credits_remaining = _parse_credits_remaining(d.pop("credits_remaining", UNSET))

        def _parse_environment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        environment = _parse_environment(d.pop("environment", UNSET))

        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))

        def _parse_key_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        key_id = _parse_key_id(d.pop("key_id", UNSET))

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

        def _parse_owner(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        owner = _parse_owner(d.pop("owner", UNSET))

        def _parse_rate_limit(data: object) -> None | RateLimitView | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                rate_limit_type_1 = RateLimitView.from_dict(data)

                return rate_limit_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RateLimitView | Unset, data)

        rate_limit = _parse_rate_limit(d.pop("rate_limit", UNSET))

        checked_key = cls(
            may=may,
            status=status,
            credits_remaining=credits_remaining,
            environment=environment,
            expires_at=expires_at,
            key_id=key_id,
            kind=kind,
            owner=owner,
            rate_limit=rate_limit,
        )

        checked_key.additional_properties = d
        return checked_key

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
