from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.portal_key import PortalKey


T = TypeVar("T", bound="PortalCreatedKey")


@_attrs_define
class PortalCreatedKey:
    """A key made (or rolled) in the portal: the only answer that holds it.

    Attributes:
        env_line (str): The key as a `.env` line (`API_KEY=…`).
        key (str): The key. Shown once.
        record (PortalKey): A key as its customer sees it in the portal.
        old (None | PortalKey | Unset):
    """

    env_line: str
    key: str
    record: PortalKey
    old: None | PortalKey | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.portal_key import PortalKey  # noqa: PLC0415

        env_line = self.env_line

        key = self.key

        record = self.record.to_dict()

        old: dict[str, Any] | None | Unset
        if isinstance(self.old, Unset):
            old = UNSET
        elif isinstance(self.old, PortalKey):
            old = self.old.to_dict()
        else:
            old = self.old

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "env_line": env_line,
                "key": key,
                "record": record,
            }
        )
        if old is not UNSET:
            field_dict["old"] = old

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.portal_key import PortalKey  # noqa: PLC0415

        d = dict(src_dict)
        env_line = d.pop("env_line")

        key = d.pop("key")

        record = PortalKey.from_dict(d.pop("record"))

        def _parse_old(data: object) -> None | PortalKey | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                old_type_1 = PortalKey.from_dict(data)

                return old_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PortalKey | Unset, data)

        old = _parse_old(d.pop("old", UNSET))

        portal_created_key = cls(
            env_line=env_line,
            key=key,
            record=record,
            old=old,
        )

        portal_created_key.additional_properties = d
        return portal_created_key

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
