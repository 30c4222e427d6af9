//! The OpenAPI document as served and committed (`docs/openapi.json`).
//!
//! utoipa writes what each handler declares (its body, its success, the
//! answers particular to it); this module adds what every route of a kind
//! shares, from the same facts the server acts on, so no route can forget
//! one: public routes say `security: []`; a route behind a root key can
//! answer 401 (with `WWW-Authenticate: Bearer`), 403, 429 (failed
//! authentications from one address), 503 and 507 (the store); a route with
//! a JSON body 400, 413, 415 and 422; a route with an id in its path 400
//! and 404; a route with query parameters 422. GitHub's report route is
//! public (its signature authenticates it) but refuses like an
//! authenticated one: 429 past the failure budget, 507 when its
//! revocations cannot be written. Forward-auth is listed under every method
//! it answers.

use serde_json::{Map, Value, json};
use utoipa::OpenApi;

use super::ApiDoc;

/// The document as committed (`docs/openapi.json`, `keywarden openapi`):
/// pretty JSON whose strings write the characters names refuse (the
/// invisible ones `patterns::CLEAN_TEXT` spells as themselves) as `\u`
/// escapes, so the file shows all it holds.
pub fn document_text() -> String {
    let pretty = serde_json::to_string_pretty(&document()).unwrap_or_default();
    let mut text = String::with_capacity(pretty.len() + 1);
    for c in pretty.chars() {
        if c.is_ascii() || keywarden_core::names::is_clean_text(c.encode_utf8(&mut [0; 4])) {
            text.push(c);
        } else {
            // JSON has nothing but ASCII outside its strings, so `c` is in
            // one, where an escape means the same character.
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                text.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    text.push('\n');
    text
}

/// Methods forward-auth answers besides GET (proxies forward the original
/// request's method).
pub const FORWARD_AUTH_METHODS: [&str; 6] = ["head", "post", "put", "patch", "delete", "options"];

/// The complete document.
pub fn document() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|_| json!({}));
    doc["servers"] = json!([{
        "url": "http://127.0.0.1:8080",
        "description": "`keywarden serve` on its default address; use your deployment's URL"
    }]);
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        components.insert("responses".into(), shared_responses());
        if let Some(schemas) = components.get_mut("schemas") {
            refine_schemas(schemas);
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for op in item.values_mut() {
                complete_operation(path, op);
            }
            // Roll and revoke take an empty body as "the defaults".
            if matches!(
                path.as_str(),
                "/v1/keys/{id}/roll"
                    | "/v1/keys/{id}/revoke"
                    | "/portal/api/keys"
                    | "/portal/api/keys/{id}/roll"
            ) {
                item["post"]["requestBody"]["required"] = json!(false);
            }
            if path == "/v1/forward-auth" || path == "/v1/forward-auth/{path}" {
                add_forward_auth_methods(item);
            }
        }
    }
    doc
}

/// What every operation of a kind can answer.
fn complete_operation(path: &str, op: &mut Value) {
    let Some(op) = op.as_object_mut() else {
        return;
    };
    let authenticated = op
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    if !authenticated {
        op.insert("security".into(), json!([]));
    }
    // A parameter left out is absent, never `null`: a query or a header
    // has no null (utoipa writes `Option<T>` as "T or null").
    if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
        for param in params.iter_mut() {
            if let Some(schema) = param.get_mut("schema") {
                drop_null(schema);
            }
        }
    }
    let params: Vec<Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let in_path = params.iter().any(|p| p["in"] == "path");
    let in_query = params.iter().any(|p| p["in"] == "query");
    let has_body = op.contains_key("requestBody");
    let system = matches!(path, "/healthz" | "/readyz" | "/metrics");

    let mut shared: Vec<(&str, &str)> = Vec::new();
    if authenticated {
        shared.extend([
            ("401", "Unauthorized"),
            ("403", "Forbidden"),
            ("429", "TooManyRequests"),
            ("507", "StorageFull"),
        ]);
    }
    if path == "/v1/leaks/github" {
        shared.extend([("429", "TooManyRequests"), ("507", "StorageFull")]);
    }
    if has_body {
        shared.extend([
            ("400", "BadRequest"),
            ("413", "PayloadTooLarge"),
            ("415", "UnsupportedMediaType"),
            ("422", "Unprocessable"),
        ]);
    }
    if in_path {
        shared.extend([("400", "BadRequest"), ("404", "NotFound")]);
    }
    if in_query {
        shared.push(("422", "Unprocessable"));
    }
    if !system {
        shared.push(("503", "StoreUnavailable"));
    }
    let responses = op
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut();
    let Some(responses) = responses else {
        return;
    };
    for (status, name) in shared {
        // A route's own description of a status (409 and its codes, a
        // verdict's 401) is kept; the shared one fills what is missing and
        // replaces the generic error bodies utoipa wrote.
        let generic = responses
            .get(status)
            .is_none_or(|r| r.get("description").and_then(Value::as_str) == Some(""));
        if generic {
            responses.insert(
                status.into(),
                json!({ "$ref": format!("#/components/responses/{name}") }),
            );
        }
    }
    sort_keys(responses);
}

/// `T or null` becomes `T`.
fn drop_null(schema: &mut Value) {
    if let Some(types) = schema.get_mut("type").and_then(Value::as_array_mut) {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types[0].clone();
            schema["type"] = only;
        }
    }
    let one_of = schema
        .get("oneOf")
        .and_then(Value::as_array)
        .map(|alternatives| {
            alternatives
                .iter()
                .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
                .cloned()
                .collect::<Vec<_>>()
        });
    if let Some(mut rest) = one_of
        && rest.len() == 1
        && let Some(map) = schema.as_object_mut()
    {
        map.remove("oneOf");
        if let Some(only) = rest.pop().and_then(|v| v.as_object().cloned()) {
            map.extend(only);
        }
    }
}

/// Rules across fields, which the derive cannot say.
fn refine_schemas(schemas: &mut Value) {
    // Metadata's keys are clean text at every depth
    // (`keys::validate::check_metadata`): a recursive schema says so.
    schemas["MetadataKey"] = json!({
        "description": "A key of a metadata object: no control or invisible formatting characters.",
        "type": "string",
        "pattern": keywarden_proto::patterns::CLEAN_TEXT
    });
    let metadata_key = json!({ "$ref": "#/components/schemas/MetadataKey" });
    let metadata_value = json!({ "$ref": "#/components/schemas/MetadataValue" });
    // Any JSON value; an object's keys are metadata keys and its values
    // metadata values, an array's items too. Said with `if`/`then`/`else`,
    // which generated clients pass over: a schema with `additionalProperties`
    // or `items` of its own would be typed an object or an array by them,
    // and a union of the JSON types is more than the Python generator reads.
    schemas["MetadataValue"] = json!({
        "description": "A value in metadata: any JSON value; the keys of its objects, at every depth, are `MetadataKey`s.",
        "propertyNames": metadata_key,
        "if": { "type": "object" },
        "then": { "additionalProperties": metadata_value },
        "else": { "items": metadata_value }
    });
    for name in ["CreateKeyRequest", "PatchKeyRequest"] {
        let schema = &mut schemas[name];
        // `expires_at` or `expires_in`, not both (`INVALID_EXPIRY`); and
        // `usage_limit` or `credits`, not both (`INVALID_CREDITS`). A
        // `null` beside a value is no second value: PATCH reads the value.
        schema["not"] = json!({ "anyOf": [
            {
                "required": ["expires_at", "expires_in"],
                "properties": {
                    "expires_at": { "type": "string" },
                    "expires_in": { "type": "string" }
                }
            },
            {
                "required": ["usage_limit", "credits"],
                "properties": {
                    "usage_limit": { "type": "integer" },
                    "credits": { "type": "object" }
                }
            }
        ] });
        let metadata = &mut schema["properties"]["metadata"];
        metadata["propertyNames"] = metadata_key.clone();
        metadata["additionalProperties"] = metadata_value.clone();
    }
    // A change must change something (`EMPTY_PATCH`).
    schemas["PatchKeyRequest"]["minProperties"] = json!(1);
    schemas["PatchSpaceRequest"]["minProperties"] = json!(1);
    // An import reads each row alone: any JSON value is taken, and a row
    // that is no `ImportKeyRow` is reported in `errors`, not refused with
    // the request (the other rows are imported).
    schemas["ImportRequest"]["properties"]["keys"]["items"] = json!({
        "description": "A key to import, as an `ImportKeyRow`: a row that is not one is reported in the answer's `errors` (with its index) and skipped."
    });
    // A bulk revoke says it means it (`CONFIRMATION_REQUIRED`), and names
    // an owner, an environment or a space (`FILTER_REQUIRED`): "not (each of them
    // absent or null)". A `not`, where an `anyOf` of the two would make
    // the request two types in every generated client.
    let bulk = &mut schemas["BulkRevokeRequest"];
    bulk["properties"]["confirm"] = json!({
        "description": "Must be `true`: a bulk revoke cannot be undone.",
        "type": "boolean",
        "const": true
    });
    bulk["required"] = json!(["confirm"]);
    bulk["not"] = json!({
        "description": "An owner, an environment or a space is required (`FILTER_REQUIRED`).",
        "properties": {
            "owner": { "type": "null" },
            "environment": { "type": "null" },
            "space": { "type": "null" }
        }
    });
}

/// Forward-auth under every method it answers, each its own operation.
fn add_forward_auth_methods(item: &mut Map<String, Value>) {
    let Some(get) = item.get("get").cloned() else {
        return;
    };
    for method in FORWARD_AUTH_METHODS {
        let mut op = get.clone();
        let base = get["operationId"].as_str().unwrap_or("forward_auth");
        op["operationId"] = json!(format!("{base}_{method}"));
        op["summary"] = json!(format!(
            "Forward-auth, for a proxied {} request",
            method.to_uppercase()
        ));
        if method == "head" {
            // A HEAD answer has no body: the headers say it all.
            if let Some(responses) = op["responses"].as_object_mut() {
                for response in responses.values_mut() {
                    if let Some(r) = response.as_object_mut() {
                        r.remove("content");
                    }
                }
            }
        }
        item.insert(method.into(), op);
    }
}

fn sort_keys(map: &mut Map<String, Value>) {
    let mut entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    map.extend(entries);
}

/// `components.responses`: the shared error answers.
fn shared_responses() -> Value {
    let error = |description: &str, codes: &[&str]| {
        json!({
            "description": format!("{description} Codes: {}.", codes.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")),
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } }
        })
    };
    let retry_after = json!({
        "description": "Seconds to wait before trying again.",
        "schema": { "type": "integer", "minimum": 0 }
    });
    let with_headers = |mut response: Value, headers: Value| {
        response["headers"] = headers;
        response
    };
    json!({
        "BadRequest": error(
            "The request could not be read: malformed JSON, or a path that does not decode.",
            &["MALFORMED_JSON", "INVALID_PATH", "BAD_REQUEST"],
        ),
        "Unauthorized": with_headers(
            error("No root key, or not a valid one.", &["UNAUTHORIZED"]),
            json!({ "WWW-Authenticate": {
                "description": "The scheme to authenticate with: `Bearer`.",
                "schema": { "type": "string" }
            } }),
        ),
        "Forbidden": error("The root key lacks the permission this route needs.", &["FORBIDDEN"]),
        "NotFound": error("No such key (or it is not recoverable).", &["NOT_FOUND", "NOT_RECOVERABLE"]),
        "PayloadTooLarge": error("The body is larger than the server takes (`max_body_bytes`).", &["PAYLOAD_TOO_LARGE"]),
        "UnsupportedMediaType": error("The body is not sent as `application/json`.", &["UNSUPPORTED_MEDIA_TYPE"]),
        "Unprocessable": error(
            "Well-formed, but refused: a field or query parameter out of its bounds, or a change that does not apply.",
            &["INVALID_REQUEST", "INVALID_QUERY", "INVALID_NAME", "INVALID_SCOPES", "INVALID_ENVIRONMENT", "INVALID_EXPIRY", "EXPIRY_IN_PAST", "LIFETIME_TOO_LONG", "INVALID_CIDR", "INVALID_RATE_LIMIT", "INVALID_USAGE_LIMIT", "INVALID_CREDITS", "INVALID_COST", "INVALID_METADATA", "INVALID_GRACE_PERIOD", "GRACE_PERIOD_TOO_LONG", "INVALID_REASON", "INVALID_CLIENT_IP", "RESERVED_ENVIRONMENT", "EMPTY_PATCH", "CONFIRMATION_REQUIRED", "FILTER_REQUIRED", "TOO_MANY_KEYS"],
        ),
        "TooManyRequests": with_headers(
            error("Too many failed authentications from this address (or too many requests).", &["RATE_LIMITED"]),
            json!({ "Retry-After": retry_after }),
        ),
        "StoreUnavailable": with_headers(
            error("The key store cannot be reached now; nothing was changed.", &["STORE_UNAVAILABLE"]),
            json!({ "Retry-After": retry_after }),
        ),
        "StorageFull": with_headers(
            error("The key store's disk is full; nothing was changed.", &["STORAGE_FULL"]),
            json!({ "Retry-After": retry_after }),
        ),
    })
}
