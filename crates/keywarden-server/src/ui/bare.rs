//! The console's page shell without a session: the head, the logo, and the
//! bare pages (sign-in, errors) that need no signed-in user.

use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use maud::{DOCTYPE, Markup, html};

pub(crate) fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="referrer" content="no-referrer";
            title { (title) " · keywarden" }
            link rel="stylesheet" href="/ui/assets/app.css";
            link rel="icon" href="data:,";
            script src="/ui/assets/app.js" defer {}
        }
    }
}

/// The mark beside the product name.
pub(crate) fn logo() -> Markup {
    html! {
        svg class="logo" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" {
            path d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3Z" class="logo-shield" {}
            circle cx="12" cy="10" r="2.6" class="logo-hole" {}
            path d="M12 12.4v4.2" class="logo-stem" {}
        }
    }
}

/// A page without the navigation (sign-in, errors).
pub(crate) fn bare_page(status: StatusCode, title: &str, body: Markup) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            (head(title))
            body class="bare" {
                main id="main" class="bare-main" {
                    div class="bare-brand" { (logo()) span { "keywarden" } }
                    (body)
                }
            }
        }
    };
    (status, Html(markup.into_string())).into_response()
}

/// An error page with a way back.
pub(crate) fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    bare_page(
        status,
        title,
        html! {
            div class="card bare-card" {
                h1 { (title) }
                p { (message) }
                p class="muted" { "HTTP " (status.as_u16()) }
                p { a class="btn" href="/ui" { "Back to the console" } }
            }
        },
    )
}
