from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.rate_limit_input import RateLimitInput
    from ..models.space_credits_body import SpaceCreditsBody


T = TypeVar("T", bound="SpaceDefaultsBody")


@_attrs_define
class SpaceDefaultsBody:
    """What a new key of a space gets unless its request says otherwise.

    Attributes:
        credits_ (None | SpaceCreditsBody | Unset):
        environments (list[str] | Unset): The environments its keys may be created in (empty: any). A policy:
            a request for another environment is refused (422
            `ENVIRONMENT_NOT_ALLOWED`).
        max_lifetime (None | str | Unset):
        rate_limit (None | RateLimitInput | Unset):
    """

    credits_: None | SpaceCreditsBody | Unset = UNSET
    environments: list[str] | Unset = UNSET
    max_lifetime: None | str | Unset = UNSET
    rate_limit: None | RateLimitInput | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.rate_limit_input import RateLimitInput  # noqa: PLC0415
        from ..models.space_credits_body import SpaceCreditsBody  # noqa: PLC0415

        credits_: dict[str, Any] | None | Unset
        if isinstance(self.credits_, Unset):
            credits_ = UNSET
        elif isinstance(self.credits_, SpaceCreditsBody):
            credits_ = self.credits_.to_dict()
        else:
            credits_ = self.credits_

        environments: list[str] | Unset = UNSET
        if not isinstance(self.environments, Unset):
            environments = self.environments

        max_lifetime: None | str | Unset
        if isinstance(self.max_lifetime, Unset):
            max_lifetime = UNSET
        else:
            max_lifetime = self.max_lifetime

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
        if environments is not UNSET:
            field_dict["environments"] = environments
        if max_lifetime is not UNSET:
            field_dict["max_lifetime"] = max_lifetime
        if rate_limit is not UNSET:
            field_dict["rate_limit"] = rate_limit

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rate_limit_input import RateLimitInput  # noqa: PLC0415
        from ..models.space_credits_body import SpaceCreditsBody  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_credits_(data: object) -> None | SpaceCreditsBody | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                credits_type_1 = SpaceCreditsBody.from_dict(data)

                return credits_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SpaceCreditsBody | Unset, data)

        credits_ = _parse_credits_(d.pop("credits", UNSET))

        environments = cast(list[str], d.pop("environments", UNSET))

        def _parse_max_lifetime(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        max_lifetime = _parse_max_lifetime(d.pop("max_lifetime", UNSET))

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

        space_defaults_body = cls(
            credits_=credits_,
            environments=environments,
            max_lifetime=max_lifetime,
            rate_limit=rate_limit,
        )

        return space_defaults_body
