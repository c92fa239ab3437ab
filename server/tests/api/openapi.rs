//! `GET /api/openapi.json` and `GET /api/docs`: the document describes every route `/api/commands`
//! lists, is valid OpenAPI 3.1 whose references all resolve, and the docs page is rendered from it.

use serde_json::Value;

use crate::helpers::TestApp;

/// Every `"$ref"` in `value`, with where it was found.
fn references<'a>(value: &'a Value, at: String, found: &mut Vec<(String, &'a str)>) {
    match value {
        Value::Object(object) => {
            for (key, item) in object {
                match (key.as_str(), item) {
                    ("$ref", Value::String(reference)) => found.push((at.clone(), reference)),
                    _ => references(item, format!("{at}/{key}"), found),
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                references(item, format!("{at}/{index}"), found);
            }
        }
        _ => {}
    }
}

/// The `(METHOD, path)` of each `/api/commands` line (`"METHOD /path - description"`).
fn command_routes(commands: &Value) -> Vec<(String, String)> {
    let groups = commands["commands"].as_object().expect("commands");
    groups
        .values()
        .flat_map(|lines| lines.as_array().expect("a group is a list").iter())
        .map(|line| {
            let line = line.as_str().expect("a command line");
            let (route, _) = line.split_once(" - ").expect("METHOD /path - description");
            let (method, path) = route.split_once(' ').expect("METHOD /path");
            (method.to_ascii_lowercase(), path.to_string())
        })
        .collect()
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_that_commands_lists_with_its_method() {
    let app = TestApp::spawn().await;
    let commands = app.get("/api/commands").await.expect(200);
    let reply = app.get("/api/openapi.json").await;
    assert!(reply.content_type.starts_with("application/json"));
    let spec = reply.expect(200);
    let routes = command_routes(&commands);
    assert_eq!(
        routes.len() as u64,
        commands["count"].as_u64().expect("count")
    );
    assert!(routes.len() > 60, "{} routes", routes.len());
    for (method, path) in &routes {
        let operation = &spec["paths"][path][method];
        assert!(
            operation.is_object(),
            "{method} {path} is missing from the document"
        );
        let success = operation["responses"]
            .as_object()
            .expect("responses")
            .keys()
            .any(|status| status.starts_with('2') || status == "101");
        assert!(success, "{method} {path} documents no success answer");
        assert_eq!(
            operation["responses"]["404"]["$ref"], "#/components/responses/NotFound",
            "{method} {path}"
        );
        for name in path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        {
            let declared = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| p["name"] == name && p["in"] == "path" && p["required"] == true);
            assert!(declared, "{method} {path} does not declare '{name}'");
        }
    }
    let documented: usize = spec["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| item.as_object().map_or(0, |item| item.len()))
        .sum();
    assert_eq!(
        documented,
        routes.len(),
        "the document has routes /api/commands does not list"
    );
}

#[tokio::test]
async fn the_openapi_document_is_valid_openapi_3_1_and_every_reference_resolves() {
    let app = TestApp::spawn().await;
    let reply = app.get("/api/openapi.json").await;
    let text = reply.text.clone();
    let document = reply.expect(200);
    let spec = oas3::from_json(&text).expect("the document parses as OpenAPI 3.1");
    spec.validate_version()
        .expect("a supported OpenAPI version");
    let mut operations = 0;
    let mut ids = std::collections::BTreeSet::new();
    for (path, method, operation) in spec.operations() {
        operations += 1;
        let id = operation.operation_id.clone().expect("an operation id");
        assert!(ids.insert(id.clone()), "operation id {id} is used twice");
        operation
            .parameters(&spec)
            .unwrap_or_else(|err| panic!("{method} {path}: parameters: {err}"));
        operation
            .request_body(&spec)
            .unwrap_or_else(|err| panic!("{method} {path}: body: {err}"));
        assert!(
            !operation.responses(&spec).is_empty(),
            "{method} {path}: responses resolve"
        );
    }
    assert!(operations > 60);
    let mut found = Vec::new();
    references(&document, String::new(), &mut found);
    assert!(!found.is_empty());
    for (at, reference) in found {
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{at}: external reference {reference}"));
        assert!(
            document.pointer(pointer).is_some(),
            "{at}: {reference} does not resolve"
        );
    }
    for name in document["components"]["schemas"]
        .as_object()
        .expect("schemas")
        .keys()
    {
        assert!(
            !["BTreeMap", "HashMap", "Vec", "Option", "Value", "String"].contains(&name.as_str()),
            "a schema is named after a container type: {name}"
        );
    }
    let envelope = &document["components"]["schemas"]["ErrorEnvelope"];
    assert_eq!(
        envelope["required"],
        serde_json::json!(["success", "error", "data"])
    );
    for scheme in ["bearer", "apiKey", "session"] {
        assert!(
            document["components"]["securitySchemes"][scheme].is_object(),
            "{scheme}"
        );
    }
    assert_eq!(
        document["components"]["securitySchemes"]["apiKey"]["name"],
        "X-API-Key"
    );
}

#[tokio::test]
async fn the_openapi_document_gives_parameters_bodies_and_payload_keys_their_types() {
    let app = TestApp::spawn().await;
    let spec = app.get("/api/openapi.json").await.expect(200);
    let list = &spec["paths"]["/api/containers"]["get"];
    let all = list["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "all")
        .expect("?all");
    assert_eq!(all["in"], "query");
    assert_eq!(all["schema"]["type"], "boolean", "{all}");
    let ok = &list["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(
        ok["required"],
        serde_json::json!(["success", "containers", "count"])
    );
    assert_eq!(
        ok["properties"]["containers"]["items"]["$ref"],
        "#/components/schemas/ContainerSummary"
    );
    let create = &spec["paths"]["/api/containers"]["post"];
    assert!(create["responses"]["201"].is_object());
    assert_eq!(
        create["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/CreateContainerRequest"
    );
    let body = &spec["components"]["schemas"]["CreateContainerRequest"];
    assert_eq!(
        body["properties"]["image"]["type"],
        serde_json::json!(["string", "null"]),
        "{body}"
    );
    assert_eq!(
        body["additionalProperties"], false,
        "unknown fields are a 400"
    );
    let logs = &spec["paths"]["/api/containers/{id}/logs"]["get"]["responses"]["200"]["content"];
    assert!(logs["text/event-stream"].is_object() && logs["text/plain"].is_object());
    let build = &spec["paths"]["/api/images/build"]["post"]["requestBody"]["content"];
    assert!(build["application/json"].is_object() && build["application/x-tar"].is_object());
    assert_eq!(
        spec["paths"]["/health"]["get"]["security"],
        serde_json::json!([{}])
    );
}

#[tokio::test]
async fn the_docs_page_is_self_contained_html_naming_every_route_with_a_curl_line() {
    let app = TestApp::spawn().await;
    let commands = app.get("/api/commands").await.expect(200);
    let reply = app.get("/api/docs").await;
    assert_eq!(reply.status, 200);
    assert!(
        reply.content_type.starts_with("text/html"),
        "{}",
        reply.content_type
    );
    let page = reply.text;
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(!page.contains("<script"), "the page needs no script");
    assert!(
        !page.contains("src=\"http") && !page.contains("href=\"http"),
        "nothing from a CDN"
    );
    for (method, path) in command_routes(&commands) {
        let path_html = path.replace('&', "&amp;");
        let heading = format!(
            "<span class=\"method {method}\">{}</span> <span class=\"path\">{path_html}</span>",
            method.to_ascii_uppercase()
        );
        assert!(
            page.contains(&heading),
            "{method} {path} is not on the page"
        );
    }
    assert!(page.contains("curl -X POST -H &quot;Authorization: Bearer $BERTH_TOKEN&quot;"));
    assert!(page.contains("id=\"schema-ContainerSummary\""));
    // a body's example becomes the curl line's data
    assert!(
        page.contains("-d &#39;{&quot;image&quot;:&quot;nginx:latest&quot;"),
        "create example"
    );
}
