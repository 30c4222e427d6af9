from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.credits_request import CreditsRequest
    from ..models.rate_limit_input import RateLimitInput


T = TypeVar("T", bound="OwnerLimitsRequest")


@_attrs_define
class OwnerLimitsRequest:
    """Body of `PUT /v1/owners/{owner}/limits`.

    Attributes:
        credits_ (CreditsRequest | None | Unset):
        rate_limit (None | RateLimitInput | Unset):
    """

    credits_: CreditsRequest | None | Unset = UNSET
    rate_limit: None | RateLimitInput | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.credits_request import CreditsRequest  # noqa: PLC0415
        from ..models.rate_limit_input import RateLimitInput  # noqa: PLC0415

        credits_: dict[str, Any] | None | Unset
        if isinstance(self.credits_, Unset):
            credits_ = UNSET
        elif isinstance(self.credits_, CreditsRequest):
            credits_ = self.credits_.to_dict()
        else:
            credits_ = self.credits_

        rate_limit: dict[str, Any] | None | Unset
        if isinstance(self.rate_limit, Unset):
            rate_limit = UNSET
        elif isinstance(self.rate_limit, RateLimitInput):
            rate_limit = self.rate_limit.to_dict()
        else:
            rate_limit = self.rate_limit

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if credits_ is not UNSET:
            field_dict["credits"] = credits_
        if rate_limit is not UNSET:
            field_dict["rate_limit"] = rate_limit

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credits_request import CreditsRequest  # noqa: PLC0415
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

        owner_limits_request = cls(
            credits_=credits_,
            rate_limit=rate_limit,
        )

        return owner_limits_request
