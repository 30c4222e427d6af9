from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.credits_request import CreditsRequest
    from ..models.named_rate_limit_input import NamedRateLimitInput
    from ..models.patch_key_request_metadata_type_0 import PatchKeyRequestMetadataType0
    from ..models.rate_limit_input import RateLimitInput


T = TypeVar("T", bound="PatchKeyRequest")


@_attrs_define
class PatchKeyRequest:
    """Body of `PATCH /v1/keys/{id}`: fields left out stay, `null` clears
    (every field).

        Attributes:
            credits_ (CreditsRequest | None | Unset):
            expires_at (datetime.datetime | None | Unset): New expiry (RFC 3339, in the future), or null for none.
            expires_in (None | str | Unset):
            ip_allowlist (list[str] | None | Unset): New allowlist, or null for none (any address).
            metadata (None | PatchKeyRequestMetadataType0 | Unset): New metadata (as on create), or null for `{}`.
            name (None | str | Unset):
            owner (None | str | Unset):
            permissions (list[str] | None | Unset): New direct permissions (the same list as `scopes`: given both, the
                key holds both), or null for none.
            rate_limit (None | RateLimitInput | Unset):
            rate_limits (list[NamedRateLimitInput] | None | Unset): New named rate limits (`[]` or null for none).
            roles (list[str] | None | Unset): New roles, or null for none.
            scopes (list[str] | None | Unset): New scopes, or null for none.
            usage_limit (int | None | Unset): New usage limit (resets the uses left), or null for none.
    """

    credits_: CreditsRequest | None | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    expires_in: None | str | Unset = UNSET
    ip_allowlist: list[str] | None | Unset = UNSET
    metadata: None | PatchKeyRequestMetadataType0 | Unset = UNSET
    name: None | str | Unset = UNSET
    owner: None | str | Unset = UNSET
    permissions: list[str] | None | Unset = UNSET
    rate_limit: None | RateLimitInput | Unset = UNSET
    rate_limits: list[NamedRateLimitInput] | None | Unset = UNSET
    roles: list[str] | None | Unset = UNSET
    scopes: list[str] | None | Unset = UNSET
    usage_limit: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.credits_request import CreditsRequest  # noqa: PLC0415
        from ..models.patch_key_request_metadata_type_0 import PatchKeyRequestMetadataType0  # noqa: PLC0415
        from ..models.rate_limit_input import RateLimitInput  # noqa: PLC0415

        credits_: dict[str, Any] | None | Unset
        if isinstance(self.credits_, Unset):
            credits_ = UNSET
        elif isinstance(self.credits_, CreditsRequest):
            credits_ = self.credits_.to_dict()
        else:
            credits_ = self.credits_

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        expires_in: None | str | Unset
        if isinstance(self.expires_in, Unset):
            expires_in = UNSET
        else:
            expires_in = self.expires_in

        ip_allowlist: list[str] | None | Unset
        if isinstance(self.ip_allowlist, Unset):
            ip_allowlist = UNSET
        elif isinstance(self.ip_allowlist, list):
            ip_allowlist = []
            for ip_allowlist_type_0_item_data in self.ip_allowlist:
                ip_allowlist_type_0_item: str
                ip_allowlist_type_0_item = ip_allowlist_type_0_item_data
                ip_allowlist.append(ip_allowlist_type_0_item)

        else:
            ip_allowlist = self.ip_allowlist

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, PatchKeyRequestMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

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
        elif isinstance(self.rate_limit, RateLimitInput):
            rate_limit = self.rate_limit.to_dict()
        else:
            rate_limit = self.rate_limit

        rate_limits: list[dict[str, Any]] | None | Unset
        if isinstance(self.rate_limits, Unset):
            rate_limits = UNSET
        elif isinstance(self.rate_limits, list):
            rate_limits = []
            for rate_limits_type_0_item_data in self.rate_limits:
                rate_limits_type_0_item = rate_limits_type_0_item_data.to_dict()
                rate_limits.append(rate_limits_type_0_item)

        else:
            rate_limits = self.rate_limits

        roles: list[str] | None | Unset
        if isinstance(self.roles, Unset):
            roles = UNSET
        elif isinstance(self.roles, list):
            roles = self.roles

        else:
            roles = self.roles

        scopes: list[str] | None | Unset
        if isinstance(self.scopes, Unset):
            scopes = UNSET
        elif isinstance(self.scopes, list):
            scopes = self.scopes

        else:
            scopes = self.scopes

        usage_limit: int | None | Unset
        if isinstance(self.usage_limit, Unset):
            usage_limit = UNSET
        else:
            usage_limit = self.usage_limit

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if credits_ is not UNSET:
            field_dict["credits"] = credits_
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in
        if ip_allowlist is not UNSET:
            field_dict["ip_allowlist"] = ip_allowlist
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if name is not UNSET:
            field_dict["name"] = name
        if owner is not UNSET:
            field_dict["owner"] = owner
        if permissions is not UNSET:
            field_dict["permissions"] = permissions
        if rate_limit is not UNSET:
            field_dict["rate_limit"] = rate_limit
        if rate_limits is not UNSET:
            field_dict["rate_limits"] = rate_limits
        if roles is not UNSET:
            field_dict["roles"] = roles
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if usage_limit is not UNSET:
            field_dict["usage_limit"] = usage_limit

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credits_request import CreditsRequest  # noqa: PLC0415
        from ..models.named_rate_limit_input import NamedRateLimitInput  # noqa: PLC0415
        from ..models.patch_key_request_metadata_type_0 import PatchKeyRequestMetadataType0  # noqa: PLC0415
        from ..models.rate_limit_input import RateLimitInput  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_credits_(data: object) -> CreditsRequest | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                credits_type_1 = CreditsRequest.from_dict(data)

                return credits_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CreditsRequest | None | Unset, data)

        credits_ = _parse_credits_(d.pop("credits", UNSET))

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

        def _parse_expires_in(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        expires_in = _parse_expires_in(d.pop("expires_in", UNSET))

        def _parse_ip_allowlist(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                ip_allowlist_type_0 = []
                _ip_allowlist_type_0 = data
                for ip_allowlist_type_0_item_data in _ip_allowlist_type_0:

                    def _parse_ip_allowlist_type_0_item(data: object) -> str:
                        return cast(str, data)

                    ip_allowlist_type_0_item = _parse_ip_allowlist_type_0_item(ip_allowlist_type_0_item_data)

                    ip_allowlist_type_0.append(ip_allowlist_type_0_item)

                return ip_allowlist_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        ip_allowlist = _parse_ip_allowlist(d.pop("ip_allowlist", UNSET))

        def _parse_metadata(data: object) -> None | PatchKeyRequestMetadataType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = PatchKeyRequestMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PatchKeyRequestMetadataType0 | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

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

        def _parse_rate_limit(data: object) -> None | RateLimitInput | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                rate_limit_type_1 = RateLimitInput.from_dict(data)

                return rate_limit_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RateLimitInput | Unset, data)

        rate_limit = _parse_rate_limit(d.pop("rate_limit", UNSET))

        def _parse_rate_limits(data: object) -> list[NamedRateLimitInput] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                rate_limits_type_0 = []
                _rate_limits_type_0 = data
                for rate_limits_type_0_item_data in _rate_limits_type_0:
                    rate_limits_type_0_item = NamedRateLimitInput.from_dict(rate_limits_type_0_item_data)

                    rate_limits_type_0.append(rate_limits_type_0_item)

                return rate_limits_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[NamedRateLimitInput] | None | Unset, data)

        rate_limits = _parse_rate_limits(d.pop("rate_limits", UNSET))

        def _parse_roles(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                roles_type_0 = cast(list[str], data)

                return roles_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        roles = _parse_roles(d.pop("roles", UNSET))

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

        def _parse_usage_limit(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        usage_limit = _parse_usage_limit(d.pop("usage_limit", UNSET))

        patch_key_request = cls(
            credits_=credits_,
            expires_at=expires_at,
            expires_in=expires_in,
            ip_allowlist=ip_allowlist,
            metadata=metadata,
            name=name,
            owner=owner,
            permissions=permissions,
            rate_limit=rate_limit,
            rate_limits=rate_limits,
            roles=roles,
            scopes=scopes,
            usage_limit=usage_limit,
        )

        return patch_key_request
