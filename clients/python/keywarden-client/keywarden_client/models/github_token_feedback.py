from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.github_token_label import GithubTokenLabel

T = TypeVar("T", bound="GithubTokenFeedback")


@_attrs_define
class GithubTokenFeedback:
    """The feedback on one token.

    Attributes:
        label (GithubTokenLabel): GitHub's verdict vocabulary.
        token_raw (str): The token, as reported.
        token_type (str): The type, as reported.
    """

    label: GithubTokenLabel
    token_raw: str
    token_type: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        label = self.label.value

        token_raw = self.token_raw

        token_type = self.token_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "label": label,
                "token_raw": token_raw,
                "token_type": token_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        label = GithubTokenLabel(d.pop("label"))

        token_raw = d.pop("token_raw")

        token_type = d.pop("token_type")

        github_token_feedback = cls(
            label=label,
            token_raw=token_raw,
            token_type=token_type,
        )

        github_token_feedback.additional_properties = d
        return github_token_feedback

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
