from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.import_request import ImportRequest
from ...models.import_response import ImportResponse
from ...types import Response


def _get_kwargs(
    *,
    body: ImportRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/keys/import",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | ImportResponse | None:
    if response.status_code == 200:
        response_200 = ImportResponse.from_dict(response.json())

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
) -> Response[ErrorBody | ImportResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ImportRequest,
) -> Response[ErrorBody | ImportResponse]:
    """Import keys made by another system (up to 1,000 a request): each row
    gives the key's text (`plaintext`, any format) or the old system's hash
    of it (`hash`). Rows that cannot be taken are reported with their index;
    rows already imported (`external_id`, text or hash) are skipped. An
    imported key verifies with its old string; one known by its hash is
    moved to a keyed digest at its first verification, and the hash deleted.

    Args:
        body (ImportRequest): Body of `POST /v1/keys/import`: up to 1,000 keys of another system.
            Each row is read alone: a row that cannot be read is reported (with its
            index) and skipped, the others are imported.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ImportResponse]
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
    body: ImportRequest,
) -> ErrorBody | ImportResponse | None:
    """Import keys made by another system (up to 1,000 a request): each row
    gives the key's text (`plaintext`, any format) or the old system's hash
    of it (`hash`). Rows that cannot be taken are reported with their index;
    rows already imported (`external_id`, text or hash) are skipped. An
    imported key verifies with its old string; one known by its hash is
    moved to a keyed digest at its first verification, and the hash deleted.

    Args:
        body (ImportRequest): Body of `POST /v1/keys/import`: up to 1,000 keys of another system.
            Each row is read alone: a row that cannot be read is reported (with its
            index) and skipped, the others are imported.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ImportResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ImportRequest,
) -> Response[ErrorBody | ImportResponse]:
    """Import keys made by another system (up to 1,000 a request): each row
    gives the key's text (`plaintext`, any format) or the old system's hash
    of it (`hash`). Rows that cannot be taken are reported with their index;
    rows already imported (`external_id`, text or hash) are skipped. An
    imported key verifies with its old string; one known by its hash is
    moved to a keyed digest at its first verification, and the hash deleted.

    Args:
        body (ImportRequest): Body of `POST /v1/keys/import`: up to 1,000 keys of another system.
            Each row is read alone: a row that cannot be read is reported (with its
            index) and skipped, the others are imported.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ImportResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ImportRequest,
) -> ErrorBody | ImportResponse | None:
    """Import keys made by another system (up to 1,000 a request): each row
    gives the key's text (`plaintext`, any format) or the old system's hash
    of it (`hash`). Rows that cannot be taken are reported with their index;
    rows already imported (`external_id`, text or hash) are skipped. An
    imported key verifies with its old string; one known by its hash is
    moved to a keyed digest at its first verification, and the hash deleted.

    Args:
        body (ImportRequest): Body of `POST /v1/keys/import`: up to 1,000 keys of another system.
            Each row is read alone: a row that cannot be read is reported (with its
            index) and skipped, the others are imported.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ImportResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
