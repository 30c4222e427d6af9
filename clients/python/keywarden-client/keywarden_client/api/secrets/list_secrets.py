from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.secret_list import SecretList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    env: str,
    *,
    space: str | Unset = UNSET,
    values: bool | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["space"] = space

    params["values"] = values

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/secrets/{env}".format(
            env=quote(str(env), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | SecretList | None:
    if response.status_code == 200:
        response_200 = SecretList.from_dict(response.json())

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
) -> Response[ErrorBody | SecretList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    env: str,
    *,
    client: AuthenticatedClient,
    space: str | Unset = UNSET,
    values: bool | Unset = UNSET,
) -> Response[ErrorBody | SecretList]:
    """An environment's secrets: names and metadata; with `values=true`, every
    value too (audited as one read naming every secret).

    Args:
        env (str): An environment: a lowercase letter, then up to 11 lowercase letters or digits
            (`live`, `test`, `staging`).
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        values (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SecretList]
    """

    kwargs = _get_kwargs(
        env=env,
        space=space,
        values=values,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    env: str,
    *,
    client: AuthenticatedClient,
    space: str | Unset = UNSET,
    values: bool | Unset = UNSET,
) -> ErrorBody | SecretList | None:
    """An environment's secrets: names and metadata; with `values=true`, every
    value too (audited as one read naming every secret).

    Args:
        env (str): An environment: a lowercase letter, then up to 11 lowercase letters or digits
            (`live`, `test`, `staging`).
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        values (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SecretList
    """

    return sync_detailed(
        env=env,
        client=client,
        space=space,
        values=values,
    ).parsed


async def asyncio_detailed(
    env: str,
    *,
    client: AuthenticatedClient,
    space: str | Unset = UNSET,
    values: bool | Unset = UNSET,
) -> Response[ErrorBody | SecretList]:
    """An environment's secrets: names and metadata; with `values=true`, every
    value too (audited as one read naming every secret).

    Args:
        env (str): An environment: a lowercase letter, then up to 11 lowercase letters or digits
            (`live`, `test`, `staging`).
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        values (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SecretList]
    """

    kwargs = _get_kwargs(
        env=env,
        space=space,
        values=values,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    env: str,
    *,
    client: AuthenticatedClient,
    space: str | Unset = UNSET,
    values: bool | Unset = UNSET,
) -> ErrorBody | SecretList | None:
    """An environment's secrets: names and metadata; with `values=true`, every
    value too (audited as one read naming every secret).

    Args:
        env (str): An environment: a lowercase letter, then up to 11 lowercase letters or digits
            (`live`, `test`, `staging`).
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        values (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SecretList
    """

    return (
        await asyncio_detailed(
            env=env,
            client=client,
            space=space,
            values=values,
        )
    ).parsed
