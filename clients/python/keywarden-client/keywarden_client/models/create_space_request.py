from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.portal_policy_body import PortalPolicyBody
    from ..models.space_defaults_body import SpaceDefaultsBody


T = TypeVar("T", bound="CreateSpaceRequest")


@_attrs_define
class CreateSpaceRequest:
    """Body of `POST /v1/spaces`.

    Attributes:
        id (str): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting and ending with a letter or
            digit.
        defaults (None | SpaceDefaultsBody | Unset):
        delete_protection (bool | Unset): Refuse to delete the space, even once it holds no live key.
        key_prefix (None | str | Unset):
        name (None | str | Unset):
        portal (None | PortalPolicyBody | Unset):
    """

    id: str
    defaults: None | SpaceDefaultsBody | Unset = UNSET
    delete_protection: bool | Unset = UNSET
    key_prefix: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    portal: None | PortalPolicyBody | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.portal_policy_body import PortalPolicyBody  # noqa: PLC0415
        from ..models.space_defaults_body import SpaceDefaultsBody  # noqa: PLC0415

        id = self.id

        defaults: dict[str, Any] | None | Unset
        if isinstance(self.defaults, Unset):
            defaults = UNSET
        elif isinstance(self.defaults, SpaceDefaultsBody):
            defaults = self.defaults.to_dict()
        else:
            defaults = self.defaults

        delete_protection = self.delete_protection

        key_prefix: None | str | Unset
        if isinstance(self.key_prefix, Unset):
            key_prefix = UNSET
        else:
            key_prefix = self.key_prefix

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        portal: dict[str, Any] | None | Unset
        if isinstance(self.portal, Unset):
            portal = UNSET
        elif isinstance(self.portal, PortalPolicyBody):
            portal = self.portal.to_dict()
        else:
            portal = self.portal

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
            }
        )
        if defaults is not UNSET:
            field_dict["defaults"] = defaults
        if delete_protection is not UNSET:
            field_dict["delete_protection"] = delete_protection
        if key_prefix is not UNSET:
            field_dict["key_prefix"] = key_prefix
        if name is not UNSET:
            field_dict["name"] = name
        if portal is not UNSET:
            field_dict["portal"] = portal

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.portal_policy_body import PortalPolicyBody  # noqa: PLC0415
        from ..models.space_defaults_body import SpaceDefaultsBody  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        def _parse_defaults(data: object) -> None | SpaceDefaultsBody | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                defaults_type_1 = SpaceDefaultsBody.from_dict(data)

                return defaults_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SpaceDefaultsBody | Unset, data)

        defaults = _parse_defaults(d.pop("defaults", UNSET))

        delete_protection = d.pop("delete_protection", UNSET)

        def _parse_key_prefix(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        key_prefix = _parse_key_prefix(d.pop("key_prefix", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

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

        create_space_request = cls(
            id=id,
            defaults=defaults,
            delete_protection=delete_protection,
            key_prefix=key_prefix,
            name=name,
            portal=portal,
        )

        return create_space_request
