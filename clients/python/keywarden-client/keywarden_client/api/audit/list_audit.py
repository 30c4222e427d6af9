from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_action import AuditAction
from ...models.audit_outcome import AuditOutcome
from ...models.audit_page import AuditPage
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    actor: str | Unset = UNSET,
    action: AuditAction | Unset = UNSET,
    target: str | Unset = UNSET,
    outcome: AuditOutcome | Unset = UNSET,
    space: str | Unset = UNSET,
    before: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["actor"] = actor

    json_action: str | Unset = UNSET
    if not isinstance(action, Unset):
        json_action = action.value

    params["action"] = json_action

    params["target"] = target

    json_outcome: str | Unset = UNSET
    if not isinstance(outcome, Unset):
        json_outcome = outcome.value

    params["outcome"] = json_outcome

    params["space"] = space

    params["before"] = before

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/audit",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AuditPage | ErrorBody | None:
    if response.status_code == 200:
        response_200 = AuditPage.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AuditPage | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    actor: str | Unset = UNSET,
    action: AuditAction | Unset = UNSET,
    target: str | Unset = UNSET,
    outcome: AuditOutcome | Unset = UNSET,
    space: str | Unset = UNSET,
    before: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[AuditPage | ErrorBody]:
    """Read the audit log, newest first.

    Args:
        actor (str | Unset): Text to match: at most 200 characters, without control characters.
        action (AuditAction | Unset): What an audit entry records.
        target (str | Unset): Text to match: at most 200 characters, without control characters.
        outcome (AuditOutcome | Unset): How an audited action ended.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        before (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditPage | ErrorBody]
    """

    kwargs = _get_kwargs(
        actor=actor,
        action=action,
        target=target,
        outcome=outcome,
        space=space,
        before=before,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    actor: str | Unset = UNSET,
    action: AuditAction | Unset = UNSET,
    target: str | Unset = UNSET,
    outcome: AuditOutcome | Unset = UNSET,
    space: str | Unset = UNSET,
    before: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> AuditPage | ErrorBody | None:
    """Read the audit log, newest first.

    Args:
        actor (str | Unset): Text to match: at most 200 characters, without control characters.
        action (AuditAction | Unset): What an audit entry records.
        target (str | Unset): Text to match: at most 200 characters, without control characters.
        outcome (AuditOutcome | Unset): How an audited action ended.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        before (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditPage | ErrorBody
    """

    return sync_detailed(
        client=client,
        actor=actor,
        action=action,
        target=target,
        outcome=outcome,
        space=space,
        before=before,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    actor: str | Unset = UNSET,
    action: AuditAction | Unset = UNSET,
    target: str | Unset = UNSET,
    outcome: AuditOutcome | Unset = UNSET,
    space: str | Unset = UNSET,
    before: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[AuditPage | ErrorBody]:
    """Read the audit log, newest first.

    Args:
        actor (str | Unset): Text to match: at most 200 characters, without control characters.
        action (AuditAction | Unset): What an audit entry records.
        target (str | Unset): Text to match: at most 200 characters, without control characters.
        outcome (AuditOutcome | Unset): How an audited action ended.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        before (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditPage | ErrorBody]
    """

    kwargs = _get_kwargs(
        actor=actor,
        action=action,
        target=target,
        outcome=outcome,
        space=space,
        before=before,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    actor: str | Unset = UNSET,
    action: AuditAction | Unset = UNSET,
    target: str | Unset = UNSET,
    outcome: AuditOutcome | Unset = UNSET,
    space: str | Unset = UNSET,
    before: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> AuditPage | ErrorBody | None:
    """Read the audit log, newest first.

    Args:
        actor (str | Unset): Text to match: at most 200 characters, without control characters.
        action (AuditAction | Unset): What an audit entry records.
        target (str | Unset): Text to match: at most 200 characters, without control characters.
        outcome (AuditOutcome | Unset): How an audited action ended.
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        before (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditPage | ErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            actor=actor,
            action=action,
            target=target,
            outcome=outcome,
            space=space,
            before=before,
            limit=limit,
        )
    ).parsed
