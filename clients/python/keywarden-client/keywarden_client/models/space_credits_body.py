from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SpaceCreditsBody")


@_attrs_define
class SpaceCreditsBody:
    """A space's default credits: `{"amount": 1000, "refill_interval": "1d"}`.

    Attributes:
        amount (int): Credits a new key starts with (at least 1).
        refill_interval (None | str | Unset):
    """

    amount: int
    refill_interval: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        refill_interval: None | str | Unset
        if isinstance(self.refill_interval, Unset):
            refill_interval = UNSET
        else:
            refill_interval = self.refill_interval

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount": amount,
            }
        )
        if refill_interval is not UNSET:
            field_dict["refill_interval"] = refill_interval

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        def _parse_refill_interval(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        refill_interval = _parse_refill_interval(d.pop("refill_interval", UNSET))

        space_credits_body = cls(
            amount=amount,
            refill_interval=refill_interval,
        )

        return space_credits_body
