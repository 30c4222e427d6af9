from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.import_row_error import ImportRowError


T = TypeVar("T", bound="ImportResponse")


@_attrs_define
class ImportResponse:
    """The answer of an import.

    Attributes:
        errors (list[ImportRowError]): The refused rows.
        failed (int): Rows refused (each in `errors`).
        imported (int): Keys stored.
        skipped (int): Keys already there (the same `external_id`, text or hash).
    """

    errors: list[ImportRowError]
    failed: int
    imported: int
    skipped: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)

        failed = self.failed

        imported = self.imported

        skipped = self.skipped

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "errors": errors,
                "failed": failed,
                "imported": imported,
                "skipped": skipped,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.import_row_error import ImportRowError  # noqa: PLC0415

        d = dict(src_dict)
        errors = []
        _errors = d.pop("errors")
        for errors_item_data in _errors:
            errors_item = ImportRowError.from_dict(errors_item_data)

            errors.append(errors_item)

        failed = d.pop("failed")

        imported = d.pop("imported")

        skipped = d.pop("skipped")

        import_response = cls(
            errors=errors,
            failed=failed,
            imported=imported,
            skipped=skipped,
        )

        import_response.additional_properties = d
        return import_response

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
