//! `GET /api/docs`: the API's documentation as one self-contained HTML page (no script, no CDN),
//! rendered once from the OpenAPI document: routes grouped by tag with their parameters, bodies,
//! answers and an example curl line, then the schemas.

use std::fmt::Write;
use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::openapi::served_document;

/// `GET /api/docs`.
pub async fn docs_page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        served_page(),
    )
        .into_response()
}

/// The page, rendered once.
pub fn served_page() -> &'static str {
    static PAGE: OnceLock<String> = OnceLock::new();
    PAGE.get_or_init(|| {
        let document: Value = serde_json::from_slice(served_document()).unwrap_or(Value::Null);
        render(&document)
    })
}

const STYLE: &str = "
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fafbfc}
header{background:#0b3d5c;color:#fff;padding:1rem 2rem}header h1{margin:0;font-size:1.5rem}
main{display:grid;grid-template-columns:19rem minmax(0,1fr);gap:2rem;padding:1rem 2rem}
nav{position:sticky;top:1rem;align-self:start;max-height:95vh;overflow:auto;font-size:.9rem}
nav ul{list-style:none;padding-left:.8rem;margin:.2rem 0}nav li li{font-size:.8rem;white-space:nowrap}nav a{color:#0b3d5c;text-decoration:none}
section.op{background:#fff;border:1px solid #d8dee4;border-radius:6px;padding:.6rem 1rem;margin:.8rem 0}
.method{display:inline-block;min-width:4.2rem;font-weight:700;font-family:monospace;border-radius:4px;
padding:0 .4rem;color:#fff;text-align:center}
.get{background:#1f7a3f}.post{background:#0b5cad}.delete{background:#b3261e}.put,.patch{background:#8a5a00}
code,pre{font-family:ui-monospace,monospace;font-size:.85rem}
pre{background:#f1f3f5;padding:.5rem;white-space:pre-wrap;overflow-wrap:anywhere}
table{border-collapse:collapse;margin:.3rem 0}td,th{border:1px solid #d8dee4;padding:.2rem .5rem;text-align:left;
vertical-align:top}th{background:#f1f3f5}.path{font-family:monospace;font-weight:600}
.muted{color:#57606a}h2{border-bottom:2px solid #0b3d5c;margin-top:2rem}";

/// Renders the page of an OpenAPI document.
pub fn render(document: &Value) -> String {
    let mut page = String::with_capacity(256 * 1024);
    let title = text(&document["info"]["title"]);
    let _ = write!(
        page,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} API documentation</title><style>{STYLE}</style></head><body>\
         <header><h1>{title} API <small>{version}</small></h1></header><main><nav aria-label=\"Routes\">\
         <strong>Routes</strong>",
        title = escape(&title),
        version = escape(&text(&document["info"]["version"])),
    );
    let groups = operations_by_tag(document);
    page.push_str("<ul>");
    for (tag, operations) in &groups {
        let _ = write!(
            page,
            "<li><a href=\"#tag-{id}\">{tag}</a><ul>",
            id = anchor(tag),
            tag = escape(tag)
        );
        for (method, path, operation) in operations {
            let _ = write!(
                page,
                "<li><a href=\"#{id}\">{method} {path}</a></li>",
                id = anchor(&text(&operation["operationId"])),
                method = method.to_ascii_uppercase(),
                path = escape(path)
            );
        }
        page.push_str("</ul></li>");
    }
    page.push_str("<li><a href=\"#schemas\">Schemas</a></li></ul></nav><div>");
    let _ = write!(
        page,
        "<p>{description}</p><p>The machine-readable document: <a href=\"/api/openapi.json\">\
         <code>/api/openapi.json</code></a> (OpenAPI 3.1). Credentials: <code>Authorization: Bearer \
         &lt;token&gt;</code>, <code>X-API-Key: &lt;token&gt;</code>, or the console's session cookie.</p>",
        description = prose(&text(&document["info"]["description"]))
    );
    for (tag, operations) in &groups {
        let _ = write!(
            page,
            "<h2 id=\"tag-{id}\">{tag}</h2>",
            id = anchor(tag),
            tag = escape(tag)
        );
        for (method, path, operation) in operations {
            render_operation(&mut page, document, method, path, operation);
        }
    }
    render_schemas(&mut page, document);
    page.push_str("</div></main></body></html>");
    page
}

type Operation<'a> = (&'a str, &'a str, &'a Value);

fn operations_by_tag(document: &Value) -> Vec<(String, Vec<Operation<'_>>)> {
    let mut groups: Vec<(String, Vec<Operation<'_>>)> = document["tags"]
        .as_array()
        .map(|tags| {
            tags.iter()
                .map(|tag| (text(&tag["name"]), Vec::new()))
                .collect()
        })
        .unwrap_or_default();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let tag = text(&operation["tags"][0]);
            match groups.iter_mut().find(|(name, _)| *name == tag) {
                Some((_, operations)) => operations.push((method, path, operation)),
                None => groups.push((tag, vec![(method, path, operation)])),
            }
        }
    }
    groups
}

fn render_operation(page: &mut String, document: &Value, method: &str, path: &str, op: &Value) {
    let _ = write!(
        page,
        "<section class=\"op\" id=\"{id}\"><h3><span class=\"method {method}\">{upper}</span> \
         <span class=\"path\">{path}</span></h3><p>{summary}</p><p class=\"muted\">{access}</p>",
        id = anchor(&text(&op["operationId"])),
        upper = method.to_ascii_uppercase(),
        path = escape(path),
        summary = prose(&text(&op["summary"])),
        access = prose(&text(&op["description"])),
    );
    if let Some(parameters) = op["parameters"].as_array() {
        page.push_str(
            "<table><tr><th>parameter</th><th>in</th><th>type</th><th>required</th>\
             <th>description</th></tr>",
        );
        for parameter in parameters {
            let _ = write!(
                page,
                "<tr><td><code>{name}</code></td><td>{location}</td><td>{kind}</td><td>{required}</td>\
                 <td>{description}</td></tr>",
                name = escape(&text(&parameter["name"])),
                location = escape(&text(&parameter["in"])),
                kind = type_html(&parameter["schema"]),
                required = if parameter["required"] == Value::Bool(true) {
                    "yes"
                } else {
                    "no"
                },
                description = prose(&text(&parameter["description"])),
            );
        }
        page.push_str("</table>");
    }
    let body = op["requestBody"]["content"]
        .as_object()
        .and_then(|content| content.iter().next());
    if let Some((media, content)) = body {
        let _ = write!(
            page,
            "<p>Body ({media}{optional}): {kind}</p>",
            media = escape(media),
            optional = if op["requestBody"]["required"] == Value::Bool(true) {
                ""
            } else {
                ", optional"
            },
            kind = type_html(&content["schema"]),
        );
    }
    if let Some(responses) = op["responses"].as_object() {
        for (status, response) in responses
            .iter()
            .filter(|(status, _)| status.starts_with('2'))
        {
            let _ = write!(
                page,
                "<p>Answers <strong>{status}</strong>: {description}</p>",
                status = escape(status),
                description = prose(&text(&response["description"]))
            );
            if let Some(schema) = response["content"]["application/json"]["schema"].as_object() {
                render_properties(page, &Value::Object(schema.clone()));
            }
        }
        let errors: Vec<&str> = responses
            .keys()
            .filter(|status| !status.starts_with('2'))
            .map(String::as_str)
            .collect();
        let _ = write!(
            page,
            "<p class=\"muted\">Errors ({}) answer the <a href=\"#schema-ErrorEnvelope\">error \
             envelope</a>.</p>",
            errors.join(", ")
        );
    }
    let _ = write!(
        page,
        "<pre>{}</pre></section>",
        escape(&curl_line(document, method, path, op))
    );
}

fn curl_line(document: &Value, method: &str, path: &str, op: &Value) -> String {
    let mut line = String::from("curl");
    if method != "get" {
        let _ = write!(line, " -X {}", method.to_ascii_uppercase());
    }
    if op.get("security").is_none() {
        line.push_str(" -H \"Authorization: Bearer $BERTH_TOKEN\"");
    }
    let json_body = &op["requestBody"]["content"]["application/json"]["schema"];
    if !json_body.is_null() {
        let example = example_value(document, json_body, 0);
        let _ = write!(
            line,
            " -H 'Content-Type: application/json' -d '{}'",
            serde_json::to_string(&example).unwrap_or_default()
        );
    } else if let Some(media) = op["requestBody"]["content"]
        .as_object()
        .and_then(|content| content.keys().next())
    {
        let _ = write!(
            line,
            " -H 'Content-Type: {media}' --data-binary @context.tar"
        );
    }
    let _ = write!(line, " 'http://localhost:5000{path}'");
    line
}

/// A small example of a schema: the required properties with placeholder values.
fn example_value(document: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(document, schema);
    if depth > 3 {
        return Value::Null;
    }
    if let Some(example) = schema["examples"].as_array().and_then(|e| e.first()) {
        return example.clone();
    }
    match primary_type(schema).as_str() {
        "object" => {
            let mut object = Map::new();
            let required = schema["required"].as_array().cloned().unwrap_or_default();
            for name in required.iter().filter_map(Value::as_str) {
                let property = &schema["properties"][name];
                object.insert(name.into(), example_value(document, property, depth + 1));
            }
            Value::Object(object)
        }
        "array" => Value::Array(vec![example_value(document, &schema["items"], depth + 1)]),
        "integer" | "number" => Value::from(0),
        "boolean" => Value::Bool(false),
        "string" => match schema["enum"].as_array().and_then(|e| e.first()) {
            Some(first) => first.clone(),
            None => Value::String("...".into()),
        },
        _ => Value::Null,
    }
}

fn resolve<'a>(document: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => reference
            .strip_prefix("#/components/schemas/")
            .map(|name| &document["components"]["schemas"][name])
            .unwrap_or(schema),
        None => schema,
    }
}

fn primary_type(schema: &Value) -> String {
    match &schema["type"] {
        Value::String(kind) => kind.clone(),
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|kind| *kind != "null")
            .unwrap_or("null")
            .to_string(),
        _ => String::new(),
    }
}

/// A schema's type, as HTML with links to named schemas.
fn type_html(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("<a href=\"#schema-{}\">{}</a>", anchor(name), escape(name));
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema[combinator].as_array() {
            let joiner = if combinator == "allOf" {
                " &amp; "
            } else {
                " | "
            };
            return options
                .iter()
                .map(type_html)
                .collect::<Vec<_>>()
                .join(joiner);
        }
    }
    let kinds: Vec<String> = match &schema["type"] {
        Value::String(kind) => vec![kind.clone()],
        Value::Array(kinds) => kinds.iter().map(text).collect(),
        _ => vec!["any".into()],
    };
    let mut html = kinds
        .iter()
        .map(|kind| match kind.as_str() {
            "array" => format!("array of {}", type_html(&schema["items"])),
            "object" if schema["additionalProperties"].is_object() => {
                format!("map of {}", type_html(&schema["additionalProperties"]))
            }
            other => escape(other),
        })
        .collect::<Vec<_>>()
        .join(" | ");
    if let Some(values) = schema["enum"].as_array() {
        let values: Vec<String> = values.iter().map(|v| escape(&v.to_string())).collect();
        let _ = write!(html, " ({})", values.join(", "));
    }
    html
}

fn render_properties(page: &mut String, schema: &Value) {
    let Some(properties) = schema["properties"].as_object() else {
        return;
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    page.push_str(
        "<table><tr><th>field</th><th>type</th><th>required</th><th>description</th></tr>",
    );
    for (name, property) in properties {
        let _ = write!(
            page,
            "<tr><td><code>{name}</code></td><td>{kind}</td><td>{required}</td><td>{description}</td></tr>",
            name = escape(name),
            kind = type_html(property),
            required = if required.contains(&name.as_str()) {
                "yes"
            } else {
                "no"
            },
            description = prose(&text(&property["description"])),
        );
    }
    page.push_str("</table>");
}

fn render_schemas(page: &mut String, document: &Value) {
    page.push_str("<h2 id=\"schemas\">Schemas</h2>");
    let empty = Map::new();
    let schemas = document["components"]["schemas"]
        .as_object()
        .unwrap_or(&empty);
    for (name, schema) in schemas {
        let _ = write!(
            page,
            "<section class=\"op\" id=\"schema-{id}\"><h3>{name}</h3><p>{description}</p>",
            id = anchor(name),
            name = escape(name),
            description = prose(&text(&schema["description"]))
        );
        if schema["properties"].is_object() {
            render_properties(page, schema);
        } else {
            let _ = write!(page, "<p>{}</p>", type_html(schema));
        }
        page.push_str("</section>");
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn anchor(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// Escapes prose from the document and shows its `backquoted` words as code.
fn prose(text: &str) -> String {
    let escaped = escape(text);
    let mut html = String::with_capacity(escaped.len());
    for (index, part) in escaped.split('`').enumerate() {
        if index % 2 == 1 {
            let _ = write!(html, "<code>{part}</code>");
        } else {
            html.push_str(part);
        }
    }
    // an odd number of backquotes: keep the text as it was
    if escaped.matches('`').count() % 2 == 1 {
        return escaped;
    }
    html
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_the_document_is_escaped() {
        assert_eq!(
            escape("<a href='x'>&</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn backquoted_words_are_code() {
        assert_eq!(prose("use `all` <now>"), "use <code>all</code> &lt;now&gt;");
        assert_eq!(prose("one ` alone"), "one ` alone");
    }

    #[test]
    fn types_link_to_named_schemas_and_describe_lists_and_nulls() {
        let schema =
            serde_json::json!({"type": "array", "items": {"$ref": "#/components/schemas/Foo"}});
        assert_eq!(
            type_html(&schema),
            "array of <a href=\"#schema-Foo\">Foo</a>"
        );
        let schema = serde_json::json!({"type": ["string", "null"]});
        assert_eq!(type_html(&schema), "string | null");
    }
}
