//! `GET /api/openapi.json`: the OpenAPI 3.1 document, made from the route table ([`ApiRoute`]) and
//! the request and response types (their `utoipa` schemas), so it cannot drift from what is served.
//!
//! Each route states in the table what it reads and answers ([`ApiRoute::query`],
//! [`ApiRoute::json_body`], [`ApiRoute::answers`], ...); path parameters come from the path itself.
//! The document is built once, on first use, and served from memory.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::body::Bytes;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use utoipa::openapi::path::ParameterIn;
use utoipa::{IntoParams, ToSchema};

use super::{ApiRoute, api_routes};
use crate::auth::SESSION_COOKIE;

/// The component schemas collected while describing the routes, by name.
pub type Schemas = BTreeMap<String, Value>;

/// Describes a type: registers the components it needs and answers its schema (or a reference).
pub type SchemaFn = fn(&mut Schemas) -> Value;

/// Describes a route's query parameters.
pub type ParamsFn = fn() -> Vec<utoipa::openapi::path::Parameter>;

/// A request body a route reads.
#[derive(Debug, Clone, Copy)]
pub struct BodyDoc {
    /// Its media type.
    pub media: &'static str,
    /// Its schema.
    pub schema: SchemaFn,
    /// Whether it must be sent (JSON bodies of actions are optional: no body reads as `{}`).
    pub required: bool,
}

/// What a route answers when it succeeds.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    /// The envelope with the payload under a named key: `{"success": true, "<key>": ...}`.
    Payload {
        /// 200, or 201 for a creation.
        status: u16,
        /// The payload's key.
        key: &'static str,
        /// The payload's schema.
        schema: SchemaFn,
    },
    /// A list in the envelope: `{"success": true, "<key>": [...], "count": n}`.
    List {
        /// The list's key.
        key: &'static str,
        /// The schema of one item.
        item: SchemaFn,
    },
    /// A body that is not the envelope (the health check, a download, a page, a stream).
    Raw {
        /// Its status.
        status: u16,
        /// Its media type.
        media: &'static str,
        /// What it is.
        description: &'static str,
        /// Its schema, when it is JSON.
        schema: Option<SchemaFn>,
    },
}

/// Another media type a route may answer with instead of the JSON envelope (a stream, a text file).
#[derive(Debug, Clone, Copy)]
pub struct AlternativeAnswer {
    /// Its media type.
    pub media: &'static str,
    /// When it is sent.
    pub description: &'static str,
    /// The schema of its content (of each event's data, for `text/event-stream`).
    pub schema: Option<SchemaFn>,
}

/// What the OpenAPI document says about one route beyond its method, path and description.
#[derive(Debug, Clone, Default)]
pub struct RouteDoc {
    /// Query parameters.
    pub query: Option<ParamsFn>,
    /// The JSON request body.
    pub body: Option<BodyDoc>,
    /// The media type of a binary body (a tar archive) read instead of, or besides, JSON.
    pub binary_body: Option<&'static str>,
    /// The success answer (every route states one; a test checks it).
    pub answer: Option<Answer>,
    /// Other media types of the success answer.
    pub alternatives: Vec<AlternativeAnswer>,
}

/// The schema of `T` as a named component (`$ref`), registering it and what it refers to.
pub fn component<T: ToSchema>(schemas: &mut Schemas) -> Value {
    let name = T::name().into_owned();
    register_dependencies::<T>(schemas);
    schemas.insert(name.clone(), to_json(&T::schema()));
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// The schema of `T` written in place (for `String`, `Vec<...>`, maps), registering what it refers to.
pub fn inline<T: ToSchema>(schemas: &mut Schemas) -> Value {
    register_dependencies::<T>(schemas);
    to_json(&T::schema())
}

/// A JSON object whose shape is not ours to fix (Docker's raw inspect documents).
pub fn any_object(_: &mut Schemas) -> Value {
    json!({"type": "object", "additionalProperties": true})
}

fn register_dependencies<T: ToSchema>(schemas: &mut Schemas) {
    let mut found = Vec::new();
    T::schemas(&mut found);
    for (name, schema) in found {
        schemas.insert(name, to_json(&schema));
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|err| {
        tracing::error!(error = %err, "could not encode an OpenAPI schema");
        json!({})
    })
}

impl ApiRoute {
    /// Reads the query parameters `Q` describes.
    pub fn query<Q: IntoParams>(mut self) -> Self {
        self.doc.query = Some(|| Q::into_params(|| Some(ParameterIn::Query)));
        self
    }

    /// Reads a JSON body of type `B` that must be sent.
    pub fn json_body<B: ToSchema>(mut self) -> Self {
        self.doc.body = Some(BodyDoc {
            media: "application/json",
            schema: component::<B>,
            required: true,
        });
        self
    }

    /// Reads a JSON body of type `B` that may be left out (no body reads as `{}`).
    pub fn optional_json_body<B: ToSchema>(mut self) -> Self {
        self.doc.body = Some(BodyDoc {
            media: "application/json",
            schema: component::<B>,
            required: false,
        });
        self
    }

    /// Reads a binary body of `media` (a tar archive), instead of or besides a JSON one.
    pub fn binary_body(mut self, media: &'static str) -> Self {
        self.doc.binary_body = Some(media);
        self
    }

    /// Answers 200 with a `T` under `key`.
    pub fn answers<T: ToSchema>(self, key: &'static str) -> Self {
        self.answers_with(200, key, component::<T>)
    }

    /// Answers 201 with a `T` under `key`.
    pub fn creates<T: ToSchema>(self, key: &'static str) -> Self {
        self.answers_with(201, key, component::<T>)
    }

    /// Answers 200 with a list of `T` under `key`, and its `count`.
    pub fn lists<T: ToSchema>(mut self, key: &'static str) -> Self {
        self.doc.answer = Some(Answer::List {
            key,
            item: component::<T>,
        });
        self
    }

    /// Answers `status` with the payload `schema` describes under `key`.
    pub fn answers_with(mut self, status: u16, key: &'static str, schema: SchemaFn) -> Self {
        self.doc.answer = Some(Answer::Payload {
            status,
            key,
            schema,
        });
        self
    }

    /// Answers a body that is not the envelope.
    pub fn answers_raw(
        mut self,
        status: u16,
        media: &'static str,
        description: &'static str,
        schema: Option<SchemaFn>,
    ) -> Self {
        self.doc.answer = Some(Answer::Raw {
            status,
            media,
            description,
            schema,
        });
        self
    }

    /// May answer `media` instead of the JSON envelope, when `description` says.
    pub fn or_answers(mut self, media: &'static str, description: &'static str) -> Self {
        self.doc.alternatives.push(AlternativeAnswer {
            media,
            description,
            schema: None,
        });
        self
    }

    /// May answer server-sent events instead, when `description` says; `data` describes each event's
    /// data.
    pub fn or_streams(mut self, description: &'static str, data: SchemaFn) -> Self {
        self.doc.alternatives.push(AlternativeAnswer {
            media: "text/event-stream",
            description,
            schema: Some(data),
        });
        self
    }
}

/// The error statuses every route may answer: status, the name of its response component, and when.
const ERROR_STATUSES: [(u16, &str, &str); 11] = [
    (
        400,
        "BadRequest",
        "Bad input: malformed JSON, a wrong type, a missing or unknown field, a bad query value",
    ),
    (
        401,
        "Unauthorized",
        "Authentication is on and the request carries no valid credentials",
    ),
    (
        403,
        "Forbidden",
        "The caller's role, the token's scope or the server's policy forbids it",
    ),
    (404, "NotFound", "The object (or the route) does not exist"),
    (
        405,
        "MethodNotAllowed",
        "The method is not allowed here (e.g. an image path naming another action)",
    ),
    (
        409,
        "Conflict",
        "A conflict: name in use, object in use, container not running or not paused",
    ),
    (413, "PayloadTooLarge", "The body is over the limit"),
    (429, "TooManyRequests", "Too many requests; see Retry-After"),
    (
        500,
        "InternalError",
        "An unexpected daemon failure (details in the server's log)",
    ),
    (
        503,
        "DaemonUnavailable",
        "The Docker daemon cannot be reached",
    ),
    (
        504,
        "DaemonTimeout",
        "The Docker daemon did not answer in time",
    ),
];

/// The response components of the error statuses: each the error envelope.
fn error_responses() -> Value {
    let responses: serde_json::Map<String, Value> = ERROR_STATUSES
        .iter()
        .map(|(_, name, when)| {
            (
                (*name).to_string(),
                json!({
                    "description": when,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
                }),
            )
        })
        .collect();
    Value::Object(responses)
}

/// The OpenAPI document of `routes`.
pub fn document(routes: &[ApiRoute]) -> Value {
    let mut schemas = Schemas::new();
    let mut paths: BTreeMap<String, serde_json::Map<String, Value>> = BTreeMap::new();
    let mut tags: Vec<String> = Vec::new();
    for route in routes {
        let tag = route.group().to_string();
        if !tags.contains(&tag) {
            tags.push(tag.clone());
        }
        let operation = operation(route, &tag, &mut schemas);
        paths
            .entry(route.shown_path().to_string())
            .or_default()
            .insert(route.method.as_str().to_ascii_lowercase(), operation);
    }
    schemas.insert("ErrorEnvelope".into(), error_envelope_schema());
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Berth",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Berth's REST API: the Docker Management API document's routes plus live \
                streams, exec, access control and operations. Every answer is JSON in one envelope: \
                `{\"success\": true, \"<key>\": ...}` on success, `{\"success\": false, \"error\": \
                \"...\", \"data\": null}` on failure. Paths are relative to the server's address.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "tags": tags.iter().map(|tag| json!({"name": tag})).collect::<Vec<_>>(),
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": error_responses(),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token (`berth token create`)",
                },
                "apiKey": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-API-Key",
                    "description": "An API token, as the document's clients send it",
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": SESSION_COOKIE,
                    "description": "The console's session (POST /api/auth/login); state-changing \
                        requests also need the X-CSRF-Token header",
                },
            },
        },
        "security": [{"bearer": []}, {"apiKey": []}, {"session": []}],
    })
}

fn error_envelope_schema() -> Value {
    json!({
        "type": "object",
        "description": "Every failure: one sentence naming the object and the reason.",
        "required": ["success", "error", "data"],
        "properties": {
            "success": {"type": "boolean", "const": false},
            "error": {"type": "string", "examples": ["Container 'web' not found"]},
            "data": {"type": "null"},
        },
    })
}

/// The operation id: the method and the path's words, e.g. `post_containers_id_start`.
fn operation_id(route: &ApiRoute) -> String {
    let words: Vec<&str> = route
        .shown_path()
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|word| !word.is_empty() && *word != "api")
        .collect();
    format!(
        "{}_{}",
        route.method.as_str().to_ascii_lowercase(),
        words.join("_")
    )
}

/// The names of the path's `{parameters}`.
pub fn path_parameters(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

fn path_parameter_description(name: &str) -> &'static str {
    match name {
        "id" => "The object's id, an unambiguous id prefix, or its name",
        "image_id" => {
            "The image's id, id prefix, or reference (`repo:tag`; a `/` in it may be sent as `%2F`)"
        }
        "name" => "The object's name",
        _ => "An identifier",
    }
}

fn operation(route: &ApiRoute, tag: &str, schemas: &mut Schemas) -> Value {
    let mut parameters: Vec<Value> = path_parameters(route.shown_path())
        .into_iter()
        .map(|name| {
            json!({
                "name": name,
                "in": "path",
                "required": true,
                "description": path_parameter_description(name),
                "schema": {"type": "string", "minLength": 1},
            })
        })
        .collect();
    if let Some(query) = route.doc.query {
        parameters.extend(query().iter().map(to_json));
    }
    let mut operation = serde_json::Map::new();
    operation.insert("tags".into(), json!([tag]));
    operation.insert("summary".into(), json!(route.description));
    operation.insert("description".into(), json!(access_sentence(route)));
    operation.insert("operationId".into(), json!(operation_id(route)));
    if !parameters.is_empty() {
        operation.insert("parameters".into(), Value::Array(parameters));
    }
    let mut content = serde_json::Map::new();
    if let Some(body) = route.doc.body {
        content.insert(body.media.into(), json!({"schema": (body.schema)(schemas)}));
    }
    if let Some(media) = route.doc.binary_body {
        // The server takes a tar archive as any of these media types.
        for media in [media, "application/octet-stream"] {
            content.insert(
                media.into(),
                json!({"schema": {"type": "string", "contentMediaType": "application/x-tar"}}),
            );
        }
    }
    if !content.is_empty() {
        let required =
            route.doc.binary_body.is_some() || route.doc.body.is_some_and(|b| b.required);
        operation.insert(
            "requestBody".into(),
            json!({"required": required, "content": content}),
        );
    }
    let mut responses = serde_json::Map::new();
    let (status, success) = success_response(route, schemas);
    responses.insert(status.to_string(), success);
    for (status, name, _) in ERROR_STATUSES {
        if status == 413 && route.doc.body.is_none() && route.doc.binary_body.is_none() {
            continue;
        }
        responses.insert(
            status.to_string(),
            json!({"$ref": format!("#/components/responses/{name}")}),
        );
    }
    operation.insert("responses".into(), Value::Object(responses));
    if route.access.role.is_none() {
        operation.insert("security".into(), json!([{}]));
    }
    Value::Object(operation)
}

fn access_sentence(route: &ApiRoute) -> String {
    match route.access.role {
        None => "Public: no credentials needed.".to_string(),
        Some(role) => format!(
            "Needs the role `{}` or above (a token's `--allow` verb: `{}`).",
            role.as_str(),
            route.access.verb
        ),
    }
}

fn success_response(route: &ApiRoute, schemas: &mut Schemas) -> (u16, Value) {
    let (status, description, media, schema) = match route.doc.answer {
        Some(Answer::Payload {
            status,
            key,
            schema,
        }) => (
            status,
            "The envelope with the payload",
            "application/json",
            Some(envelope(key, schema(schemas), false)),
        ),
        Some(Answer::List { key, item }) => (
            200,
            "The envelope with the list and its count",
            "application/json",
            Some(envelope(
                key,
                json!({"type": "array", "items": item(schemas)}),
                true,
            )),
        ),
        Some(Answer::Raw {
            status,
            media,
            description,
            schema,
        }) => (
            status,
            description,
            media,
            schema.map(|schema| schema(schemas)),
        ),
        None => (200, "Success", "application/json", None),
    };
    let mut content = serde_json::Map::new();
    content.insert(
        media.into(),
        match schema {
            Some(schema) => json!({"schema": schema}),
            None => json!({}),
        },
    );
    let mut description = description.to_string();
    for alternative in &route.doc.alternatives {
        let schema = match alternative.schema {
            Some(data) if alternative.media == "text/event-stream" => sse_event(data(schemas)),
            Some(schema) => schema(schemas),
            None => json!({"type": "string"}),
        };
        content.insert(alternative.media.into(), json!({"schema": schema}));
        description.push_str(&format!(
            "; `{}` {}",
            alternative.media, alternative.description
        ));
    }
    (
        status,
        json!({"description": description, "content": content}),
    )
}

/// The success envelope around a payload.
fn envelope(key: &str, payload: Value, counted: bool) -> Value {
    let mut properties = serde_json::Map::new();
    properties.insert("success".into(), json!({"type": "boolean", "const": true}));
    properties.insert(key.into(), payload);
    let mut required = vec![json!("success"), json!(key)];
    if counted {
        properties.insert("count".into(), json!({"type": "integer", "minimum": 0}));
        required.push(json!("count"));
    }
    json!({"type": "object", "required": required, "properties": properties})
}

/// The document of Berth's route table, encoded once.
pub fn served_document() -> &'static Bytes {
    static DOCUMENT: OnceLock<Bytes> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let document = document(&api_routes());
        Bytes::from(serde_json::to_vec(&document).unwrap_or_default())
    })
}

/// `GET /api/openapi.json`.
pub async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        served_document().clone(),
    )
        .into_response()
}

/// The routes that serve the document and the docs page.
pub fn routes() -> Vec<ApiRoute> {
    use crate::auth::access::Access;
    vec![
        ApiRoute::new(
            Method::GET,
            "/api/openapi.json",
            "The OpenAPI 3.1 document of this API",
            axum::routing::get(openapi_json),
        )
        .requires(Access::viewer("list", "read the API documentation"))
        .answers_raw(
            200,
            "application/json",
            "The OpenAPI document",
            Some(any_object),
        ),
        ApiRoute::new(
            Method::GET,
            "/api/docs",
            "The API's documentation as a web page",
            axum::routing::get(super::docs::docs_page),
        )
        .requires(Access::viewer("list", "read the API documentation"))
        .answers_raw(200, "text/html", "The documentation page", None),
    ]
}

/// `/api/commands`' payload: route lines grouped by resource.
pub fn command_groups(_: &mut Schemas) -> Value {
    json!({
        "type": "object",
        "description": "Resource → `\"METHOD /path - description\"` lines",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    })
}

/// `/health`'s body (not the envelope: the document's clients read `status`).
pub fn health_schema(_: &mut Schemas) -> Value {
    json!({
        "type": "object",
        "required": ["status", "success"],
        "properties": {
            "status": {"type": "string", "enum": ["healthy", "unhealthy"]},
            "success": {"type": "boolean"},
            "timestamp": {"type": "string", "description": "RFC 3339 UTC"},
            "error": {"type": "string"},
        },
    })
}

/// `POST /api/auth/login`'s payload: who signed in and the CSRF token for state-changing requests.
pub fn login_result(schemas: &mut Schemas) -> Value {
    json!({
        "type": "object",
        "required": ["user", "role", "csrf_token"],
        "properties": {
            "user": {"type": "string"},
            "role": component::<app::model::auth::Role>(schemas),
            "csrf_token": {"type": "string", "description": "Send it as X-CSRF-Token with the cookie"},
        },
    })
}

/// `POST /api/tokens`' payload: the token's view and, this once, its secret.
pub fn new_token(schemas: &mut Schemas) -> Value {
    json!({
        "allOf": [
            component::<app::model::auth::TokenView>(schemas),
            {
                "type": "object",
                "required": ["secret"],
                "properties": {"secret": {"type": "string", "description": "Shown only now"}},
            },
        ],
    })
}

/// One server-sent event whose `data` line holds JSON of the schema `data`.
pub fn sse_event(data: Value) -> Value {
    json!({
        "type": "object",
        "required": ["data"],
        "properties": {
            "event": {"type": "string"},
            "id": {"type": "string"},
            "retry": {"type": "integer"},
            "data": {
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": data,
            },
        },
    })
}

/// A stream's `event: error` data: `{"error": "...", "status": 404}`.
fn stream_error(_: &mut Schemas) -> Value {
    json!({
        "type": "object",
        "required": ["error", "status"],
        "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
    })
}

/// The data of a pull's events: progress, then the result or an error.
pub fn pull_events(schemas: &mut Schemas) -> Value {
    json!({"anyOf": [
        component::<app::model::live::PullProgress>(schemas),
        component::<app::model::images::PullResult>(schemas),
        stream_error(schemas),
    ]})
}

/// The data of a push's events: progress (the same messages as a pull's), then the result or an error.
pub fn push_events(schemas: &mut Schemas) -> Value {
    json!({"anyOf": [
        component::<app::model::live::PullProgress>(schemas),
        component::<app::model::images::PushResult>(schemas),
        stream_error(schemas),
    ]})
}

/// The data of a build's events: output lines, then the result or an error.
pub fn build_events(schemas: &mut Schemas) -> Value {
    json!({"anyOf": [
        component::<app::model::live::BuildProgress>(schemas),
        component::<app::model::images::BuildResult>(schemas),
        stream_error(schemas),
    ]})
}

/// The data of a container stream's events: samples or lines, or the error that ended it.
pub fn container_events<T: ToSchema>(schemas: &mut Schemas) -> Value {
    json!({"anyOf": [component::<T>(schemas), stream_error(schemas)]})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_in_the_table_states_its_success_answer() {
        for route in api_routes() {
            assert!(
                route.doc.answer.is_some(),
                "{} {} states no answer",
                route.method,
                route.shown_path()
            );
        }
    }

    #[test]
    fn operation_ids_are_the_method_and_the_path_words() {
        let route = api_routes()
            .into_iter()
            .find(|route| route.shown_path() == "/api/containers/{id}/start")
            .expect("the start route");
        assert_eq!(operation_id(&route), "post_containers_id_start");
        assert_eq!(path_parameters("/api/networks/{id}/connect"), ["id"]);
    }
}
