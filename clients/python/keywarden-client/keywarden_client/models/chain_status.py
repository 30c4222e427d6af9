from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ChainStatus")


@_attrs_define
class ChainStatus:
    """The audit chain's state.

    Attributes:
        entries (int): Entries checked.
        ok (bool): Whether every entry verified.
        first_bad_seq (int | None | Unset): The first entry that does not verify.
        problem (None | str | Unset): What is wrong with it.
    """

    entries: int
    ok: bool
    first_bad_seq: int | None | Unset = UNSET
    problem: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entries = self.entries

        ok = self.ok

        first_bad_seq: int | None | Unset
        if isinstance(self.first_bad_seq, Unset):
            first_bad_seq = UNSET
        else:
            first_bad_seq = self.first_bad_seq

        problem: None | str | Unset
        if isinstance(self.problem, Unset):
            problem = UNSET
        else:
            problem = self.problem

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entries": entries,
                "ok": ok,
            }
        )
        if first_bad_seq is not UNSET:
            field_dict["first_bad_seq"] = first_bad_seq
        if problem is not UNSET:
            field_dict["problem"] = problem

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        entries = d.pop("entries")

        ok = d.pop("ok")

        def _parse_first_bad_seq(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        first_bad_seq = _parse_first_bad_seq(d.pop("first_bad_seq", UNSET))

        def _parse_problem(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        problem = _parse_problem(d.pop("problem", UNSET))

        chain_status = cls(
            entries=entries,
            ok=ok,
            first_bad_seq=first_bad_seq,
            problem=problem,
        )

        chain_status.additional_properties = d
        return chain_status

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
