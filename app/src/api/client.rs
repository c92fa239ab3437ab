//! The console's server-function client: the browser's `fetch`, plus the session's CSRF token.
//!
//! Berth refuses a cookie-authenticated POST that does not carry `X-CSRF-Token` (a page on another site cannot
//! read the token, so it cannot forge the header). The token is handed out at login in the `berth_csrf` cookie,
//! which, unlike the session cookie, scripts on Berth's own pages can read.

use std::future::Future;

use bytes::Bytes;
use futures_util::{Sink, Stream};
use server_fn::client::Client;
use server_fn::client::browser::BrowserClient;
use server_fn::error::FromServerFnError;
use server_fn::request::browser::BrowserRequest;
use server_fn::response::browser::BrowserResponse;

/// The name of the cookie that carries the CSRF token to the console's scripts.
pub const CSRF_COOKIE: &str = "berth_csrf";

/// The header that must repeat the CSRF token on cookie-authenticated changes.
pub const CSRF_HEADER: &str = "X-CSRF-Token";

/// The browser's `fetch` with the `X-CSRF-Token` header added (see the module's doc).
pub struct CsrfClient;

impl<E, IS, OS> Client<E, IS, OS> for CsrfClient
where
    E: FromServerFnError,
    IS: FromServerFnError,
    OS: FromServerFnError,
{
    type Request = BrowserRequest;
    type Response = BrowserResponse;

    fn send(request: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
        #[cfg(feature = "hydrate")]
        if let Some(token) = csrf_token() {
            request.headers().set(CSRF_HEADER, &token);
        }
        <BrowserClient as Client<E, IS, OS>>::send(request)
    }

    #[allow(clippy::type_complexity)]
    fn open_websocket(
        path: &str,
    ) -> impl Future<
        Output = Result<
            (
                impl Stream<Item = Result<Bytes, Bytes>> + Send + 'static,
                impl Sink<Bytes> + Send + 'static,
            ),
            E,
        >,
    > + Send {
        <BrowserClient as Client<E, IS, OS>>::open_websocket(path)
    }

    fn spawn(future: impl Future<Output = ()> + Send + 'static) {
        <BrowserClient as Client<E, IS, OS>>::spawn(future)
    }
}

/// The CSRF token from the `berth_csrf` cookie, when there is a session.
#[cfg(feature = "hydrate")]
pub fn csrf_token() -> Option<String> {
    use wasm_bindgen::JsCast;
    let document = leptos::prelude::document()
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()?;
    cookie_value(&document.cookie().ok()?, CSRF_COOKIE)
}

/// The value of cookie `name` in a `document.cookie` string (`a=1; b=2`).
pub fn cookie_value(cookies: &str, name: &str) -> Option<String> {
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::cookie_value;

    #[test]
    fn the_csrf_cookie_is_found_among_others() {
        assert_eq!(
            cookie_value("a=1; berth_csrf=tok-en; b=2", "berth_csrf").as_deref(),
            Some("tok-en")
        );
        assert_eq!(cookie_value("berth_csrfx=1", "berth_csrf"), None);
        assert_eq!(cookie_value("berth_csrf=", "berth_csrf"), None);
        assert_eq!(cookie_value("", "berth_csrf"), None);
    }
}
