from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.portal_grant import PortalGrant

T = TypeVar("T", bound="PortalSession")


@_attrs_define
class PortalSession:
    """The answer of `POST /v1/portal/sessions`.

    Attributes:
        expires_at (datetime.datetime): Until when it opens (RFC 3339).
        grants (list[PortalGrant]): What the session may do.
        owner (str): The customer.
        space (str): The space.
        url (str): The one-time link: send the signed-in customer's browser there. It
            opens once; it is a secret until then.
    """

    expires_at: datetime.datetime
    grants: list[PortalGrant]
    owner: str
    space: str
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        expires_at = self.expires_at.isoformat()

        grants = []
        for grants_item_data in self.grants:
            grants_item = grants_item_data.value
            grants.append(grants_item)

        owner = self.owner

        space = self.space

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "expires_at": expires_at,
                "grants": grants,
                "owner": owner,
                "space": space,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        grants = []
        _grants = d.pop("grants")
        for grants_item_data in _grants:
            grants_item = PortalGrant(grants_item_data)

            grants.append(grants_item)

        owner = d.pop("owner")

        space = d.pop("space")

        url = d.pop("url")

        portal_session = cls(
            expires_at=expires_at,
            grants=grants,
            owner=owner,
            space=space,
            url=url,
        )

        portal_session.additional_properties = d
        return portal_session

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
