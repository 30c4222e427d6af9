from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    scopes: str | Unset = UNSET,
    permissions: str | Unset = UNSET,
    space: str | Unset = UNSET,
    environment: str | Unset = UNSET,
    cost: int | Unset = UNSET,
    authorization: str | Unset = UNSET,
    x_api_key: str | Unset = UNSET,
    x_keywarden_scopes: str | Unset = UNSET,
    x_keywarden_permissions: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["Authorization"] = authorization

    if not isinstance(x_api_key, Unset):
        headers["X-API-Key"] = x_api_key

    if not isinstance(x_keywarden_scopes, Unset):
        headers["X-Keywarden-Scopes"] = x_keywarden_scopes

    if not isinstance(x_keywarden_permissions, Unset):
        headers["X-Keywarden-Permissions"] = x_keywarden_permissions

    params: dict[str, Any] = {}

    params["scopes"] = scopes

    params["permissions"] = permissions

    params["space"] = space

    params["environment"] = environment

    params["cost"] = cost

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/forward-auth",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | ErrorBody | None:
    if response.status_code == 200:
        response_200 = cast(Any, None)
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

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = ErrorBody.from_dict(response.json())

        return response_503

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
    *,
    client: AuthenticatedClient | Client,
    scopes: str | Unset = UNSET,
    permissions: str | Unset = UNSET,
    space: str | Unset = UNSET,
    environment: str | Unset = UNSET,
    cost: int | Unset = UNSET,
    authorization: str | Unset = UNSET,
    x_api_key: str | Unset = UNSET,
    x_keywarden_scopes: str | Unset = UNSET,
    x_keywarden_permissions: str | Unset = UNSET,
) -> Response[Any | ErrorBody]:
    """Forward-auth, for a proxied DELETE request

    Args:
        scopes (str | Unset): Required scopes, comma-separated (spaces around commas allowed), at
            most 50.
        permissions (str | Unset): A permission query: permission names joined by `AND` and `OR`,
            with parentheses; `AND` binds tighter than `OR`. At most 1,024 characters, 64 names, 16
            levels of nesting.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        environment (str | Unset): An environment: a lowercase letter, then up to 11 lowercase
            letters or digits (`live`, `test`, `staging`).
        cost (int | Unset):
        authorization (str | Unset):
        x_api_key (str | Unset):
        x_keywarden_scopes (str | Unset): Required scopes, comma-separated (spaces around commas
            allowed), at most 50.
        x_keywarden_permissions (str | Unset): A permission query: permission names joined by
            `AND` and `OR`, with parentheses; `AND` binds tighter than `OR`. At most 1,024 characters,
            64 names, 16 levels of nesting.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
    """

    kwargs = _get_kwargs(
        scopes=scopes,
        permissions=permissions,
        space=space,
        environment=environment,
        cost=cost,
        authorization=authorization,
        x_api_key=x_api_key,
        x_keywarden_scopes=x_keywarden_scopes,
        x_keywarden_permissions=x_keywarden_permissions,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    scopes: str | Unset = UNSET,
    permissions: str | Unset = UNSET,
    space: str | Unset = UNSET,
    environment: str | Unset = UNSET,
    cost: int | Unset = UNSET,
    authorization: str | Unset = UNSET,
    x_api_key: str | Unset = UNSET,
    x_keywarden_scopes: str | Unset = UNSET,
    x_keywarden_permissions: str | Unset = UNSET,
) -> Any | ErrorBody | None:
    """Forward-auth, for a proxied DELETE request

    Args:
        scopes (str | Unset): Required scopes, comma-separated (spaces around commas allowed), at
            most 50.
        permissions (str | Unset): A permission query: permission names joined by `AND` and `OR`,
            with parentheses; `AND` binds tighter than `OR`. At most 1,024 characters, 64 names, 16
            levels of nesting.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        environment (str | Unset): An environment: a lowercase letter, then up to 11 lowercase
            letters or digits (`live`, `test`, `staging`).
        cost (int | Unset):
        authorization (str | Unset):
        x_api_key (str | Unset):
        x_keywarden_scopes (str | Unset): Required scopes, comma-separated (spaces around commas
            allowed), at most 50.
        x_keywarden_permissions (str | Unset): A permission query: permission names joined by
            `AND` and `OR`, with parentheses; `AND` binds tighter than `OR`. At most 1,024 characters,
            64 names, 16 levels of nesting.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return sync_detailed(
        client=client,
        scopes=scopes,
        permissions=permissions,
        space=space,
        environment=environment,
        cost=cost,
        authorization=authorization,
        x_api_key=x_api_key,
        x_keywarden_scopes=x_keywarden_scopes,
        x_keywarden_permissions=x_keywarden_permissions,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    scopes: str | Unset = UNSET,
    permissions: str | Unset = UNSET,
    space: str | Unset = UNSET,
    environment: str | Unset = UNSET,
    cost: int | Unset = UNSET,
    authorization: str | Unset = UNSET,
    x_api_key: str | Unset = UNSET,
    x_keywarden_scopes: str | Unset = UNSET,
    x_keywarden_permissions: str | Unset = UNSET,
) -> Response[Any | ErrorBody]:
    """Forward-auth, for a proxied DELETE request

    Args:
        scopes (str | Unset): Required scopes, comma-separated (spaces around commas allowed), at
            most 50.
        permissions (str | Unset): A permission query: permission names joined by `AND` and `OR`,
            with parentheses; `AND` binds tighter than `OR`. At most 1,024 characters, 64 names, 16
            levels of nesting.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        environment (str | Unset): An environment: a lowercase letter, then up to 11 lowercase
            letters or digits (`live`, `test`, `staging`).
        cost (int | Unset):
        authorization (str | Unset):
        x_api_key (str | Unset):
        x_keywarden_scopes (str | Unset): Required scopes, comma-separated (spaces around commas
            allowed), at most 50.
        x_keywarden_permissions (str | Unset): A permission query: permission names joined by
            `AND` and `OR`, with parentheses; `AND` binds tighter than `OR`. At most 1,024 characters,
            64 names, 16 levels of nesting.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
    """

    kwargs = _get_kwargs(
        scopes=scopes,
        permissions=permissions,
        space=space,
        environment=environment,
        cost=cost,
        authorization=authorization,
        x_api_key=x_api_key,
        x_keywarden_scopes=x_keywarden_scopes,
        x_keywarden_permissions=x_keywarden_permissions,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    scopes: str | Unset = UNSET,
    permissions: str | Unset = UNSET,
    space: str | Unset = UNSET,
    environment: str | Unset = UNSET,
    cost: int | Unset = UNSET,
    authorization: str | Unset = UNSET,
    x_api_key: str | Unset = UNSET,
    x_keywarden_scopes: str | Unset = UNSET,
    x_keywarden_permissions: str | Unset = UNSET,
) -> Any | ErrorBody | None:
    """Forward-auth, for a proxied DELETE request

    Args:
        scopes (str | Unset): Required scopes, comma-separated (spaces around commas allowed), at
            most 50.
        permissions (str | Unset): A permission query: permission names joined by `AND` and `OR`,
            with parentheses; `AND` binds tighter than `OR`. At most 1,024 characters, 64 names, 16
            levels of nesting.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        environment (str | Unset): An environment: a lowercase letter, then up to 11 lowercase
            letters or digits (`live`, `test`, `staging`).
        cost (int | Unset):
        authorization (str | Unset):
        x_api_key (str | Unset):
        x_keywarden_scopes (str | Unset): Required scopes, comma-separated (spaces around commas
            allowed), at most 50.
        x_keywarden_permissions (str | Unset): A permission query: permission names joined by
            `AND` and `OR`, with parentheses; `AND` binds tighter than `OR`. At most 1,024 characters,
            64 names, 16 levels of nesting.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            scopes=scopes,
            permissions=permissions,
            space=space,
            environment=environment,
            cost=cost,
            authorization=authorization,
            x_api_key=x_api_key,
            x_keywarden_scopes=x_keywarden_scopes,
            x_keywarden_permissions=x_keywarden_permissions,
        )
    ).parsed
