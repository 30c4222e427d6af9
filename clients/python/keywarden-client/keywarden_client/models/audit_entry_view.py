from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.audit_action import AuditAction
from ..models.audit_outcome import AuditOutcome
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_entry_view_details import AuditEntryViewDetails


T = TypeVar("T", bound="AuditEntryView")


@_attrs_define
class AuditEntryView:
    """One audit entry.

    Attributes:
        action (AuditAction): What an audit entry records.
        actor (str): Who.
        at (datetime.datetime): RFC 3339.
        details (AuditEntryViewDetails): More.
        hash_ (str): This entry's hash.
        outcome (AuditOutcome): How an audited action ended.
        prev_hash (str): Hash of the previous entry.
        seq (int): Position in the chain.
        client_ip (None | str | Unset): From where.
        target (None | str | Unset): To what.
    """

    action: AuditAction
    actor: str
    at: datetime.datetime
    details: AuditEntryViewDetails
    hash_: str
    outcome: AuditOutcome
    prev_hash: str
    seq: int
    client_ip: None | str | Unset = UNSET
    target: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        actor = self.actor

        at = self.at.isoformat()

        details = self.details.to_dict()

        hash_ = self.hash_

        outcome = self.outcome.value

        prev_hash = self.prev_hash

        seq = self.seq

        client_ip: None | str | Unset
        if isinstance(self.client_ip, Unset):
            client_ip = UNSET
        else:
            client_ip = self.client_ip

        target: None | str | Unset
        if isinstance(self.target, Unset):
            target = UNSET
        else:
            target = self.target

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "actor": actor,
                "at": at,
                "details": details,
                "hash": hash_,
                "outcome": outcome,
                "prev_hash": prev_hash,
                "seq": seq,
            }
        )
        if client_ip is not UNSET:
            field_dict["client_ip"] = client_ip
        if target is not UNSET:
            field_dict["target"] = target

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_entry_view_details import AuditEntryViewDetails  # noqa: PLC0415

        d = dict(src_dict)
        action = AuditAction(d.pop("action"))

        actor = d.pop("actor")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        details = AuditEntryViewDetails.from_dict(d.pop("details"))

        hash_ = d.pop("hash")

        outcome = AuditOutcome(d.pop("outcome"))

        prev_hash = d.pop("prev_hash")

        seq = d.pop("seq")

        def _parse_client_ip(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_ip = _parse_client_ip(d.pop("client_ip", UNSET))

        def _parse_target(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        target = _parse_target(d.pop("target", UNSET))

        audit_entry_view = cls(
            action=action,
            actor=actor,
            at=at,
            details=details,
            hash_=hash_,
            outcome=outcome,
            prev_hash=prev_hash,
            seq=seq,
            client_ip=client_ip,
            target=target,
        )

        audit_entry_view.additional_properties = d
        return audit_entry_view

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
