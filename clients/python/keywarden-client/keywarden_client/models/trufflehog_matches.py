from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.trufflehog_matches_additional_property import TrufflehogMatchesAdditionalProperty


T = TypeVar("T", bound="TrufflehogMatches")


@_attrs_define
class TrufflehogMatches:
    """What TruffleHog found: detector name → regex name → the whole match,
    then the regex's capture groups. The key is taken from capture group 1
    when there is one, else from the whole match.

    """

    additional_properties: dict[str, TrufflehogMatchesAdditionalProperty] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop.to_dict()

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.trufflehog_matches_additional_property import TrufflehogMatchesAdditionalProperty  # noqa: PLC0415

        d = dict(src_dict)
        trufflehog_matches = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = TrufflehogMatchesAdditionalProperty.from_dict(prop_dict)

            additional_properties[prop_name] = additional_property

        trufflehog_matches.additional_properties = additional_properties
        return trufflehog_matches

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> TrufflehogMatchesAdditionalProperty:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: TrufflehogMatchesAdditionalProperty) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
