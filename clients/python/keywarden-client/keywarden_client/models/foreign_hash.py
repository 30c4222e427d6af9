from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ForeignHash")


@_attrs_define
class ForeignHash:
    """An old system's hash of a key: `{"algorithm": "sha512", "encoding":
    "hex", "value": "…"}` (drf-api-key keeps `sha512$$<hex>`: give the hex).

        Attributes:
            algorithm (str): `sha256` or `sha512` of the key's text.
            encoding (str): `hex` or `base64` (standard alphabet, padded or not).
            value (str): The hash, so encoded.
    """

    algorithm: str
    encoding: str
    value: str

    def to_dict(self) -> dict[str, Any]:
        algorithm = self.algorithm

        encoding = self.encoding

        value = self.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "algorithm": algorithm,
                "encoding": encoding,
                "value": value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        algorithm = d.pop("algorithm")

        encoding = d.pop("encoding")

        value = d.pop("value")

        foreign_hash = cls(
            algorithm=algorithm,
            encoding=encoding,
            value=value,
        )

        return foreign_hash
