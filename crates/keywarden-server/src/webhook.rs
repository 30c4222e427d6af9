//! The HTTP client of webhook delivery: reqwest, for the engine's
//! [`keywarden_engine::events::WebhookClient`]. The engine decides what is
//! sent and what an answer means; this only sends it.

use std::{future::Future, pin::Pin, time::Duration};

use keywarden_engine::events::{PostError, WebhookClient};

/// reqwest's client, following no redirect.
#[derive(Debug, Clone)]
pub struct Reqwest(reqwest::Client);

impl WebhookClient for Reqwest {
    fn build(timeout: Duration, user_agent: &'static str) -> Result<Self, String> {
        reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(user_agent)
            .build()
            .map(Self)
            .map_err(|e| e.to_string())
    }

    fn post<'a>(
        &'a self,
        url: &'a str,
        headers: &'a [(&'static str, String)],
        body: String,
    ) -> Pin<Box<dyn Future<Output = Result<u16, PostError>> + Send + 'a>> {
        Box::pin(async move {
            let mut request = self.0.post(url);
            for (name, value) in headers {
                request = request.header(*name, value);
            }
            match request.body(body).send().await {
                Ok(answer) => Ok(answer.status().as_u16()),
                Err(e) if e.is_timeout() => Err(PostError::TimedOut),
                Err(e) if e.is_connect() => Err(PostError::Connect),
                Err(e) => Err(PostError::Other(e.without_url().to_string())),
            }
        })
    }
}
