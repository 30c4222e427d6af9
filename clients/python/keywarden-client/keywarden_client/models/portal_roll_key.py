from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PortalRollKey")


@_attrs_define
class PortalRollKey:
    """Body of `POST /portal/api/keys/{id}/roll`.

    Attributes:
        grace_period (None | str | Unset): How long the old key keeps working: `1m`, `15m`, `1h`, `6h` or
            `24h` (default `1h`).
    """

    grace_period: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        grace_period: None | str | Unset
        if isinstance(self.grace_period, Unset):
            grace_period = UNSET
        else:
            grace_period = self.grace_period

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if grace_period is not UNSET:
            field_dict["grace_period"] = grace_period

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_grace_period(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        grace_period = _parse_grace_period(d.pop("grace_period", UNSET))

        portal_roll_key = cls(
            grace_period=grace_period,
        )

        return portal_roll_key
