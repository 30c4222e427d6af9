//! The generator: API keys (v1 format) and JWT HMAC secrets, made in the
//! browser with `crypto.getRandomValues` (`app.js`). Nothing generated here
//! is sent to the server; the page itself holds no secret.

use axum::{extract::State, response::Response};
use maud::html;

use crate::state::AppState;

use super::{
    html::{Nav, page},
    session::Console,
};

/// `GET /ui/generator`.
pub(crate) async fn page_route(State(state): State<AppState>, console: Console) -> Response {
    let prefix = state.config().prefix.to_string();
    let body = html! {
        div class="page-head" { div {
            h1 { "Generator" }
            p class="muted" {
                "Strong secrets, made in your browser with " code { "crypto.getRandomValues" }
                ". Nothing you generate here is sent to the server or stored."
            }
        } }
        noscript { div class="alert alert-error" { "The generator runs in your browser and needs JavaScript." } }
        div class="grid grid-2" {
            section class="card" aria-labelledby="gen-key-h" {
                h2 id="gen-key-h" { "API key (v1 format)" }
                p class="muted small" {
                    "32 random bytes in base62 with a CRC-32 checksum, like the keys keywarden issues. "
                    "These keys are not registered: to issue a key that verifies, use "
                    a href="/ui/keys/new" { "Create key" } "."
                }
                form id="gen-key-form" class="stack" data-generator="key" {
                    div class="inline-fields" {
                        div class="field" {
                            label for="g-prefix" { "Prefix" }
                            input id="g-prefix" name="prefix" value=(prefix) pattern="[a-z][a-z0-9]{0,15}" required spellcheck="false";
                        }
                        div class="field" {
                            label for="g-env" { "Environment" }
                            input id="g-env" name="env" value="live" pattern="[a-z][a-z0-9]{0,11}" required spellcheck="false";
                        }
                        div class="field" {
                            label for="g-var" { "Variable" }
                            input id="g-var" name="var" value="API_KEY" pattern="[A-Za-z_][A-Za-z0-9_]*" required spellcheck="false";
                        }
                    }
                    p class="field-error" id="g-key-error" role="alert" hidden {}
                    button class="btn btn-primary" type="submit" id="gen-key" { "Generate key" }
                }
                div class="gen-output" id="gen-key-output" hidden {
                    div class="field" {
                        label for="gen-key-value" { "Key" }
                        div class="copy-row" {
                            output id="gen-key-value" class="secret mono" {}
                            button class="btn" type="button" data-copy="gen-key-value" { "Copy" }
                        }
                    }
                    div class="field" {
                        label for="gen-key-env" { ".env line" }
                        div class="copy-row" {
                            output id="gen-key-env" class="secret mono small" {}
                            button class="btn" type="button" data-copy="gen-key-env" { "Copy" }
                        }
                    }
                }
            }
            section class="card" aria-labelledby="gen-jwt-h" {
                h2 id="gen-jwt-h" { "JWT secret (HMAC)" }
                p class="muted small" {
                    "Sized to the hash, as RFC 7518 §3.2 asks: 32 bytes for HS256, 48 for HS384, 64 for HS512; base64url."
                }
                form id="gen-jwt-form" class="stack" data-generator="jwt" {
                    div class="inline-fields" {
                        div class="field" {
                            label for="g-alg" { "Algorithm" }
                            select id="g-alg" name="alg" {
                                option value="HS256" selected { "HS256 (32 bytes)" }
                                option value="HS384" { "HS384 (48 bytes)" }
                                option value="HS512" { "HS512 (64 bytes)" }
                            }
                        }
                        div class="field" {
                            label for="g-jwt-var" { "Variable" }
                            input id="g-jwt-var" name="var" value="JWT_SECRET" pattern="[A-Za-z_][A-Za-z0-9_]*" required spellcheck="false";
                        }
                    }
                    button class="btn btn-primary" type="submit" id="gen-jwt" { "Generate secret" }
                }
                div class="gen-output" id="gen-jwt-output" hidden {
                    div class="field" {
                        label for="gen-jwt-value" { "Secret" }
                        div class="copy-row" {
                            output id="gen-jwt-value" class="secret mono" {}
                            button class="btn" type="button" data-copy="gen-jwt-value" { "Copy" }
                        }
                    }
                    div class="field" {
                        label for="gen-jwt-env" { ".env line" }
                        div class="copy-row" {
                            output id="gen-jwt-env" class="secret mono small" {}
                            button class="btn" type="button" data-copy="gen-jwt-env" { "Copy" }
                        }
                    }
                }
            }
        }
    };
    page(&state, &console, "Generator", Nav::Generator, body).await
}
