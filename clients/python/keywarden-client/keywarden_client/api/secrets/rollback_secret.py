from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.rollback_secret_request import RollbackSecretRequest
from ...models.secret_view import SecretView
from ...types import UNSET, Response, Unset


def _get_kwargs(
    env: str,
    name: str,
    *,
    body: RollbackSecretRequest,
    space: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["space"] = space

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/secrets/{env}/{name}/rollback".format(
            env=quote(str(env), safe=""),
            name=quote(str(name), safe=""),
        ),
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | SecretView | None:
    if response.status_code == 200:
        response_200 = SecretView.from_dict(response.json())

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
) -> Response[ErrorBody | SecretView]:
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
    body: RollbackSecretRequest,
    space: str | Unset = UNSET,
) -> Response[ErrorBody | SecretView]:
    """Roll a secret back: a new version whose value is the kept version
    `to`'s (history is never rewritten).

    Args:
        env (str): An environment: a lowercase letter, then up to 11 lowercase letters or digits
            (`live`, `test`, `staging`).
        name (str): A vault secret's name, in environment-variable syntax: a letter or `_`, then
            up to 127 letters, digits or `_`.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        body (RollbackSecretRequest): Body of `POST /v1/secrets/{env}/{name}/rollback`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SecretView]
    """

    kwargs = _get_kwargs(
        env=env,
        name=name,
        body=body,
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
    body: RollbackSecretRequest,
    space: str | Unset = UNSET,
) -> ErrorBody | SecretView | None:
    """Roll a secret back: a new version whose value is the kept version
    `to`'s (history is never rewritten).

    Args:
        env (str): An environment: a lowercase letter, then up to 11 lowercase letters or digits
            (`live`, `test`, `staging`).
        name (str): A vault secret's name, in environment-variable syntax: a letter or `_`, then
            up to 127 letters, digits or `_`.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        body (RollbackSecretRequest): Body of `POST /v1/secrets/{env}/{name}/rollback`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SecretView
    """

    return sync_detailed(
        env=env,
        name=name,
        client=client,
        body=body,
        space=space,
    ).parsed


async def asyncio_detailed(
    env: str,
    name: str,
    *,
    client: AuthenticatedClient,
    body: RollbackSecretRequest,
    space: str | Unset = UNSET,
) -> Response[ErrorBody | SecretView]:
    """Roll a secret back: a new version whose value is the kept version
    `to`'s (history is never rewritten).

    Args:
        env (str): An environment: a lowercase letter, then up to 11 lowercase letters or digits
            (`live`, `test`, `staging`).
        name (str): A vault secret's name, in environment-variable syntax: a letter or `_`, then
            up to 127 letters, digits or `_`.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        body (RollbackSecretRequest): Body of `POST /v1/secrets/{env}/{name}/rollback`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | SecretView]
    """

    kwargs = _get_kwargs(
        env=env,
        name=name,
        body=body,
        space=space,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    env: str,
    name: str,
    *,
    client: AuthenticatedClient,
    body: RollbackSecretRequest,
    space: str | Unset = UNSET,
) -> ErrorBody | SecretView | None:
    """Roll a secret back: a new version whose value is the kept version
    `to`'s (history is never rewritten).

    Args:
        env (str): An environment: a lowercase letter, then up to 11 lowercase letters or digits
            (`live`, `test`, `staging`).
        name (str): A vault secret's name, in environment-variable syntax: a letter or `_`, then
            up to 127 letters, digits or `_`.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        body (RollbackSecretRequest): Body of `POST /v1/secrets/{env}/{name}/rollback`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | SecretView
    """

    return (
        await asyncio_detailed(
            env=env,
            name=name,
            client=client,
            body=body,
            space=space,
        )
    ).parsed
