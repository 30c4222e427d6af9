from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.refill_request import RefillRequest


T = TypeVar("T", bound="CreditsRequest")


@_attrs_define
class CreditsRequest:
    """`{"remaining": N, "refill": {"amount": A, "interval": "1d"}}`.

    Attributes:
        remaining (int): Credits now.
        refill (None | RefillRequest | Unset):
    """

    remaining: int
    refill: None | RefillRequest | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.refill_request import RefillRequest  # noqa: PLC0415

        remaining = self.remaining

        refill: dict[str, Any] | None | Unset
        if isinstance(self.refill, Unset):
            refill = UNSET
        elif isinstance(self.refill, RefillRequest):
            refill = self.refill.to_dict()
        else:
            refill = self.refill

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "remaining": remaining,
            }
        )
        if refill is not UNSET:
            field_dict["refill"] = refill

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.refill_request import RefillRequest  # noqa: PLC0415

        d = dict(src_dict)
        remaining = d.pop("remaining")

        def _parse_refill(data: object) -> None | RefillRequest | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                refill_type_1 = RefillRequest.from_dict(data)

                return refill_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RefillRequest | Unset, data)

        refill = _parse_refill(d.pop("refill", UNSET))

        credits_request = cls(
            remaining=remaining,
            refill=refill,
        )

        return credits_request
