//! The contract's JSON envelope: success bodies, the error body, and request extractors whose
//! rejections use the same envelope.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use app::error::AppError;

/// The limit on JSON request bodies.
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;

/// An [`AppError`] answered as the contract's error envelope.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError(error)
    }
}

/// The sentence an error answer gave the client, kept in the answer's extensions so that the request's
/// log line can name it (the failure's details were logged where it happened).
#[derive(Debug, Clone)]
pub struct PublicError(pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let sentence = self.0.to_string();
        let body = json!({"success": false, "error": sentence, "data": null});
        let mut response = (status, Json(body)).into_response();
        response.extensions_mut().insert(PublicError(sentence));
        response
    }
}

/// What REST handlers return.
pub type ApiResult = Result<Response, ApiError>;

fn envelope(status: StatusCode, key: &str, payload: Value, count: Option<usize>) -> Response {
    let mut body = Map::new();
    body.insert("success".into(), Value::Bool(true));
    body.insert(key.into(), payload);
    if let Some(count) = count {
        body.insert("count".into(), count.into());
    }
    (status, Json(Value::Object(body))).into_response()
}

fn to_value(payload: impl Serialize) -> Result<Value, ApiError> {
    serde_json::to_value(payload).map_err(|err| {
        tracing::error!(error = %err, "could not encode a response");
        ApiError(AppError::Internal("Could not encode the response".into()))
    })
}

/// `200 {"success": true, "<key>": payload}`.
pub fn ok(key: &str, payload: impl Serialize) -> ApiResult {
    Ok(envelope(StatusCode::OK, key, to_value(payload)?, None))
}

/// `201 {"success": true, "<key>": payload}`.
pub fn created(key: &str, payload: impl Serialize) -> ApiResult {
    Ok(envelope(StatusCode::CREATED, key, to_value(payload)?, None))
}

/// `200 {"success": true, "<key>": [...], "count": n}`.
pub fn list<T: Serialize>(key: &str, items: Vec<T>) -> ApiResult {
    let count = items.len();
    Ok(envelope(StatusCode::OK, key, to_value(items)?, Some(count)))
}

/// A JSON request body: optional (an empty body reads as `{}`), must be an object, unknown fields and
/// wrong types are a 400 naming the field, over [`JSON_BODY_LIMIT`] a 413.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if announces_more_than(req.headers(), JSON_BODY_LIMIT) {
            return Err(ApiError(json_body_too_large()));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError(json_body_too_large())
            } else {
                ApiError(AppError::bad_request(format!(
                    "Could not read the request body: {}",
                    rejection.body_text()
                )))
            }
        })?;
        parse_json_body(&bytes).map(JsonBody).map_err(ApiError)
    }
}

/// The 413 of a JSON body over [`JSON_BODY_LIMIT`].
fn json_body_too_large() -> AppError {
    AppError::PayloadTooLarge(format!(
        "Request body is larger than the {} MiB limit",
        JSON_BODY_LIMIT / (1024 * 1024)
    ))
}

/// Whether the request's `Content-Length` announces more than `limit` bytes: such a body is refused
/// before any of it is read, rather than waited for until the client gives up.
pub fn announces_more_than(headers: &HeaderMap, limit: usize) -> bool {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .is_some_and(|length| length > limit as u64)
}

/// Middleware: a server function call (`/rpc/...`) whose `Content-Length` announces more than
/// [`JSON_BODY_LIMIT`] is a 413 at once, like a REST JSON body, instead of waiting for a body it would refuse.
pub async fn refuse_oversize_server_fn_bodies(
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    if request.uri().path().starts_with("/rpc/")
        && announces_more_than(request.headers(), JSON_BODY_LIMIT)
    {
        return ApiError(json_body_too_large()).into_response();
    }
    next.run(request).await
}

/// The optional body of an action that takes no options (`start`, `pause`, `unpause`): no body, an
/// empty one or `{}`; like every JSON body, anything else is a 400 (unknown fields included).
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoOptions {}

/// Parses a request body per the contract (see [`JsonBody`]).
pub fn parse_json_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let value: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(bytes)
            .map_err(|err| AppError::bad_request(format!("Malformed JSON body: {err}")))?
    };
    if !value.is_object() {
        return Err(AppError::bad_request("Request body must be a JSON object"));
    }
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let inner = in_json_terms(&err.into_inner().to_string());
        if let Some(rest) = inner.strip_prefix("unknown field `") {
            let field = rest.split('`').next().unwrap_or_default();
            AppError::bad_request(format!("Unknown field '{field}' in request body"))
        } else if let Some(rest) = inner.strip_prefix("missing field `") {
            let field = rest.split('`').next().unwrap_or_default();
            let field = if path == "." || path.is_empty() {
                field.to_string()
            } else {
                format!("{path}.{field}")
            };
            AppError::bad_request(format!("Field '{field}' is required"))
        } else if let Some(rule) = inner.strip_prefix("must be ")
            && !(path == "." || path.is_empty())
        {
            // A value type that words its own rule (serde's `expecting` on an untagged enum, e.g.
            // `CommandLine`): one sentence naming the field, never the type's name.
            AppError::bad_request(format!("Field '{path}' must be {rule}"))
        } else if path == "." || path.is_empty() {
            AppError::bad_request(format!("Invalid request body: {inner}"))
        } else {
            AppError::bad_request(format!("Invalid value for field '{path}': {inner}"))
        }
    })
}

/// Rewords what serde says it expected in JSON's terms rather than Rust's (`expected i64` → `expected
/// an integer`, `struct StopRequest` → `an object`), so that no internal type name reaches the client.
fn in_json_terms(message: &str) -> String {
    let Some((head, expected)) = message.rsplit_once(", expected ") else {
        return message.to_string();
    };
    let plain = match expected {
        "i64" | "i128" | "isize" => "an integer",
        "i8" => "an integer from -128 to 127",
        "i16" => "an integer from -32768 to 32767",
        "i32" => "an integer from -2147483648 to 2147483647",
        "u8" => "an integer from 0 to 255",
        "u16" => "an integer from 0 to 65535",
        "u32" => "an integer from 0 to 4294967295",
        "u64" | "u128" | "usize" => "a non-negative integer",
        "f32" | "f64" => "a number",
        "a sequence" => "a list",
        "a map" => "an object",
        other if other.starts_with("struct ") || other.starts_with("tuple struct ") => "an object",
        _ => return message.to_string(),
    };
    format!("{head}, expected {plain}")
}

/// Query parameters whose rejections are the contract's 400.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<S, T> FromRequestParts<S> for QueryParams<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(value)| QueryParams(value))
            .map_err(|rejection| {
                let text = rejection.body_text();
                let detail = text
                    .strip_prefix("Failed to deserialize query string: ")
                    .unwrap_or(&text);
                ApiError(AppError::bad_request(format!(
                    "Invalid query parameter: {detail}"
                )))
            })
    }
}

/// The `?force=` query of remove routes.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForceQuery {
    /// Force the removal (default false): of a running container, of a volume in use.
    #[serde(default, deserialize_with = "query_bool")]
    pub force: Option<bool>,
}

impl ForceQuery {
    /// Whether to force.
    pub fn force(&self) -> bool {
        self.force.unwrap_or(false)
    }
}

/// Deserializes a query boolean: `true`/`false`/`1`/`0` in any case.
pub fn query_bool<'de, D>(deserializer: D) -> Result<Option<bool>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let text: Option<String> = serde::Deserialize::deserialize(deserializer)?;
    match text {
        None => Ok(None),
        Some(text) => match text.to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(Some(true)),
            "false" | "0" => Ok(Some(false)),
            _ => Err(serde::de::Error::custom(format!(
                "'{text}' is not a boolean: use true, false, 1 or 0"
            ))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    struct Body {
        timeout: Option<i64>,
    }

    #[test]
    fn empty_body_reads_as_an_empty_object() {
        let body: Body = parse_json_body(b"").expect("empty is fine");
        assert_eq!(body.timeout, None);
    }

    #[test]
    fn bad_bodies_get_clear_messages() {
        let err = parse_json_body::<Body>(b"{oops").unwrap_err();
        assert!(err.to_string().starts_with("Malformed JSON body"));
        let err = parse_json_body::<Body>(b"[1]").unwrap_err();
        assert_eq!(err.to_string(), "Request body must be a JSON object");
        let err = parse_json_body::<Body>(br#"{"bogus": 1}"#).unwrap_err();
        assert_eq!(err.to_string(), "Unknown field 'bogus' in request body");
        let err = parse_json_body::<Body>(br#"{"timeout": "x"}"#).unwrap_err();
        assert!(err.to_string().contains("'timeout'"), "{err}");
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Required {
        name: String,
        inner: Option<RequiredInner>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct RequiredInner {
        subnet: String,
    }

    #[test]
    fn a_missing_required_field_is_named_with_its_path() {
        let err = parse_json_body::<Required>(b"{}").unwrap_err();
        assert_eq!(err.to_string(), "Field 'name' is required");
        let err = parse_json_body::<Required>(br#"{"name": "x", "inner": {}}"#).unwrap_err();
        assert_eq!(err.to_string(), "Field 'inner.subnet' is required");
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Typed {
        count: Option<u16>,
        ratio: Option<f64>,
        names: Option<Vec<String>>,
        nested: Option<Body>,
    }

    #[test]
    fn wrong_types_are_worded_in_json_terms_never_rust_type_names() {
        let err = parse_json_body::<Body>(br#"{"timeout": "soon"}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Invalid value for field 'timeout': invalid type: string \"soon\", expected an integer"
        );
        for (body, expected) in [
            (
                &br#"{"count": 70000}"#[..],
                "Invalid value for field 'count': invalid value: integer `70000`, expected an integer from 0 to 65535",
            ),
            (
                br#"{"ratio": "half"}"#,
                "Invalid value for field 'ratio': invalid type: string \"half\", expected a number",
            ),
            (
                br#"{"names": "a"}"#,
                "Invalid value for field 'names': invalid type: string \"a\", expected a list",
            ),
            (
                br#"{"nested": 1}"#,
                "Invalid value for field 'nested': invalid type: integer `1`, expected an object",
            ),
        ] {
            let err = parse_json_body::<Typed>(body).unwrap_err();
            assert_eq!(err.to_string(), expected);
        }
    }

    #[derive(Debug, Deserialize)]
    struct Flags {
        #[serde(default, deserialize_with = "query_bool")]
        all: Option<bool>,
    }

    #[test]
    fn query_booleans_accept_the_contract_spellings_only() {
        for (text, expected) in [
            ("true", true),
            ("TRUE", true),
            ("1", true),
            ("False", false),
            ("0", false),
        ] {
            let uri: axum::http::Uri = format!("/x?all={text}").parse().unwrap();
            let Query(flags) = Query::<Flags>::try_from_uri(&uri).unwrap();
            assert_eq!(flags.all, Some(expected), "{text}");
        }
        let uri: axum::http::Uri = "/x?all=yes".parse().unwrap();
        assert!(Query::<Flags>::try_from_uri(&uri).is_err());
    }
}
