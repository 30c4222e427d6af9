from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_key_request_metadata_type_0 import CreateKeyRequestMetadataType0
    from ..models.credits_request import CreditsRequest
    from ..models.named_rate_limit_input import NamedRateLimitInput
    from ..models.rate_limit_input import RateLimitInput
    from ..models.share_request import ShareRequest


T = TypeVar("T", bound="CreateKeyRequest")


@_attrs_define
class CreateKeyRequest:
    """Body of `POST /v1/keys`.

    Attributes:
        environment (str): An environment: a lowercase letter, then up to 11 lowercase letters or digits (`live`,
            `test`, `staging`).
        credits_ (CreditsRequest | None | Unset):
        expires_at (datetime.datetime | None | Unset): Expiry, RFC 3339, in the future (or use `expires_in`, not both).
        expires_in (None | str | Unset):
        ip_allowlist (list[str] | Unset): Client networks allowed to use the key (CIDRs or addresses).
        metadata (CreateKeyRequestMetadataType0 | None | Unset): Free-form JSON object returned by verification (at most
            16 KiB;
            its keys, at every depth, without control or invisible formatting
            characters).
        name (None | str | Unset):
        owner (None | str | Unset):
        permissions (list[str] | Unset): Direct permissions, added to `scopes`.
        rate_limit (None | RateLimitInput | Unset):
        rate_limits (list[NamedRateLimitInput] | Unset): Named rate limits, each checked besides `rate_limit` (e.g. 10 a
            second and 10,000 a day): every one must admit a request; the
            verification names the one that refused.
        recoverable (bool | Unset): Keep the secret encrypted so it can be read back (needs a master key).
        roles (list[str] | Unset): Roles of the key's space it holds: it gets their permissions too.
        scopes (list[str] | Unset): The key's direct permissions (scopes are permissions: the two
            lists are one, `permissions` the newer name): dotted or
            colon-separated names (`docs.read`, `orders:read`); a last part `*`
            covers everything under it (`orders:*`).
        share (None | ShareRequest | Unset):
        space (None | str | Unset):
        usage_limit (int | None | Unset): Total verifications allowed (credits without a refill; or use
            `credits`, not both).
    """

    environment: str
    credits_: CreditsRequest | None | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    expires_in: None | str | Unset = UNSET
    ip_allowlist: list[str] | Unset = UNSET
    metadata: CreateKeyRequestMetadataType0 | None | Unset = UNSET
    name: None | str | Unset = UNSET
    owner: None | str | Unset = UNSET
    permissions: list[str] | Unset = UNSET
    rate_limit: None | RateLimitInput | Unset = UNSET
    rate_limits: list[NamedRateLimitInput] | Unset = UNSET
    recoverable: bool | Unset = UNSET
    roles: list[str] | Unset = UNSET
    scopes: list[str] | Unset = UNSET
    share: None | ShareRequest | Unset = UNSET
    space: None | str | Unset = UNSET
    usage_limit: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.create_key_request_metadata_type_0 import CreateKeyRequestMetadataType0  # noqa: PLC0415
        from ..models.credits_request import CreditsRequest  # noqa: PLC0415
        from ..models.rate_limit_input import RateLimitInput  # noqa: PLC0415
        from ..models.share_request import ShareRequest  # noqa: PLC0415

        environment = self.environment

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

        ip_allowlist: list[str] | Unset = UNSET
        if not isinstance(self.ip_allowlist, Unset):
            ip_allowlist = []
            for ip_allowlist_item_data in self.ip_allowlist:
                ip_allowlist_item: str
                ip_allowlist_item = ip_allowlist_item_data
                ip_allowlist.append(ip_allowlist_item)

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, CreateKeyRequestMetadataType0):
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

        permissions: list[str] | Unset = UNSET
        if not isinstance(self.permissions, Unset):
            permissions = self.permissions

        rate_limit: dict[str, Any] | None | Unset
        if isinstance(self.rate_limit, Unset):
            rate_limit = UNSET
        elif isinstance(self.rate_limit, RateLimitInput):
            rate_limit = self.rate_limit.to_dict()
        else:
            rate_limit = self.rate_limit

        rate_limits: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.rate_limits, Unset):
            rate_limits = []
            for rate_limits_item_data in self.rate_limits:
                rate_limits_item = rate_limits_item_data.to_dict()
                rate_limits.append(rate_limits_item)

        recoverable = self.recoverable

        roles: list[str] | Unset = UNSET
        if not isinstance(self.roles, Unset):
            roles = self.roles

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = self.scopes

        share: dict[str, Any] | None | Unset
        if isinstance(self.share, Unset):
            share = UNSET
        elif isinstance(self.share, ShareRequest):
            share = self.share.to_dict()
        else:
            share = self.share

        space: None | str | Unset
        if isinstance(self.space, Unset):
            space = UNSET
        else:
            space = self.space

        usage_limit: int | None | Unset
        if isinstance(self.usage_limit, Unset):
            usage_limit = UNSET
        else:
            usage_limit = self.usage_limit

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "environment": environment,
            }
        )
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
        if recoverable is not UNSET:
            field_dict["recoverable"] = recoverable
        if roles is not UNSET:
            field_dict["roles"] = roles
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if share is not UNSET:
            field_dict["share"] = share
        if space is not UNSET:
            field_dict["space"] = space
        if usage_limit is not UNSET:
            field_dict["usage_limit"] = usage_limit

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_key_request_metadata_type_0 import CreateKeyRequestMetadataType0  # noqa: PLC0415
        from ..models.credits_request import CreditsRequest  # noqa: PLC0415
        from ..models.named_rate_limit_input import NamedRateLimitInput  # noqa: PLC0415
        from ..models.rate_limit_input import RateLimitInput  # noqa: PLC0415
        from ..models.share_request import ShareRequest  # noqa: PLC0415

        d = dict(src_dict)
        environment = d.pop("environment")

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

        _ip_allowlist = d.pop("ip_allowlist", UNSET)
        ip_allowlist: list[str] | Unset = UNSET
        if _ip_allowlist is not UNSET:
            ip_allowlist = []
            for ip_allowlist_item_data in _ip_allowlist:

                def _parse_ip_allowlist_item(data: object) -> str:
                    return cast(str, data)

                ip_allowlist_item = _parse_ip_allowlist_item(ip_allowlist_item_data)

                ip_allowlist.append(ip_allowlist_item)

        def _parse_metadata(data: object) -> CreateKeyRequestMetadataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = CreateKeyRequestMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CreateKeyRequestMetadataType0 | None | Unset, data)

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

        permissions = cast(list[str], d.pop("permissions", UNSET))

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

        _rate_limits = d.pop("rate_limits", UNSET)
        rate_limits: list[NamedRateLimitInput] | Unset = UNSET
        if _rate_limits is not UNSET:
            rate_limits = []
            for rate_limits_item_data in _rate_limits:
                rate_limits_item = NamedRateLimitInput.from_dict(rate_limits_item_data)

                rate_limits.append(rate_limits_item)

        recoverable = d.pop("recoverable", UNSET)

        roles = cast(list[str], d.pop("roles", UNSET))

        scopes = cast(list[str], d.pop("scopes", UNSET))

        def _parse_share(data: object) -> None | ShareRequest | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                share_type_1 = ShareRequest.from_dict(data)

                return share_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ShareRequest | Unset, data)

        share = _parse_share(d.pop("share", UNSET))

        def _parse_space(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        space = _parse_space(d.pop("space", UNSET))

        def _parse_usage_limit(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        usage_limit = _parse_usage_limit(d.pop("usage_limit", UNSET))

        create_key_request = cls(
            environment=environment,
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
            recoverable=recoverable,
            roles=roles,
            scopes=scopes,
            share=share,
            space=space,
            usage_limit=usage_limit,
        )

        return create_key_request
