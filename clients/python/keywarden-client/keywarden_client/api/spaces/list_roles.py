from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.role_list import RoleList
from ...types import Response


def _get_kwargs(
    space: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/spaces/{space}/roles".format(
            space=quote(str(space), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | RoleList | None:
    if response.status_code == 200:
        response_200 = RoleList.from_dict(response.json())

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
) -> Response[ErrorBody | RoleList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    space: str,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorBody | RoleList]:
    """A space's roles, by name.

    Args:
        space (str): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting and
            ending with a letter or digit.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | RoleList]
    """

    kwargs = _get_kwargs(
        space=space,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    space: str,
    *,
    client: AuthenticatedClient,
) -> ErrorBody | RoleList | None:
    """A space's roles, by name.

    Args:
        space (str): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting and
            ending with a letter or digit.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | RoleList
    """

    return sync_detailed(
        space=space,
        client=client,
    ).parsed


async def asyncio_detailed(
    space: str,
    *,
    client: AuthenticatedClient,
) -> Response[ErrorBody | RoleList]:
    """A space's roles, by name.

    Args:
        space (str): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting and
            ending with a letter or digit.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | RoleList]
    """

    kwargs = _get_kwargs(
        space=space,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    space: str,
    *,
    client: AuthenticatedClient,
) -> ErrorBody | RoleList | None:
    """A space's roles, by name.

    Args:
        space (str): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting and
            ending with a letter or digit.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | RoleList
    """

    return (
        await asyncio_detailed(
            space=space,
            client=client,
        )
    ).parsed
