from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.usage_bucket_view_by_code import UsageBucketViewByCode


T = TypeVar("T", bound="UsageBucketView")


@_attrs_define
class UsageBucketView:
    """One bucket.

    Attributes:
        by_code (UsageBucketViewByCode): By outcome code.
        start (datetime.datetime): Start, RFC 3339.
        total (int): Verifications.
    """

    by_code: UsageBucketViewByCode
    start: datetime.datetime
    total: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        by_code = self.by_code.to_dict()

        start = self.start.isoformat()

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "by_code": by_code,
                "start": start,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.usage_bucket_view_by_code import UsageBucketViewByCode  # noqa: PLC0415

        d = dict(src_dict)
        by_code = UsageBucketViewByCode.from_dict(d.pop("by_code"))

        start = datetime.datetime.fromisoformat(d.pop("start"))

        total = d.pop("total")

        usage_bucket_view = cls(
            by_code=by_code,
            start=start,
            total=total,
        )

        usage_bucket_view.additional_properties = d
        return usage_bucket_view

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
