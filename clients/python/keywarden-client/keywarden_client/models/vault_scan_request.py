from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="VaultScanRequest")


@_attrs_define
class VaultScanRequest:
    """Body of `POST /v1/vault/scan-digests`.

    Attributes:
        environments (list[str] | None | Unset): The environments (default: every one the root key holds).
        space (None | str | Unset):
    """

    environments: list[str] | None | Unset = UNSET
    space: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        environments: list[str] | None | Unset
        if isinstance(self.environments, Unset):
            environments = UNSET
        elif isinstance(self.environments, list):
            environments = self.environments

        else:
            environments = self.environments

        space: None | str | Unset
        if isinstance(self.space, Unset):
            space = UNSET
        else:
            space = self.space

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if environments is not UNSET:
            field_dict["environments"] = environments
        if space is not UNSET:
            field_dict["space"] = space

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_environments(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                environments_type_0 = cast(list[str], data)

                return environments_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        environments = _parse_environments(d.pop("environments", UNSET))

        def _parse_space(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        space = _parse_space(d.pop("space", UNSET))

        vault_scan_request = cls(
            environments=environments,
            space=space,
        )

        return vault_scan_request
