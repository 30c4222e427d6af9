from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.delivery_state import DeliveryState
from ...models.error_body import ErrorBody
from ...models.event_kind import EventKind
from ...models.event_view import EventView
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    kind: EventKind | Unset = UNSET,
    key_id: str | Unset = UNSET,
    delivery: DeliveryState | Unset = UNSET,
    space: str | Unset = UNSET,
    before: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_kind: str | Unset = UNSET
    if not isinstance(kind, Unset):
        json_kind = kind.value

    params["kind"] = json_kind

    params["key_id"] = key_id

    json_delivery: str | Unset = UNSET
    if not isinstance(delivery, Unset):
        json_delivery = delivery.value

    params["delivery"] = json_delivery

    params["space"] = space

    params["before"] = before

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/events",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | list[EventView] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = EventView.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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
) -> Response[ErrorBody | list[EventView]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    kind: EventKind | Unset = UNSET,
    key_id: str | Unset = UNSET,
    delivery: DeliveryState | Unset = UNSET,
    space: str | Unset = UNSET,
    before: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[ErrorBody | list[EventView]]:
    """Notable events (leak reports, anomalies), newest first.

    Args:
        kind (EventKind | Unset): What an event reports.
        key_id (str | Unset): Text to match: at most 200 characters, without control characters.
        delivery (DeliveryState | Unset): Where an event's webhook delivery stands: `none` (no
            webhook was configured when it was raised), `pending` (waiting for its next attempt),
            `delivered` (the webhook answered 2xx), `failed` (every attempt of the 24-hour retry
            period failed).
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        before (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | list[EventView]]
    """

    kwargs = _get_kwargs(
        kind=kind,
        key_id=key_id,
        delivery=delivery,
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
    kind: EventKind | Unset = UNSET,
    key_id: str | Unset = UNSET,
    delivery: DeliveryState | Unset = UNSET,
    space: str | Unset = UNSET,
    before: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> ErrorBody | list[EventView] | None:
    """Notable events (leak reports, anomalies), newest first.

    Args:
        kind (EventKind | Unset): What an event reports.
        key_id (str | Unset): Text to match: at most 200 characters, without control characters.
        delivery (DeliveryState | Unset): Where an event's webhook delivery stands: `none` (no
            webhook was configured when it was raised), `pending` (waiting for its next attempt),
            `delivered` (the webhook answered 2xx), `failed` (every attempt of the 24-hour retry
            period failed).
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        before (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | list[EventView]
    """

    return sync_detailed(
        client=client,
        kind=kind,
        key_id=key_id,
        delivery=delivery,
        space=space,
        before=before,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    kind: EventKind | Unset = UNSET,
    key_id: str | Unset = UNSET,
    delivery: DeliveryState | Unset = UNSET,
    space: str | Unset = UNSET,
    before: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[ErrorBody | list[EventView]]:
    """Notable events (leak reports, anomalies), newest first.

    Args:
        kind (EventKind | Unset): What an event reports.
        key_id (str | Unset): Text to match: at most 200 characters, without control characters.
        delivery (DeliveryState | Unset): Where an event's webhook delivery stands: `none` (no
            webhook was configured when it was raised), `pending` (waiting for its next attempt),
            `delivered` (the webhook answered 2xx), `failed` (every attempt of the 24-hour retry
            period failed).
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        before (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | list[EventView]]
    """

    kwargs = _get_kwargs(
        kind=kind,
        key_id=key_id,
        delivery=delivery,
        space=space,
        before=before,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    kind: EventKind | Unset = UNSET,
    key_id: str | Unset = UNSET,
    delivery: DeliveryState | Unset = UNSET,
    space: str | Unset = UNSET,
    before: int | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> ErrorBody | list[EventView] | None:
    """Notable events (leak reports, anomalies), newest first.

    Args:
        kind (EventKind | Unset): What an event reports.
        key_id (str | Unset): Text to match: at most 200 characters, without control characters.
        delivery (DeliveryState | Unset): Where an event's webhook delivery stands: `none` (no
            webhook was configured when it was raised), `pending` (waiting for its next attempt),
            `delivered` (the webhook answered 2xx), `failed` (every attempt of the 24-hour retry
            period failed).
        space (str | Unset): A key space's id: 1 to 48 lowercase letters, digits or `-`, starting
            and ending with a letter or digit.
        before (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | list[EventView]
    """

    return (
        await asyncio_detailed(
            client=client,
            kind=kind,
            key_id=key_id,
            delivery=delivery,
            space=space,
            before=before,
            limit=limit,
        )
    ).parsed
