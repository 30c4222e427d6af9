from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LeakAccepted")


@_attrs_define
class LeakAccepted:
    """Answer: how many reports were taken and processed.

    Attributes:
        accepted (int): Reports taken.
        processed (int): Reports processed before this answer (all of them): each key of
            this deployment among them is revoked, durably. A client that
            reads less than `accepted` here (or no such field: an older server,
            which revoked after answering) has no confirmation.
    """

    accepted: int
    processed: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accepted = self.accepted

        processed = self.processed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accepted": accepted,
                "processed": processed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        accepted = d.pop("accepted")

        processed = d.pop("processed")

        leak_accepted = cls(
            accepted=accepted,
            processed=processed,
        )

        leak_accepted.additional_properties = d
        return leak_accepted

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
