from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.share_request import ShareRequest


T = TypeVar("T", bound="RollRequest")


@_attrs_define
class RollRequest:
    """Body of `POST /v1/keys/{id}/roll` (optional).

    Attributes:
        grace_period (None | str | Unset):
        share (None | ShareRequest | Unset):
    """

    grace_period: None | str | Unset = UNSET
    share: None | ShareRequest | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.share_request import ShareRequest  # noqa: PLC0415

        grace_period: None | str | Unset
        if isinstance(self.grace_period, Unset):
            grace_period = UNSET
        else:
            grace_period = self.grace_period

        share: dict[str, Any] | None | Unset
        if isinstance(self.share, Unset):
            share = UNSET
        elif isinstance(self.share, ShareRequest):
            share = self.share.to_dict()
        else:
            share = self.share

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if grace_period is not UNSET:
            field_dict["grace_period"] = grace_period
        if share is not UNSET:
            field_dict["share"] = share

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.share_request import ShareRequest  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_grace_period(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        grace_period = _parse_grace_period(d.pop("grace_period", UNSET))

        def _parse_share(data: object) -> None | ShareRequest | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                share_type_1 = ShareRequest.from_dict(data)

                return share_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ShareRequest | Unset, data)

        share = _parse_share(d.pop("share", UNSET))

        roll_request = cls(
            grace_period=grace_period,
            share=share,
        )

        return roll_request
