from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.key_view import KeyView
    from ..models.owner_limits_view import OwnerLimitsView


T = TypeVar("T", bound="OwnerView")


@_attrs_define
class OwnerView:
    """An owner: its shared limits and its keys.

    Attributes:
        keys (list[KeyView]): Its keys, newest first (at most 200).
        owner (str): The owner.
        limits (None | OwnerLimitsView | Unset):
    """

    keys: list[KeyView]
    owner: str
    limits: None | OwnerLimitsView | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.owner_limits_view import OwnerLimitsView  # noqa: PLC0415

        keys = []
        for keys_item_data in self.keys:
            keys_item = keys_item_data.to_dict()
            keys.append(keys_item)

        owner = self.owner

        limits: dict[str, Any] | None | Unset
        if isinstance(self.limits, Unset):
            limits = UNSET
        elif isinstance(self.limits, OwnerLimitsView):
            limits = self.limits.to_dict()
        else:
            limits = self.limits

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "keys": keys,
                "owner": owner,
            }
        )
        if limits is not UNSET:
            field_dict["limits"] = limits

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.key_view import KeyView  # noqa: PLC0415
        from ..models.owner_limits_view import OwnerLimitsView  # noqa: PLC0415

        d = dict(src_dict)
        keys = []
        _keys = d.pop("keys")
        for keys_item_data in _keys:
            keys_item = KeyView.from_dict(keys_item_data)

            keys.append(keys_item)

        owner = d.pop("owner")

        def _parse_limits(data: object) -> None | OwnerLimitsView | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                limits_type_1 = OwnerLimitsView.from_dict(data)

                return limits_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OwnerLimitsView | Unset, data)

        limits = _parse_limits(d.pop("limits", UNSET))

        owner_view = cls(
            keys=keys,
            owner=owner,
            limits=limits,
        )

        owner_view.additional_properties = d
        return owner_view

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
