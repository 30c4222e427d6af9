from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.portal_grant import PortalGrant
from ..types import UNSET, Unset

T = TypeVar("T", bound="CreatePortalSessionRequest")


@_attrs_define
class CreatePortalSessionRequest:
    """Body of `POST /v1/portal/sessions`: a one-time link for one customer.

    Attributes:
        grants (list[PortalGrant]): What the session may do (1 to 5; a repeat counts once); the root
            key must hold the permission each stands for.
        owner (str): Who a key belongs to: 1 to 128 letters, digits or `_.@:+-`, starting with a letter or digit.
        expires_in (None | str | Unset):
        return_url (None | str | Unset): Where the portal's "back" link goes: an `http` or `https` URL in
            printable ASCII (percent-encode the rest).
        space (None | str | Unset):
    """

    grants: list[PortalGrant]
    owner: str
    expires_in: None | str | Unset = UNSET
    return_url: None | str | Unset = UNSET
    space: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        grants = []
        for grants_item_data in self.grants:
            grants_item = grants_item_data.value
            grants.append(grants_item)

        owner = self.owner

        expires_in: None | str | Unset
        if isinstance(self.expires_in, Unset):
            expires_in = UNSET
        else:
            expires_in = self.expires_in

        return_url: None | str | Unset
        if isinstance(self.return_url, Unset):
            return_url = UNSET
        else:
            return_url = self.return_url

        space: None | str | Unset
        if isinstance(self.space, Unset):
            space = UNSET
        else:
            space = self.space

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "grants": grants,
                "owner": owner,
            }
        )
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in
        if return_url is not UNSET:
            field_dict["return_url"] = return_url
        if space is not UNSET:
            field_dict["space"] = space

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        grants = []
        _grants = d.pop("grants")
        for grants_item_data in _grants:
            grants_item = PortalGrant(grants_item_data)

            grants.append(grants_item)

        owner = d.pop("owner")

        def _parse_expires_in(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        expires_in = _parse_expires_in(d.pop("expires_in", UNSET))

        def _parse_return_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        return_url = _parse_return_url(d.pop("return_url", UNSET))

        def _parse_space(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        space = _parse_space(d.pop("space", UNSET))

        create_portal_session_request = cls(
            grants=grants,
            owner=owner,
            expires_in=expires_in,
            return_url=return_url,
            space=space,
        )

        return create_portal_session_request
