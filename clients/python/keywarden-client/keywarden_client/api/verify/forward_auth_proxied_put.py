from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    path: str,
    *,
    authorization: str | Unset = UNSET,
    x_api_key: str | Unset = UNSET,
    x_keywarden_scopes: str | Unset = UNSET,
    x_keywarden_require_environment: str | Unset = UNSET,
    x_keywarden_permissions: str | Unset = UNSET,
    x_keywarden_require_space: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["Authorization"] = authorization

    if not isinstance(x_api_key, Unset):
        headers["X-API-Key"] = x_api_key

    if not isinstance(x_keywarden_scopes, Unset):
        headers["X-Keywarden-Scopes"] = x_keywarden_scopes

    if not isinstance(x_keywarden_require_environment, Unset):
        headers["X-Keywarden-Require-Environment"] = x_keywarden_require_environment

    if not isinstance(x_keywarden_permissions, Unset):
        headers["X-Keywarden-Permissions"] = x_keywarden_permissions

    if not isinstance(x_keywarden_require_space, Unset):
        headers["X-Keywarden-Require-Space"] = x_keywarden_require_space

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/forward-auth/{path}".format(
            path=quote(str(path), safe=""),
        ),
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
    path: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: str | Unset = UNSET,
    x_api_key: str | Unset = UNSET,
    x_keywarden_scopes: str | Unset = UNSET,
    x_keywarden_require_environment: str | Unset = UNSET,
    x_keywarden_permissions: str | Unset = UNSET,
    x_keywarden_require_space: str | Unset = UNSET,
) -> Response[Any | ErrorBody]:
    """Forward-auth, for a proxied PUT request

    Args:
        path (str):
        authorization (str | Unset):
        x_api_key (str | Unset):
        x_keywarden_scopes (str | Unset): Required scopes, comma-separated (spaces around commas
            allowed), at most 50.
        x_keywarden_require_environment (str | Unset): An environment: a lowercase letter, then up
            to 11 lowercase letters or digits (`live`, `test`, `staging`).
        x_keywarden_permissions (str | Unset): A permission query: permission names joined by
            `AND` and `OR`, with parentheses; `AND` binds tighter than `OR`. At most 1,024 characters,
            64 names, 16 levels of nesting.
        x_keywarden_require_space (str | Unset): A key space's id: 1 to 48 lowercase letters,
            digits or `-`, starting and ending with a letter or digit.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
    """

    kwargs = _get_kwargs(
        path=path,
        authorization=authorization,
        x_api_key=x_api_key,
        x_keywarden_scopes=x_keywarden_scopes,
        x_keywarden_require_environment=x_keywarden_require_environment,
        x_keywarden_permissions=x_keywarden_permissions,
        x_keywarden_require_space=x_keywarden_require_space,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    path: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: str | Unset = UNSET,
    x_api_key: str | Unset = UNSET,
    x_keywarden_scopes: str | Unset = UNSET,
    x_keywarden_require_environment: str | Unset = UNSET,
    x_keywarden_permissions: str | Unset = UNSET,
    x_keywarden_require_space: str | Unset = UNSET,
) -> Any | ErrorBody | None:
    """Forward-auth, for a proxied PUT request

    Args:
        path (str):
        authorization (str | Unset):
        x_api_key (str | Unset):
        x_keywarden_scopes (str | Unset): Required scopes, comma-separated (spaces around commas
            allowed), at most 50.
        x_keywarden_require_environment (str | Unset): An environment: a lowercase letter, then up
            to 11 lowercase letters or digits (`live`, `test`, `staging`).
        x_keywarden_permissions (str | Unset): A permission query: permission names joined by
            `AND` and `OR`, with parentheses; `AND` binds tighter than `OR`. At most 1,024 characters,
            64 names, 16 levels of nesting.
        x_keywarden_require_space (str | Unset): A key space's id: 1 to 48 lowercase letters,
            digits or `-`, starting and ending with a letter or digit.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return sync_detailed(
        path=path,
        client=client,
        authorization=authorization,
        x_api_key=x_api_key,
        x_keywarden_scopes=x_keywarden_scopes,
        x_keywarden_require_environment=x_keywarden_require_environment,
        x_keywarden_permissions=x_keywarden_permissions,
        x_keywarden_require_space=x_keywarden_require_space,
    ).parsed


async def asyncio_detailed(
    path: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: str | Unset = UNSET,
    x_api_key: str | Unset = UNSET,
    x_keywarden_scopes: str | Unset = UNSET,
    x_keywarden_require_environment: str | Unset = UNSET,
    x_keywarden_permissions: str | Unset = UNSET,
    x_keywarden_require_space: str | Unset = UNSET,
) -> Response[Any | ErrorBody]:
    """Forward-auth, for a proxied PUT request

    Args:
        path (str):
        authorization (str | Unset):
        x_api_key (str | Unset):
        x_keywarden_scopes (str | Unset): Required scopes, comma-separated (spaces around commas
            allowed), at most 50.
        x_keywarden_require_environment (str | Unset): An environment: a lowercase letter, then up
            to 11 lowercase letters or digits (`live`, `test`, `staging`).
        x_keywarden_permissions (str | Unset): A permission query: permission names joined by
            `AND` and `OR`, with parentheses; `AND` binds tighter than `OR`. At most 1,024 characters,
            64 names, 16 levels of nesting.
        x_keywarden_require_space (str | Unset): A key space's id: 1 to 48 lowercase letters,
            digits or `-`, starting and ending with a letter or digit.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
    """

    kwargs = _get_kwargs(
        path=path,
        authorization=authorization,
        x_api_key=x_api_key,
        x_keywarden_scopes=x_keywarden_scopes,
        x_keywarden_require_environment=x_keywarden_require_environment,
        x_keywarden_permissions=x_keywarden_permissions,
        x_keywarden_require_space=x_keywarden_require_space,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    path: str,
    *,
    client: AuthenticatedClient | Client,
    authorization: str | Unset = UNSET,
    x_api_key: str | Unset = UNSET,
    x_keywarden_scopes: str | Unset = UNSET,
    x_keywarden_require_environment: str | Unset = UNSET,
    x_keywarden_permissions: str | Unset = UNSET,
    x_keywarden_require_space: str | Unset = UNSET,
) -> Any | ErrorBody | None:
    """Forward-auth, for a proxied PUT request

    Args:
        path (str):
        authorization (str | Unset):
        x_api_key (str | Unset):
        x_keywarden_scopes (str | Unset): Required scopes, comma-separated (spaces around commas
            allowed), at most 50.
        x_keywarden_require_environment (str | Unset): An environment: a lowercase letter, then up
            to 11 lowercase letters or digits (`live`, `test`, `staging`).
        x_keywarden_permissions (str | Unset): A permission query: permission names joined by
            `AND` and `OR`, with parentheses; `AND` binds tighter than `OR`. At most 1,024 characters,
            64 names, 16 levels of nesting.
        x_keywarden_require_space (str | Unset): A key space's id: 1 to 48 lowercase letters,
            digits or `-`, starting and ending with a letter or digit.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return (
        await asyncio_detailed(
            path=path,
            client=client,
            authorization=authorization,
            x_api_key=x_api_key,
            x_keywarden_scopes=x_keywarden_scopes,
            x_keywarden_require_environment=x_keywarden_require_environment,
            x_keywarden_permissions=x_keywarden_permissions,
            x_keywarden_require_space=x_keywarden_require_space,
        )
    ).parsed
