//! Keys waiting for approval (made in the customer portal under a space's
//! `require_approval`): the Pending page, and its Approve and Decline
//! buttons.

#[allow(clippy::wildcard_imports)]
use super::*;
use crate::command::{ApproveKey, DeclineKey};

/// Most pending keys the page lists (the oldest wait longest: they come
/// last; the list says when there are more).
const PENDING_PAGE: u32 = 200;

/// `GET /ui/pending`.
pub(crate) async fn pending(State(state): State<AppState>, console: Console) -> PageResult {
    let proof = authorize(&state, &console, ListKeys).await?;
    let filter = KeyFilter {
        status: Some(KeyStatus::Pending),
        space: console.space().cloned(),
        visible: console.visible(),
        ..KeyFilter::default()
    };
    let now = state.now();
    let page_of = state
        .store()
        .list_keys(&filter, now, PENDING_PAGE, None)
        .await
        .map_err(fail)?;
    state
        .store()
        .audit(&proof.draft(
            &state,
            None,
            serde_json::json!({ "returned": page_of.items.len(), "status": "pending" }),
        ))
        .await
        .map_err(fail)?;
    let may_approve = console.may::<ApproveKey>();
    let may_decline = console.may::<DeclineKey>();
    let body = html! {
        h1 { "Pending keys" }
        p class="muted" {
            "Keys your customers made in the portal, in spaces whose portal policy requires approval. "
            "They are refused (" code { "PENDING_APPROVAL" } ") until approved; declining revokes them."
        }
        div class="card flush" {
            @if page_of.items.is_empty() {
                (empty("No key waits for approval."))
            } @else {
                table {
                    thead {
                        tr {
                            th scope="col" { "Key" }
                            th scope="col" { "Owner" }
                            th scope="col" { "Space" }
                            th scope="col" { "Environment" }
                            th scope="col" { "Waiting since" }
                            th scope="col" { "Decision" }
                        }
                    }
                    tbody {
                        @for k in &page_of.items {
                            @let label = k.name.clone().unwrap_or_else(|| k.hint.clone());
                            tr data-key-id=(k.id) {
                                td { a href=(format!("/ui/keys/{}", k.id)) { (label) } " " code { (k.hint) } }
                                td { (k.owner.as_ref().map(|o| o.to_string()).unwrap_or_default()) }
                                td { (k.space) }
                                td { (env_badge(k.environment.as_str())) }
                                td { (time_cell(k.pending_at, now, "")) }
                                td {
                                    @if may_approve {
                                        form method="post" action=(format!("/ui/keys/{}/approve", k.id)) class="inline" {
                                            (csrf_field(&console))
                                            button type="submit" class="btn btn-primary" aria-label=(format!("Approve {label}")) { "Approve" }
                                        }
                                    }
                                    " "
                                    @if may_decline {
                                        form method="post" action=(format!("/ui/keys/{}/decline", k.id)) class="inline" {
                                            (csrf_field(&console))
                                            button type="submit" class="btn btn-danger" aria-label=(format!("Decline {label}")) { "Decline" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if page_of.next.is_some() {
                    p class="pad muted" { "More keys wait: decide these first." }
                }
            }
        }
    };
    Ok(page(&state, &console, "Pending keys", Nav::Pending, body).await)
}

/// `POST /ui/keys/{id}/approve`.
pub(crate) async fn approve(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
) -> PageResult {
    let proof = authorize(&state, &console, ApproveKey { id }).await?;
    let record = keys::approve(&state, proof).await.map_err(fail)?;
    console
        .notice(
            &state,
            format!(
                "Approved {} ({}): it works from now on.",
                record.id, record.hint
            ),
        )
        .await;
    Ok(see_other("/ui/pending"))
}

/// `POST /ui/keys/{id}/decline`.
pub(crate) async fn decline(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
) -> PageResult {
    let proof = authorize(&state, &console, DeclineKey { id }).await?;
    let record = keys::decline(&state, proof).await.map_err(fail)?;
    console
        .notice(
            &state,
            format!("Declined {} ({}): it is revoked.", record.id, record.hint),
        )
        .await;
    Ok(see_other("/ui/pending"))
}
