from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.vault_scan_digests import VaultScanDigests
from ...models.vault_scan_request import VaultScanRequest
from ...types import Response


def _get_kwargs(
    *,
    body: VaultScanRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/vault/scan-digests",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | VaultScanDigests | None:
    if response.status_code == 200:
        response_200 = VaultScanDigests.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorBody.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = ErrorBody.from_dict(response.json())

        return response_503

    if response.status_code == 507:
        response_507 = ErrorBody.from_dict(response.json())

        return response_507

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | VaultScanDigests]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: VaultScanRequest,
) -> Response[ErrorBody | VaultScanDigests]:
    """Keyed digests of the vault's values for one scan (`keywarden scan
    --vault`): a fresh random key and, per secret, HMAC-SHA256 of its
    value under it and its length — never a value. Audited, naming the
    secrets.

    Args:
        body (VaultScanRequest): Body of `POST /v1/vault/scan-digests`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | VaultScanDigests]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: VaultScanRequest,
) -> ErrorBody | VaultScanDigests | None:
    """Keyed digests of the vault's values for one scan (`keywarden scan
    --vault`): a fresh random key and, per secret, HMAC-SHA256 of its
    value under it and its length — never a value. Audited, naming the
    secrets.

    Args:
        body (VaultScanRequest): Body of `POST /v1/vault/scan-digests`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | VaultScanDigests
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: VaultScanRequest,
) -> Response[ErrorBody | VaultScanDigests]:
    """Keyed digests of the vault's values for one scan (`keywarden scan
    --vault`): a fresh random key and, per secret, HMAC-SHA256 of its
    value under it and its length — never a value. Audited, naming the
    secrets.

    Args:
        body (VaultScanRequest): Body of `POST /v1/vault/scan-digests`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | VaultScanDigests]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: VaultScanRequest,
) -> ErrorBody | VaultScanDigests | None:
    """Keyed digests of the vault's values for one scan (`keywarden scan
    --vault`): a fresh random key and, per secret, HMAC-SHA256 of its
    value under it and its length — never a value. Audited, naming the
    secrets.

    Args:
        body (VaultScanRequest): Body of `POST /v1/vault/scan-digests`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | VaultScanDigests
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
