from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RefillView")


@_attrs_define
class RefillView:
    """A refill of credits.

    Attributes:
        amount (int): Credits after each refill.
        interval_seconds (int): Seconds between refills.
        next_refill_at (datetime.datetime): The next refill boundary, RFC 3339.
    """

    amount: int
    interval_seconds: int
    next_refill_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        interval_seconds = self.interval_seconds

        next_refill_at = self.next_refill_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "interval_seconds": interval_seconds,
                "next_refill_at": next_refill_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        interval_seconds = d.pop("interval_seconds")

        next_refill_at = datetime.datetime.fromisoformat(d.pop("next_refill_at"))

        refill_view = cls(
            amount=amount,
            interval_seconds=interval_seconds,
            next_refill_at=next_refill_at,
        )

        refill_view.additional_properties = d
        return refill_view

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
