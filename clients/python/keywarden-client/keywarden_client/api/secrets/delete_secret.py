from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    env: str,
    name: str,
    *,
    space: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["space"] = space

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/secrets/{env}/{name}".format(
            env=quote(str(env), safe=""),
            name=quote(str(name), safe=""),
        ),
        "params": params,
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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    env: str,
    name: str,
    *,
    client: AuthenticatedClient,
    space: str | Unset = UNSET,
) -> Response[Any | ErrorBody]:
    """Delete a secret and every version of it.

    Args:
        env (str): An environment: a lowercase letter, then up to 11 lowercase letters or digits
            (`live`, `test`, `staging`).
        name (str): A vault secret's name, in environment-variable syntax: a letter or `_`, then
            up to 127 letters, digits or `_`.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
    """

    kwargs = _get_kwargs(
        env=env,
        name=name,
        space=space,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    env: str,
    name: str,
    *,
    client: AuthenticatedClient,
    space: str | Unset = UNSET,
) -> Any | ErrorBody | None:
    """Delete a secret and every version of it.

    Args:
        env (str): An environment: a lowercase letter, then up to 11 lowercase letters or digits
            (`live`, `test`, `staging`).
        name (str): A vault secret's name, in environment-variable syntax: a letter or `_`, then
            up to 127 letters, digits or `_`.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return sync_detailed(
        env=env,
        name=name,
        client=client,
        space=space,
    ).parsed


async def asyncio_detailed(
    env: str,
    name: str,
    *,
    client: AuthenticatedClient,
    space: str | Unset = UNSET,
) -> Response[Any | ErrorBody]:
    """Delete a secret and every version of it.

    Args:
        env (str): An environment: a lowercase letter, then up to 11 lowercase letters or digits
            (`live`, `test`, `staging`).
        name (str): A vault secret's name, in environment-variable syntax: a letter or `_`, then
            up to 127 letters, digits or `_`.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
    """

    kwargs = _get_kwargs(
        env=env,
        name=name,
        space=space,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    env: str,
    name: str,
    *,
    client: AuthenticatedClient,
    space: str | Unset = UNSET,
) -> Any | ErrorBody | None:
    """Delete a secret and every version of it.

    Args:
        env (str): An environment: a lowercase letter, then up to 11 lowercase letters or digits
            (`live`, `test`, `staging`).
        name (str): A vault secret's name, in environment-variable syntax: a letter or `_`, then
            up to 127 letters, digits or `_`.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return (
        await asyncio_detailed(
            env=env,
            name=name,
            client=client,
            space=space,
        )
    ).parsed
