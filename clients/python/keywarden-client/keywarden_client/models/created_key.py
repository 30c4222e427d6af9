from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.key_status import KeyStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.credits_view import CreditsView
    from ..models.key_view_metadata import KeyViewMetadata
    from ..models.named_rate_limit_view import NamedRateLimitView
    from ..models.rate_limit_view import RateLimitView


T = TypeVar("T", bound="CreatedKey")


@_attrs_define
class CreatedKey:
    """A new key: the only response that ever holds its secret.

    Attributes:
        created_at (datetime.datetime): RFC 3339.
        environment (str): Environment.
        hint (str): Prefix, environment and last 4 characters. Example: kw_live_…6P3m.
        id (str): Public id. Example: key_3kTMd9Qx2bZpLw7a.
        ip_allowlist (list[str]): Client networks allowed (empty: any).
        metadata (KeyViewMetadata): Free-form metadata.
        prefix (str): Key prefix.
        rate_limits (list[NamedRateLimitView]): Named rate limits, each checked besides `rate_limit`.
        recoverable (bool): Whether the secret can be read back (`GET /v1/keys/{id}/secret`).
        scopes (list[str]): Its direct permissions (scopes are permissions).
        status (KeyStatus): Where a key stands now.
        updated_at (datetime.datetime): RFC 3339.
        key (str): The key. Shown once; store it now.
        credits_ (CreditsView | None | Unset):
        disabled_at (datetime.datetime | None | Unset): When it was disabled (RFC 3339); absent while enabled.
        effective_permissions (list[str] | Unset): Everything it may do: its direct permissions and its roles'.
        expires_at (datetime.datetime | None | Unset): RFC 3339.
        external_id (None | str | Unset): Its id in the system it was imported from.
        imported (bool | Unset): Whether it was imported from another system.
        last_used_at (datetime.datetime | None | Unset): RFC 3339.
        name (None | str | Unset): Name.
        owner (None | str | Unset): Owner.
        rate_limit (None | RateLimitView | Unset):
        redigested (bool | None | Unset): For an imported key: whether it is stored under keywarden's keyed
            digest yet (a key imported by its old hash is, from its first
            verification on; the old hash is then deleted).
        revoke_reason (None | str | Unset): Why it was revoked.
        revoked_at (datetime.datetime | None | Unset): RFC 3339.
        roles (list[str] | Unset): Its roles.
        rotated_from (None | str | Unset): The key this one replaced.
        rotated_to (None | str | Unset): The key that replaced this one.
        space (str | Unset): The space it belongs to.
        usage_limit (int | None | Unset): Total uses allowed.
        usage_remaining (int | None | Unset): Uses left.
        share_url (None | str | Unset): The one-time share link, when one was asked for (`share`): it
            opens once, in a browser, and the server never holds its fragment.
            A secret (the fragment opens the key): zeroized, redacted in `Debug`.
    """

    created_at: datetime.datetime
    environment: str
    hint: str
    id: str
    ip_allowlist: list[str]
    metadata: KeyViewMetadata
    prefix: str
    rate_limits: list[NamedRateLimitView]
    recoverable: bool
    scopes: list[str]
    status: KeyStatus
    updated_at: datetime.datetime
    key: str
    credits_: CreditsView | None | Unset = UNSET
    disabled_at: datetime.datetime | None | Unset = UNSET
    effective_permissions: list[str] | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    external_id: None | str | Unset = UNSET
    imported: bool | Unset = UNSET
    last_used_at: datetime.datetime | None | Unset = UNSET
    name: None | str | Unset = UNSET
    owner: None | str | Unset = UNSET
    rate_limit: None | RateLimitView | Unset = UNSET
    redigested: bool | None | Unset = UNSET
    revoke_reason: None | str | Unset = UNSET
    revoked_at: datetime.datetime | None | Unset = UNSET
    roles: list[str] | Unset = UNSET
    rotated_from: None | str | Unset = UNSET
    rotated_to: None | str | Unset = UNSET
    space: str | Unset = UNSET
    usage_limit: int | None | Unset = UNSET
    usage_remaining: int | None | Unset = UNSET
    share_url: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.credits_view import CreditsView  # noqa: PLC0415
        from ..models.rate_limit_view import RateLimitView  # noqa: PLC0415

        created_at = self.created_at.isoformat()

        environment = self.environment

        hint = self.hint

        id = self.id

        ip_allowlist = self.ip_allowlist

        metadata = self.metadata.to_dict()

        prefix = self.prefix

        rate_limits = []
        for rate_limits_item_data in self.rate_limits:
            rate_limits_item = rate_limits_item_data.to_dict()
            rate_limits.append(rate_limits_item)

        recoverable = self.recoverable

        scopes = self.scopes

        status = self.status.value

        updated_at = self.updated_at.isoformat()

        key = self.key

        credits_: dict[str, Any] | None | Unset
        if isinstance(self.credits_, Unset):
            credits_ = UNSET
        elif isinstance(self.credits_, CreditsView):
            credits_ = self.credits_.to_dict()
        else:
            credits_ = self.credits_

        disabled_at: None | str | Unset
        if isinstance(self.disabled_at, Unset):
            disabled_at = UNSET
        elif isinstance(self.disabled_at, datetime.datetime):
            disabled_at = self.disabled_at.isoformat()
        else:
            disabled_at = self.disabled_at

        effective_permissions: list[str] | Unset = UNSET
        if not isinstance(self.effective_permissions, Unset):
            effective_permissions = self.effective_permissions

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        external_id: None | str | Unset
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        imported = self.imported

        last_used_at: None | str | Unset
        if isinstance(self.last_used_at, Unset):
            last_used_at = UNSET
        elif isinstance(self.last_used_at, datetime.datetime):
            last_used_at = self.last_used_at.isoformat()
        else:
            last_used_at = self.last_used_at

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

        rate_limit: dict[str, Any] | None | Unset
        if isinstance(self.rate_limit, Unset):
            rate_limit = UNSET
        elif isinstance(self.rate_limit, RateLimitView):
            rate_limit = self.rate_limit.to_dict()
        else:
            rate_limit = self.rate_limit

        redigested: bool | None | Unset
        if isinstance(self.redigested, Unset):
            redigested = UNSET
        else:
            redigested = self.redigested

        revoke_reason: None | str | Unset
        if isinstance(self.revoke_reason, Unset):
            revoke_reason = UNSET
        else:
            revoke_reason = self.revoke_reason

        revoked_at: None | str | Unset
        if isinstance(self.revoked_at, Unset):
            revoked_at = UNSET
        elif isinstance(self.revoked_at, datetime.datetime):
            revoked_at = self.revoked_at.isoformat()
        else:
            revoked_at = self.revoked_at

        roles: list[str] | Unset = UNSET
        if not isinstance(self.roles, Unset):
            roles = self.roles

        rotated_from: None | str | Unset
        if isinstance(self.rotated_from, Unset):
            rotated_from = UNSET
        else:
            rotated_from = self.rotated_from

        rotated_to: None | str | Unset
        if isinstance(self.rotated_to, Unset):
            rotated_to = UNSET
        else:
            rotated_to = self.rotated_to

        space = self.space

        usage_limit: int | None | Unset
        if isinstance(self.usage_limit, Unset):
            usage_limit = UNSET
        else:
            usage_limit = self.usage_limit

        usage_remaining: int | None | Unset
        if isinstance(self.usage_remaining, Unset):
            usage_remaining = UNSET
        else:
            usage_remaining = self.usage_remaining

        share_url: None | str | Unset
        if isinstance(self.share_url, Unset):
            share_url = UNSET
        else:
            share_url = self.share_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "environment": environment,
                "hint": hint,
                "id": id,
                "ip_allowlist": ip_allowlist,
                "metadata": metadata,
                "prefix": prefix,
                "rate_limits": rate_limits,
                "recoverable": recoverable,
                "scopes": scopes,
                "status": status,
                "updated_at": updated_at,
                "key": key,
            }
        )
        if credits_ is not UNSET:
            field_dict["credits"] = credits_
        if disabled_at is not UNSET:
            field_dict["disabled_at"] = disabled_at
        if effective_permissions is not UNSET:
            field_dict["effective_permissions"] = effective_permissions
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if imported is not UNSET:
            field_dict["imported"] = imported
        if last_used_at is not UNSET:
            field_dict["last_used_at"] = last_used_at
        if name is not UNSET:
            field_dict["name"] = name
        if owner is not UNSET:
            field_dict["owner"] = owner
        if rate_limit is not UNSET:
            field_dict["rate_limit"] = rate_limit
        if redigested is not UNSET:
            field_dict["redigested"] = redigested
        if revoke_reason is not UNSET:
            field_dict["revoke_reason"] = revoke_reason
        if revoked_at is not UNSET:
            field_dict["revoked_at"] = revoked_at
        if roles is not UNSET:
            field_dict["roles"] = roles
        if rotated_from is not UNSET:
            field_dict["rotated_from"] = rotated_from
        if rotated_to is not UNSET:
            field_dict["rotated_to"] = rotated_to
        if space is not UNSET:
            field_dict["space"] = space
        if usage_limit is not UNSET:
            field_dict["usage_limit"] = usage_limit
        if usage_remaining is not UNSET:
            field_dict["usage_remaining"] = usage_remaining
        if share_url is not UNSET:
            field_dict["share_url"] = share_url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credits_view import CreditsView  # noqa: PLC0415
        from ..models.key_view_metadata import KeyViewMetadata  # noqa: PLC0415
        from ..models.named_rate_limit_view import NamedRateLimitView  # noqa: PLC0415
        from ..models.rate_limit_view import RateLimitView  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        environment = d.pop("environment")

        hint = d.pop("hint")

        id = d.pop("id")

        ip_allowlist = cast(list[str], d.pop("ip_allowlist"))

        metadata = KeyViewMetadata.from_dict(d.pop("metadata"))

        prefix = d.pop("prefix")

        rate_limits = []
        _rate_limits = d.pop("rate_limits")
        for rate_limits_item_data in _rate_limits:
            rate_limits_item = NamedRateLimitView.from_dict(rate_limits_item_data)

            rate_limits.append(rate_limits_item)

        recoverable = d.pop("recoverable")

        scopes = cast(list[str], d.pop("scopes"))

        status = KeyStatus(d.pop("status"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        key = d.pop("key")

        def _parse_credits_(data: object) -> CreditsView | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                credits_type_1 = CreditsView.from_dict(data)

                return credits_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CreditsView | None | Unset, data)

        credits_ = _parse_credits_(d.pop("credits", UNSET))

        def _parse_disabled_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                disabled_at_type_0 = datetime.datetime.fromisoformat(data)

                return disabled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        disabled_at = _parse_disabled_at(d.pop("disabled_at", UNSET))

        effective_permissions = cast(list[str], d.pop("effective_permissions", UNSET))

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

        def _parse_external_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("external_id", UNSET))

        imported = d.pop("imported", UNSET)

        def _parse_last_used_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_used_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_used_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_used_at = _parse_last_used_at(d.pop("last_used_at", UNSET))

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

        def _parse_redigested(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        redigested = _parse_redigested(d.pop("redigested", UNSET))

        def _parse_revoke_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        revoke_reason = _parse_revoke_reason(d.pop("revoke_reason", UNSET))

        def _parse_revoked_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                revoked_at_type_0 = datetime.datetime.fromisoformat(data)

                return revoked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        revoked_at = _parse_revoked_at(d.pop("revoked_at", UNSET))

        roles = cast(list[str], d.pop("roles", UNSET))

        def _parse_rotated_from(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rotated_from = _parse_rotated_from(d.pop("rotated_from", UNSET))

        def _parse_rotated_to(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rotated_to = _parse_rotated_to(d.pop("rotated_to", UNSET))

        space = d.pop("space", UNSET)

        def _parse_usage_limit(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        usage_limit = _parse_usage_limit(d.pop("usage_limit", UNSET))

        def _parse_usage_remaining(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        usage_remaining = _parse_usage_remaining(d.pop("usage_remaining", UNSET))

        def _parse_share_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        share_url = _parse_share_url(d.pop("share_url", UNSET))

        created_key = cls(
            created_at=created_at,
            environment=environment,
            hint=hint,
            id=id,
            ip_allowlist=ip_allowlist,
            metadata=metadata,
            prefix=prefix,
            rate_limits=rate_limits,
            recoverable=recoverable,
            scopes=scopes,
            status=status,
            updated_at=updated_at,
            key=key,
            credits_=credits_,
            disabled_at=disabled_at,
            effective_permissions=effective_permissions,
            expires_at=expires_at,
            external_id=external_id,
            imported=imported,
            last_used_at=last_used_at,
            name=name,
            owner=owner,
            rate_limit=rate_limit,
            redigested=redigested,
            revoke_reason=revoke_reason,
            revoked_at=revoked_at,
            roles=roles,
            rotated_from=rotated_from,
            rotated_to=rotated_to,
            space=space,
            usage_limit=usage_limit,
            usage_remaining=usage_remaining,
            share_url=share_url,
        )

        created_key.additional_properties = d
        return created_key

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
