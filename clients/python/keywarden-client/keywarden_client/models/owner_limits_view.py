from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.credits_view import CreditsView
    from ..models.rate_limit_view import RateLimitView


T = TypeVar("T", bound="OwnerLimitsView")


@_attrs_define
class OwnerLimitsView:
    """An owner's shared limits.

    Attributes:
        created_at (datetime.datetime): When the limits were first set, RFC 3339.
        owner (str): The owner.
        updated_at (datetime.datetime): When they last changed, RFC 3339.
        credits_ (CreditsView | None | Unset):
        rate_limit (None | RateLimitView | Unset):
    """

    created_at: datetime.datetime
    owner: str
    updated_at: datetime.datetime
    credits_: CreditsView | None | Unset = UNSET
    rate_limit: None | RateLimitView | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.credits_view import CreditsView  # noqa: PLC0415
        from ..models.rate_limit_view import RateLimitView  # noqa: PLC0415

        created_at = self.created_at.isoformat()

        owner = self.owner

        updated_at = self.updated_at.isoformat()

        credits_: dict[str, Any] | None | Unset
        if isinstance(self.credits_, Unset):
            credits_ = UNSET
        elif isinstance(self.credits_, CreditsView):
            credits_ = self.credits_.to_dict()
        else:
            credits_ = self.credits_

        rate_limit: dict[str, Any] | None | Unset
        if isinstance(self.rate_limit, Unset):
            rate_limit = UNSET
        elif isinstance(self.rate_limit, RateLimitView):
            rate_limit = self.rate_limit.to_dict()
        else:
            rate_limit = self.rate_limit

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "owner": owner,
                "updated_at": updated_at,
            }
        )
        if credits_ is not UNSET:
            field_dict["credits"] = credits_
        if rate_limit is not UNSET:
            field_dict["rate_limit"] = rate_limit

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credits_view import CreditsView  # noqa: PLC0415
        from ..models.rate_limit_view import RateLimitView  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        owner = d.pop("owner")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

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

        owner_limits_view = cls(
            created_at=created_at,
            owner=owner,
            updated_at=updated_at,
            credits_=credits_,
            rate_limit=rate_limit,
        )

        owner_limits_view.additional_properties = d
        return owner_limits_view

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
