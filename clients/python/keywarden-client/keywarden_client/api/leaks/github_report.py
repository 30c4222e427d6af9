from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.github_report import GithubReport
from ...models.github_token_feedback import GithubTokenFeedback
from ...types import Response


def _get_kwargs(
    *,
    body: list[GithubReport],
    github_public_key_identifier: str,
    github_public_key_signature: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["Github-Public-Key-Identifier"] = github_public_key_identifier

    headers["Github-Public-Key-Signature"] = github_public_key_signature

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/leaks/github",
    }

    _kwargs["json"] = []
    for body_item_data in body:
        body_item = body_item_data.to_dict()
        _kwargs["json"].append(body_item)

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | list[GithubTokenFeedback] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = GithubTokenFeedback.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

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
) -> Response[ErrorBody | list[GithubTokenFeedback]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: list[GithubReport],
    github_public_key_identifier: str,
    github_public_key_signature: str,
) -> Response[ErrorBody | list[GithubTokenFeedback]]:
    """GitHub secret-scanning partner endpoint.

     Every key of this deployment in GitHub's report is revoked (reason
    `leaked`; the URL and source go to the audit entry and the `key.leaked`
    event), and each token is labelled in the answer. Authenticated by
    GitHub's signature, not a root key. Answers 404 `NOT_CONFIGURED` while
    `github_partner_keys` is not set: the route is not offered here, which
    is no passing fault (so not a 503).

    Args:
        github_public_key_identifier (str):
        github_public_key_signature (str):
        body (list[GithubReport]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | list[GithubTokenFeedback]]
    """

    kwargs = _get_kwargs(
        body=body,
        github_public_key_identifier=github_public_key_identifier,
        github_public_key_signature=github_public_key_signature,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: list[GithubReport],
    github_public_key_identifier: str,
    github_public_key_signature: str,
) -> ErrorBody | list[GithubTokenFeedback] | None:
    """GitHub secret-scanning partner endpoint.

     Every key of this deployment in GitHub's report is revoked (reason
    `leaked`; the URL and source go to the audit entry and the `key.leaked`
    event), and each token is labelled in the answer. Authenticated by
    GitHub's signature, not a root key. Answers 404 `NOT_CONFIGURED` while
    `github_partner_keys` is not set: the route is not offered here, which
    is no passing fault (so not a 503).

    Args:
        github_public_key_identifier (str):
        github_public_key_signature (str):
        body (list[GithubReport]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | list[GithubTokenFeedback]
    """

    return sync_detailed(
        client=client,
        body=body,
        github_public_key_identifier=github_public_key_identifier,
        github_public_key_signature=github_public_key_signature,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: list[GithubReport],
    github_public_key_identifier: str,
    github_public_key_signature: str,
) -> Response[ErrorBody | list[GithubTokenFeedback]]:
    """GitHub secret-scanning partner endpoint.

     Every key of this deployment in GitHub's report is revoked (reason
    `leaked`; the URL and source go to the audit entry and the `key.leaked`
    event), and each token is labelled in the answer. Authenticated by
    GitHub's signature, not a root key. Answers 404 `NOT_CONFIGURED` while
    `github_partner_keys` is not set: the route is not offered here, which
    is no passing fault (so not a 503).

    Args:
        github_public_key_identifier (str):
        github_public_key_signature (str):
        body (list[GithubReport]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | list[GithubTokenFeedback]]
    """

    kwargs = _get_kwargs(
        body=body,
        github_public_key_identifier=github_public_key_identifier,
        github_public_key_signature=github_public_key_signature,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: list[GithubReport],
    github_public_key_identifier: str,
    github_public_key_signature: str,
) -> ErrorBody | list[GithubTokenFeedback] | None:
    """GitHub secret-scanning partner endpoint.

     Every key of this deployment in GitHub's report is revoked (reason
    `leaked`; the URL and source go to the audit entry and the `key.leaked`
    event), and each token is labelled in the answer. Authenticated by
    GitHub's signature, not a root key. Answers 404 `NOT_CONFIGURED` while
    `github_partner_keys` is not set: the route is not offered here, which
    is no passing fault (so not a 503).

    Args:
        github_public_key_identifier (str):
        github_public_key_signature (str):
        body (list[GithubReport]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | list[GithubTokenFeedback]
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            github_public_key_identifier=github_public_key_identifier,
            github_public_key_signature=github_public_key_signature,
        )
    ).parsed
