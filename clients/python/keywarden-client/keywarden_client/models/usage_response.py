from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.bucket import Bucket

if TYPE_CHECKING:
    from ..models.usage_bucket_view import UsageBucketView


T = TypeVar("T", bound="UsageResponse")


@_attrs_define
class UsageResponse:
    """Verifications of a key over time.

    Attributes:
        bucket (Bucket): The width of a usage bucket.
        buckets (list[UsageBucketView]): Non-empty buckets, oldest first.
        key_id (str): The key.
    """

    bucket: Bucket
    buckets: list[UsageBucketView]
    key_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bucket = self.bucket.value

        buckets = []
        for buckets_item_data in self.buckets:
            buckets_item = buckets_item_data.to_dict()
            buckets.append(buckets_item)

        key_id = self.key_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bucket": bucket,
                "buckets": buckets,
                "key_id": key_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.usage_bucket_view import UsageBucketView  # noqa: PLC0415

        d = dict(src_dict)
        bucket = Bucket(d.pop("bucket"))

        buckets = []
        _buckets = d.pop("buckets")
        for buckets_item_data in _buckets:
            buckets_item = UsageBucketView.from_dict(buckets_item_data)

            buckets.append(buckets_item)

        key_id = d.pop("key_id")

        usage_response = cls(
            bucket=bucket,
            buckets=buckets,
            key_id=key_id,
        )

        usage_response.additional_properties = d
        return usage_response

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
