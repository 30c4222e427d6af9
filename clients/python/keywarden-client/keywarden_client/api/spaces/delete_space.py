from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...types import Response


def _get_kwargs(
    space: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/spaces/{space}".format(
            space=quote(str(space), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | ErrorBody | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | ErrorBody]:
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
) -> Response[Any | ErrorBody]:
    """Delete a space and its roles. Refused (409) while it holds a key that is
    not revoked (`SPACE_HAS_KEYS`) or a vault secret (`SPACE_HAS_SECRETS`), or while it has delete
    protection
    (`DELETE_PROTECTED`; the space `default` always has).

    Args:
        space (str): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting and
            ending with a letter or digit.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
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
) -> Any | ErrorBody | None:
    """Delete a space and its roles. Refused (409) while it holds a key that is
    not revoked (`SPACE_HAS_KEYS`) or a vault secret (`SPACE_HAS_SECRETS`), or while it has delete
    protection
    (`DELETE_PROTECTED`; the space `default` always has).

    Args:
        space (str): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting and
            ending with a letter or digit.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return sync_detailed(
        space=space,
        client=client,
    ).parsed


async def asyncio_detailed(
    space: str,
    *,
    client: AuthenticatedClient,
) -> Response[Any | ErrorBody]:
    """Delete a space and its roles. Refused (409) while it holds a key that is
    not revoked (`SPACE_HAS_KEYS`) or a vault secret (`SPACE_HAS_SECRETS`), or while it has delete
    protection
    (`DELETE_PROTECTED`; the space `default` always has).

    Args:
        space (str): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting and
            ending with a letter or digit.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
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
) -> Any | ErrorBody | None:
    """Delete a space and its roles. Refused (409) while it holds a key that is
    not revoked (`SPACE_HAS_KEYS`) or a vault secret (`SPACE_HAS_SECRETS`), or while it has delete
    protection
    (`DELETE_PROTECTED`; the space `default` always has).

    Args:
        space (str): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting and
            ending with a letter or digit.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return (
        await asyncio_detailed(
            space=space,
            client=client,
        )
    ).parsed
