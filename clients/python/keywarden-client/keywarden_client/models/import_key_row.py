from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.credits_request import CreditsRequest
    from ..models.foreign_hash import ForeignHash
    from ..models.import_key_row_metadata_type_0 import ImportKeyRowMetadataType0
    from ..models.rate_limit_input import RateLimitInput


T = TypeVar("T", bound="ImportKeyRow")


@_attrs_define
class ImportKeyRow:
    """One key to import: its text (`plaintext`) or the old system's hash of it
    (`hash`), and its settings.

        Attributes:
            credits_ (CreditsRequest | None | Unset):
            environment (None | str | Unset):
            expires_at (datetime.datetime | None | Unset): Its expiry, RFC 3339 (in the future).
            external_id (None | str | Unset):
            hash_ (ForeignHash | None | Unset):
            metadata (ImportKeyRowMetadataType0 | None | Unset): Free-form JSON object.
            name (None | str | Unset):
            owner (None | str | Unset):
            plaintext (None | str | Unset): The key as its holders present it, in any format (1 to 512
                printable ASCII characters). Stored only as a keyed digest.
            rate_limit (None | RateLimitInput | Unset):
            roles (list[str] | Unset): Roles of its space.
            scopes (list[str] | Unset): Its permissions (scopes).
            space (None | str | Unset):
    """

    credits_: CreditsRequest | None | Unset = UNSET
    environment: None | str | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    external_id: None | str | Unset = UNSET
    hash_: ForeignHash | None | Unset = UNSET
    metadata: ImportKeyRowMetadataType0 | None | Unset = UNSET
    name: None | str | Unset = UNSET
    owner: None | str | Unset = UNSET
    plaintext: None | str | Unset = UNSET
    rate_limit: None | RateLimitInput | Unset = UNSET
    roles: list[str] | Unset = UNSET
    scopes: list[str] | Unset = UNSET
    space: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.credits_request import CreditsRequest  # noqa: PLC0415
        from ..models.foreign_hash import ForeignHash  # noqa: PLC0415
        from ..models.import_key_row_metadata_type_0 import ImportKeyRowMetadataType0  # noqa: PLC0415
        from ..models.rate_limit_input import RateLimitInput  # noqa: PLC0415

        credits_: dict[str, Any] | None | Unset
        if isinstance(self.credits_, Unset):
            credits_ = UNSET
        elif isinstance(self.credits_, CreditsRequest):
            credits_ = self.credits_.to_dict()
        else:
            credits_ = self.credits_

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

        external_id: None | str | Unset
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        hash_: dict[str, Any] | None | Unset
        if isinstance(self.hash_, Unset):
            hash_ = UNSET
        elif isinstance(self.hash_, ForeignHash):
            hash_ = self.hash_.to_dict()
        else:
            hash_ = self.hash_

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, ImportKeyRowMetadataType0):
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

        plaintext: None | str | Unset
        if isinstance(self.plaintext, Unset):
            plaintext = UNSET
        else:
            plaintext = self.plaintext

        rate_limit: dict[str, Any] | None | Unset
        if isinstance(self.rate_limit, Unset):
            rate_limit = UNSET
        elif isinstance(self.rate_limit, RateLimitInput):
            rate_limit = self.rate_limit.to_dict()
        else:
            rate_limit = self.rate_limit

        roles: list[str] | Unset = UNSET
        if not isinstance(self.roles, Unset):
            roles = self.roles

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = self.scopes

        space: None | str | Unset
        if isinstance(self.space, Unset):
            space = UNSET
        else:
            space = self.space

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if credits_ is not UNSET:
            field_dict["credits"] = credits_
        if environment is not UNSET:
            field_dict["environment"] = environment
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if hash_ is not UNSET:
            field_dict["hash"] = hash_
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if name is not UNSET:
            field_dict["name"] = name
        if owner is not UNSET:
            field_dict["owner"] = owner
        if plaintext is not UNSET:
            field_dict["plaintext"] = plaintext
        if rate_limit is not UNSET:
            field_dict["rate_limit"] = rate_limit
        if roles is not UNSET:
            field_dict["roles"] = roles
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if space is not UNSET:
            field_dict["space"] = space

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credits_request import CreditsRequest  # noqa: PLC0415
        from ..models.foreign_hash import ForeignHash  # noqa: PLC0415
        from ..models.import_key_row_metadata_type_0 import ImportKeyRowMetadataType0  # noqa: PLC0415
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

        def _parse_external_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("external_id", UNSET))

        def _parse_hash_(data: object) -> ForeignHash | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                hash_type_1 = ForeignHash.from_dict(data)

                return hash_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ForeignHash | None | Unset, data)

        hash_ = _parse_hash_(d.pop("hash", UNSET))

        def _parse_metadata(data: object) -> ImportKeyRowMetadataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = ImportKeyRowMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ImportKeyRowMetadataType0 | None | Unset, data)

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

        def _parse_plaintext(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        plaintext = _parse_plaintext(d.pop("plaintext", UNSET))

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

        roles = cast(list[str], d.pop("roles", UNSET))

        scopes = cast(list[str], d.pop("scopes", UNSET))

        def _parse_space(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        space = _parse_space(d.pop("space", UNSET))

        import_key_row = cls(
            credits_=credits_,
            environment=environment,
            expires_at=expires_at,
            external_id=external_id,
            hash_=hash_,
            metadata=metadata,
            name=name,
            owner=owner,
            plaintext=plaintext,
            rate_limit=rate_limit,
            roles=roles,
            scopes=scopes,
            space=space,
        )

        return import_key_row
