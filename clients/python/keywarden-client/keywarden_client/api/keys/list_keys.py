from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.key_list import KeyList
from ...models.key_status import KeyStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    owner: str | Unset = UNSET,
    environment: str | Unset = UNSET,
    status: KeyStatus | Unset = UNSET,
    search: str | Unset = UNSET,
    space: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["owner"] = owner

    params["environment"] = environment

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["search"] = search

    params["space"] = space

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/keys",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | KeyList | None:
    if response.status_code == 200:
        response_200 = KeyList.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | KeyList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    owner: str | Unset = UNSET,
    environment: str | Unset = UNSET,
    status: KeyStatus | Unset = UNSET,
    search: str | Unset = UNSET,
    space: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[ErrorBody | KeyList]:
    """List keys, newest first, with filters and cursor pagination.

    Args:
        owner (str | Unset): Who a key belongs to: 1 to 128 letters, digits or `_.@:+-`, starting
            with a letter or digit.
        environment (str | Unset): An environment: a lowercase letter, then up to 11 lowercase
            letters or digits (`live`, `test`, `staging`).
        status (KeyStatus | Unset): Where a key stands now.
        search (str | Unset): Text to match: at most 200 characters, without control characters.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        limit (int | Unset):
        cursor (str | Unset): The `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | KeyList]
    """

    kwargs = _get_kwargs(
        owner=owner,
        environment=environment,
        status=status,
        search=search,
        space=space,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    owner: str | Unset = UNSET,
    environment: str | Unset = UNSET,
    status: KeyStatus | Unset = UNSET,
    search: str | Unset = UNSET,
    space: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> ErrorBody | KeyList | None:
    """List keys, newest first, with filters and cursor pagination.

    Args:
        owner (str | Unset): Who a key belongs to: 1 to 128 letters, digits or `_.@:+-`, starting
            with a letter or digit.
        environment (str | Unset): An environment: a lowercase letter, then up to 11 lowercase
            letters or digits (`live`, `test`, `staging`).
        status (KeyStatus | Unset): Where a key stands now.
        search (str | Unset): Text to match: at most 200 characters, without control characters.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        limit (int | Unset):
        cursor (str | Unset): The `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | KeyList
    """

    return sync_detailed(
        client=client,
        owner=owner,
        environment=environment,
        status=status,
        search=search,
        space=space,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    owner: str | Unset = UNSET,
    environment: str | Unset = UNSET,
    status: KeyStatus | Unset = UNSET,
    search: str | Unset = UNSET,
    space: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[ErrorBody | KeyList]:
    """List keys, newest first, with filters and cursor pagination.

    Args:
        owner (str | Unset): Who a key belongs to: 1 to 128 letters, digits or `_.@:+-`, starting
            with a letter or digit.
        environment (str | Unset): An environment: a lowercase letter, then up to 11 lowercase
            letters or digits (`live`, `test`, `staging`).
        status (KeyStatus | Unset): Where a key stands now.
        search (str | Unset): Text to match: at most 200 characters, without control characters.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        limit (int | Unset):
        cursor (str | Unset): The `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | KeyList]
    """

    kwargs = _get_kwargs(
        owner=owner,
        environment=environment,
        status=status,
        search=search,
        space=space,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    owner: str | Unset = UNSET,
    environment: str | Unset = UNSET,
    status: KeyStatus | Unset = UNSET,
    search: str | Unset = UNSET,
    space: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> ErrorBody | KeyList | None:
    """List keys, newest first, with filters and cursor pagination.

    Args:
        owner (str | Unset): Who a key belongs to: 1 to 128 letters, digits or `_.@:+-`, starting
            with a letter or digit.
        environment (str | Unset): An environment: a lowercase letter, then up to 11 lowercase
            letters or digits (`live`, `test`, `staging`).
        status (KeyStatus | Unset): Where a key stands now.
        search (str | Unset): Text to match: at most 200 characters, without control characters.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        limit (int | Unset):
        cursor (str | Unset): The `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | KeyList
    """

    return (
        await asyncio_detailed(
            client=client,
            owner=owner,
            environment=environment,
            status=status,
            search=search,
            space=space,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
