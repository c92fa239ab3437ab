//! Server functions for the console's session.
// The #[server] macro generates argument structs whose fields mirror the documented parameters.
#![allow(missing_docs)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::auth::Caller;

/// Who is calling: the signed-in user, the token, or the anonymous admin when authentication is off;
/// `None` on the public pages (the login page) before anyone signed in.
#[server(prefix = "/rpc", endpoint = "auth/me", client = crate::api::client::CsrfClient)]
pub async fn current_user() -> Result<Option<Caller>, AppError> {
    Ok(use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Caller>().cloned()))
}
