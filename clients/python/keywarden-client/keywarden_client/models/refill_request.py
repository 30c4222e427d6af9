from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RefillRequest")


@_attrs_define
class RefillRequest:
    """`{"amount": A, "interval": "1d"}`.

    Attributes:
        amount (int): Credits after each refill.
        interval (str): Time between refills of credits: a duration of at least a minute and at most 366 days (`1m`,
            `1h`, `1d`, `30d`, `365d`).
    """

    amount: int
    interval: str

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        interval = self.interval

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount": amount,
                "interval": interval,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        interval = d.pop("interval")

        refill_request = cls(
            amount=amount,
            interval=interval,
        )

        return refill_request
