from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.event_kind import EventKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.delivery_view import DeliveryView
    from ..models.event_view_details import EventViewDetails


T = TypeVar("T", bound="EventView")


@_attrs_define
class EventView:
    """One event.

    Attributes:
        at (datetime.datetime): RFC 3339.
        delivery (DeliveryView): An event's webhook delivery.
        details (EventViewDetails): Details.
        id (str): Event id, sent as `X-Keywarden-Event-Id` with each delivery.
        kind (EventKind): What an event reports.
        seq (int): Sequence number.
        key_id (None | str | Unset): The key concerned.
    """

    at: datetime.datetime
    delivery: DeliveryView
    details: EventViewDetails
    id: str
    kind: EventKind
    seq: int
    key_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        delivery = self.delivery.to_dict()

        details = self.details.to_dict()

        id = self.id

        kind = self.kind.value

        seq = self.seq

        key_id: None | str | Unset
        if isinstance(self.key_id, Unset):
            key_id = UNSET
        else:
            key_id = self.key_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "delivery": delivery,
                "details": details,
                "id": id,
                "kind": kind,
                "seq": seq,
            }
        )
        if key_id is not UNSET:
            field_dict["key_id"] = key_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.delivery_view import DeliveryView  # noqa: PLC0415
        from ..models.event_view_details import EventViewDetails  # noqa: PLC0415

        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        delivery = DeliveryView.from_dict(d.pop("delivery"))

        details = EventViewDetails.from_dict(d.pop("details"))

        id = d.pop("id")

        kind = EventKind(d.pop("kind"))

        seq = d.pop("seq")

        def _parse_key_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        key_id = _parse_key_id(d.pop("key_id", UNSET))

        event_view = cls(
            at=at,
            delivery=delivery,
            details=details,
            id=id,
            kind=kind,
            seq=seq,
            key_id=key_id,
        )

        event_view.additional_properties = d
        return event_view

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
