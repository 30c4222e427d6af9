from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CheckpointView")


@_attrs_define
class CheckpointView:
    """A signed checkpoint of the audit chain's head, to keep outside the
    database.

        Attributes:
            at (datetime.datetime): When the checkpoint was made, RFC 3339.
            hash_ (str): Its hash (hex).
            line (str): `seq:hash:signature`: keep this line elsewhere and check the log
                against it with `keywarden admin audit verify --checkpoint LINE`.
            seq (int): The last entry's sequence number.
    """

    at: datetime.datetime
    hash_: str
    line: str
    seq: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        hash_ = self.hash_

        line = self.line

        seq = self.seq

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "hash": hash_,
                "line": line,
                "seq": seq,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        hash_ = d.pop("hash")

        line = d.pop("line")

        seq = d.pop("seq")

        checkpoint_view = cls(
            at=at,
            hash_=hash_,
            line=line,
            seq=seq,
        )

        checkpoint_view.additional_properties = d
        return checkpoint_view

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
