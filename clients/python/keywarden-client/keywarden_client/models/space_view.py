from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.portal_policy_body import PortalPolicyBody
    from ..models.space_defaults_body import SpaceDefaultsBody


T = TypeVar("T", bound="SpaceView")


@_attrs_define
class SpaceView:
    """A space.

    Attributes:
        created_at (datetime.datetime): RFC 3339.
        defaults (SpaceDefaultsBody): What a new key of a space gets unless its request says otherwise.
        delete_protection (bool): Whether deletion is refused.
        id (str): Its id.
        key_prefix (str): The prefix its new keys get.
        key_prefix_inherited (bool): Whether that prefix is the deployment's (no prefix of its own).
        keys (int): Its keys.
        live_keys (int): Its keys not revoked.
        name (str): Its name.
        roles (int): Its roles.
        updated_at (datetime.datetime): RFC 3339.
        portal (None | PortalPolicyBody | Unset):
    """

    created_at: datetime.datetime
    defaults: SpaceDefaultsBody
    delete_protection: bool
    id: str
    key_prefix: str
    key_prefix_inherited: bool
    keys: int
    live_keys: int
    name: str
    roles: int
    updated_at: datetime.datetime
    portal: None | PortalPolicyBody | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.portal_policy_body import PortalPolicyBody  # noqa: PLC0415

        created_at = self.created_at.isoformat()

        defaults = self.defaults.to_dict()

        delete_protection = self.delete_protection

        id = self.id

        key_prefix = self.key_prefix

        key_prefix_inherited = self.key_prefix_inherited

        keys = self.keys

        live_keys = self.live_keys

        name = self.name

        roles = self.roles

        updated_at = self.updated_at.isoformat()

        portal: dict[str, Any] | None | Unset
        if isinstance(self.portal, Unset):
            portal = UNSET
        elif isinstance(self.portal, PortalPolicyBody):
            portal = self.portal.to_dict()
        else:
            portal = self.portal

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "defaults": defaults,
                "delete_protection": delete_protection,
                "id": id,
                "key_prefix": key_prefix,
                "key_prefix_inherited": key_prefix_inherited,
                "keys": keys,
                "live_keys": live_keys,
                "name": name,
                "roles": roles,
                "updated_at": updated_at,
            }
        )
        if portal is not UNSET:
            field_dict["portal"] = portal

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.portal_policy_body import PortalPolicyBody  # noqa: PLC0415
        from ..models.space_defaults_body import SpaceDefaultsBody  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        defaults = SpaceDefaultsBody.from_dict(d.pop("defaults"))

        delete_protection = d.pop("delete_protection")

        id = d.pop("id")

        key_prefix = d.pop("key_prefix")

        key_prefix_inherited = d.pop("key_prefix_inherited")

        keys = d.pop("keys")

        live_keys = d.pop("live_keys")

        name = d.pop("name")

        roles = d.pop("roles")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_portal(data: object) -> None | PortalPolicyBody | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                portal_type_1 = PortalPolicyBody.from_dict(data)

                return portal_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PortalPolicyBody | Unset, data)

        portal = _parse_portal(d.pop("portal", UNSET))

        space_view = cls(
            created_at=created_at,
            defaults=defaults,
            delete_protection=delete_protection,
            id=id,
            key_prefix=key_prefix,
            key_prefix_inherited=key_prefix_inherited,
            keys=keys,
            live_keys=live_keys,
            name=name,
            roles=roles,
            updated_at=updated_at,
            portal=portal,
        )

        space_view.additional_properties = d
        return space_view

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
