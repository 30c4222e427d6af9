from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.outcome_code import OutcomeCode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.rate_limit_state import RateLimitState
    from ..models.verify_response_metadata_type_0 import VerifyResponseMetadataType0


T = TypeVar("T", bound="VerifyResponse")


@_attrs_define
class VerifyResponse:
    """Answer of `POST /v1/verify`: 200 for every verdict; branch on `code`.

    Attributes:
        code (OutcomeCode): A verification's verdict: `VALID`, or why the key was refused.
        valid (bool): `code == "VALID"`.
        environment (None | str | Unset): Its environment.
        expires_at (datetime.datetime | None | Unset): Its expiry, RFC 3339.
        key_id (None | str | Unset): The key's id, when it was found.
        metadata (None | Unset | VerifyResponseMetadataType0): Its metadata.
        missing_permissions (list[str] | None | Unset): With `INSUFFICIENT_PERMISSIONS`: the terms of the query that
            made it
            fail, which it does not hold.
        owner (None | str | Unset): Its owner.
        permissions (list[str] | None | Unset): Its effective permissions: its own and its roles'.
        rate_limit (None | RateLimitState | Unset):
        remaining (int | None | Unset): Uses left of a usage-limited key.
        retry_after (int | None | Unset): Seconds to wait, when `RATE_LIMITED`.
        scopes (list[str] | None | Unset): Its scopes (its direct permissions).
        space (None | str | Unset): Its space.
    """

    code: OutcomeCode
    valid: bool
    environment: None | str | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    key_id: None | str | Unset = UNSET
    metadata: None | Unset | VerifyResponseMetadataType0 = UNSET
    missing_permissions: list[str] | None | Unset = UNSET
    owner: None | str | Unset = UNSET
    permissions: list[str] | None | Unset = UNSET
    rate_limit: None | RateLimitState | Unset = UNSET
    remaining: int | None | Unset = UNSET
    retry_after: int | None | Unset = UNSET
    scopes: list[str] | None | Unset = UNSET
    space: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.rate_limit_state import RateLimitState  # noqa: PLC0415
        from ..models.verify_response_metadata_type_0 import VerifyResponseMetadataType0  # noqa: PLC0415

        code = self.code.value

        valid = self.valid

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

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, VerifyResponseMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        missing_permissions: list[str] | None | Unset
        if isinstance(self.missing_permissions, Unset):
            missing_permissions = UNSET
        elif isinstance(self.missing_permissions, list):
            missing_permissions = self.missing_permissions

        else:
            missing_permissions = self.missing_permissions

        owner: None | str | Unset
        if isinstance(self.owner, Unset):
            owner = UNSET
        else:
            owner = self.owner

        permissions: list[str] | None | Unset
        if isinstance(self.permissions, Unset):
            permissions = UNSET
        elif isinstance(self.permissions, list):
            permissions = self.permissions

        else:
            permissions = self.permissions

        rate_limit: dict[str, Any] | None | Unset
        if isinstance(self.rate_limit, Unset):
            rate_limit = UNSET
        elif isinstance(self.rate_limit, RateLimitState):
            rate_limit = self.rate_limit.to_dict()
        else:
            rate_limit = self.rate_limit

        remaining: int | None | Unset
        if isinstance(self.remaining, Unset):
            remaining = UNSET
        else:
            remaining = self.remaining

        retry_after: int | None | Unset
        if isinstance(self.retry_after, Unset):
            retry_after = UNSET
        else:
            retry_after = self.retry_after

        scopes: list[str] | None | Unset
        if isinstance(self.scopes, Unset):
            scopes = UNSET
        elif isinstance(self.scopes, list):
            scopes = self.scopes

        else:
            scopes = self.scopes

        space: None | str | Unset
        if isinstance(self.space, Unset):
            space = UNSET
        else:
            space = self.space

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "valid": valid,
            }
        )
        if environment is not UNSET:
            field_dict["environment"] = environment
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if key_id is not UNSET:
            field_dict["key_id"] = key_id
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if missing_permissions is not UNSET:
            field_dict["missing_permissions"] = missing_permissions
        if owner is not UNSET:
            field_dict["owner"] = owner
        if permissions is not UNSET:
            field_dict["permissions"] = permissions
        if rate_limit is not UNSET:
            field_dict["rate_limit"] = rate_limit
        if remaining is not UNSET:
            field_dict["remaining"] = remaining
        if retry_after is not UNSET:
            field_dict["retry_after"] = retry_after
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if space is not UNSET:
            field_dict["space"] = space

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rate_limit_state import RateLimitState  # noqa: PLC0415
        from ..models.verify_response_metadata_type_0 import VerifyResponseMetadataType0  # noqa: PLC0415

        d = dict(src_dict)
        code = OutcomeCode(d.pop("code"))

        valid = d.pop("valid")

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

        def _parse_metadata(data: object) -> None | Unset | VerifyResponseMetadataType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = VerifyResponseMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | VerifyResponseMetadataType0, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        def _parse_missing_permissions(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                missing_permissions_type_0 = cast(list[str], data)

                return missing_permissions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        missing_permissions = _parse_missing_permissions(d.pop("missing_permissions", UNSET))

        def _parse_owner(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        owner = _parse_owner(d.pop("owner", UNSET))

        def _parse_permissions(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                permissions_type_0 = cast(list[str], data)

                return permissions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        permissions = _parse_permissions(d.pop("permissions", UNSET))

        def _parse_rate_limit(data: object) -> None | RateLimitState | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                rate_limit_type_1 = RateLimitState.from_dict(data)

                return rate_limit_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RateLimitState | Unset, data)

        rate_limit = _parse_rate_limit(d.pop("rate_limit", UNSET))

        def _parse_remaining(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        remaining = _parse_remaining(d.pop("remaining", UNSET))

        def _parse_retry_after(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        retry_after = _parse_retry_after(d.pop("retry_after", UNSET))

        def _parse_scopes(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                scopes_type_0 = cast(list[str], data)

                return scopes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        scopes = _parse_scopes(d.pop("scopes", UNSET))

        def _parse_space(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        space = _parse_space(d.pop("space", UNSET))

        verify_response = cls(
            code=code,
            valid=valid,
            environment=environment,
            expires_at=expires_at,
            key_id=key_id,
            metadata=metadata,
            missing_permissions=missing_permissions,
            owner=owner,
            permissions=permissions,
            rate_limit=rate_limit,
            remaining=remaining,
            retry_after=retry_after,
            scopes=scopes,
            space=space,
        )

        verify_response.additional_properties = d
        return verify_response

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
