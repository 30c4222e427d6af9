from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.refill_view import RefillView


T = TypeVar("T", bound="CreditsView")


@_attrs_define
class CreditsView:
    """A key's credits.

    Attributes:
        remaining (int): Credits left (as of the last verification or change; a refill due
            since is applied by the next verification).
        refill (None | RefillView | Unset):
    """

    remaining: int
    refill: None | RefillView | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.refill_view import RefillView  # noqa: PLC0415

        remaining = self.remaining

        refill: dict[str, Any] | None | Unset
        if isinstance(self.refill, Unset):
            refill = UNSET
        elif isinstance(self.refill, RefillView):
            refill = self.refill.to_dict()
        else:
            refill = self.refill

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
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
        from ..models.refill_view import RefillView  # noqa: PLC0415

        d = dict(src_dict)
        remaining = d.pop("remaining")

        def _parse_refill(data: object) -> None | RefillView | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                refill_type_1 = RefillView.from_dict(data)

                return refill_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RefillView | Unset, data)

        refill = _parse_refill(d.pop("refill", UNSET))

        credits_view = cls(
            remaining=remaining,
            refill=refill,
        )

        credits_view.additional_properties = d
        return credits_view

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
