"""The control API answers as docs/api/openapi.yaml says.

Every response these tests provoke is checked against the document: its status
must be one the document lists for that path and method, its content type the
one the document gives for that status, and its body must validate (JSON Schema
draft 2020-12) against the schema the document gives. Every documented operation
and response must be provoked by this module (see the last two tests), so an
operation the server grows without documentation, or a documented answer nothing
checks, fails the suite.
"""

import datetime
import hashlib
import grp
import json
import os
import pwd
import re
import socket
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker

from conftest import Daemon, world_readable_tmp

REPO = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO / "docs" / "api" / "openapi.yaml"
SPEC = yaml.safe_load(SPEC_PATH.read_text())

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON = "application/json"
PROBLEM = "application/problem+json"
BINARY = "application/octet-stream"
TEXT = "text/plain"  # GET /metrics: the Prometheus text exposition format
STREAM = "text/event-stream"  # GET /v1/events/stream: Server-Sent Events

# What this module provoked: (METHOD, documented path, status), and the answers
# given outside any operation ("405" for a documented path's other methods,
# "unknown-path" for a path the document does not have).
HITS = set()
OTHER_HITS = set()


# ---------------------------------------------------------------------------
# The document: $ref resolution and schema validation


def resolve_pointer(ref):
    assert ref.startswith("#/"), f"only local references are used, not {ref}"
    node = SPEC
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def inline(node, seen=()):
    """The node with every local $ref replaced by what it names. A $ref with
    sibling keywords (a property's description) becomes allOf [target, siblings],
    which is what $ref means in draft 2020-12."""
    if isinstance(node, dict):
        if "$ref" in node:
            ref = node["$ref"]
            assert ref not in seen, f"recursive $ref {ref}"
            target = inline(resolve_pointer(ref), seen + (ref,))
            rest = {k: inline(v, seen) for k, v in node.items() if k != "$ref"}
            return {"allOf": [target, rest]} if rest else target
        return {k: inline(v, seen) for k, v in node.items()}
    if isinstance(node, list):
        return [inline(v, seen) for v in node]
    return node


RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def is_date_time(value):
    # jsonschema only checks date-time with an optional package; check it ourselves.
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        raise ValueError(f"{value!r} is not an RFC 3339 date-time")
    datetime.datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
    return True


def validate(instance, schema, what):
    validator = Draft202012Validator(inline(schema), format_checker=FORMATS)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    assert not errors, f"{what}: body does not match the document:\n" + "\n".join(
        f"  at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors[:20]
    ) + f"\nbody: {json.dumps(instance)[:2000]}"


def check_response(reply, response, what):
    """Checks content type and body of a reply against a Response Object."""
    response = inline(response)
    content = response.get("content", {})
    assert reply.content_type in content, (
        f"{what}: content type {reply.content_type!r}, the document gives {sorted(content)}")
    if reply.content_type in (TEXT, STREAM):
        body = reply.body.decode()
        validate(body, content[reply.content_type]["schema"], what)
        return body
    if reply.content_type == BINARY:
        assert reply.headers.get("content-length") == str(len(reply.body)), f"{what}: Content-Length names the body's size"
        return reply.body
    try:
        body = reply.json()
    except ValueError as e:
        raise AssertionError(f"{what}: body is not JSON ({e}): {reply.body[:500]!r}")
    validate(body, content[reply.content_type]["schema"], what)
    if reply.content_type == PROBLEM:
        assert body["status"] == reply.status, f"{what}: problem says status {body['status']}, HTTP says {reply.status}"
    return body


def expect(reply, method, template, status):
    """Asserts the reply is a documented answer of operation METHOD template with
    this status, validates it, records the hit and returns its body."""
    what = f"{method} {template} -> {status}"
    assert template in SPEC["paths"], f"{what}: the document has no path {template}"
    assert method.lower() in SPEC["paths"][template], f"{what}: the document has no {method} on {template}"
    op = SPEC["paths"][template][method.lower()]
    assert str(status) in op["responses"], f"{what}: the document lists no {status} for this operation"
    assert reply.status == status, f"{what}: got {reply.status} {reply.body[:600]!r}"
    body = check_response(reply, op["responses"][str(status)], what)
    HITS.add((method.upper(), template, status))
    return body


def operations():
    for template, item in SPEC["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield method.upper(), template, item[method]


def concrete(template, ident=1):
    return template.replace("{id}", str(ident))


# ---------------------------------------------------------------------------
# The document itself

# openapi_spec_validator is not packaged for Debian's python3 here, so unless it
# is importable the document's structure is checked with jsonschema against this
# condensed form of the official OpenAPI 3.1 schema (spec.openapis.org/oas/3.1/
# schema): same objects, same fixed fields, no unknown members except x-*.
# Schema Objects are checked separately against the draft 2020-12 metaschema.


def _obj(properties, required=(), extensions=True, **more):
    s = {"type": "object", "properties": properties, "unevaluatedProperties": False, **more}
    if required:
        s["required"] = list(required)
    if extensions:
        s["patternProperties"] = {"^x-": True}
    return s


def _or_ref(name):
    return {"if": {"type": "object", "required": ["$ref"]}, "then": {"$ref": "#/$defs/reference"},
            "else": {"$ref": f"#/$defs/{name}"}}


def _map(of):
    return {"type": "object", "additionalProperties": of}


STR = {"type": "string"}
BOOL = {"type": "boolean"}
SCHEMA_OBJECT = {"type": ["object", "boolean"]}
OPENAPI_31_STRUCTURE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {
        "reference": _obj({"$ref": STR, "summary": STR, "description": STR}, ["$ref"], extensions=False),
        "info": _obj({"title": STR, "summary": STR, "description": STR, "termsOfService": STR,
                      "contact": {"type": "object"}, "license": {"type": "object"}, "version": STR},
                     ["title", "version"]),
        "server": _obj({"url": STR, "description": STR, "variables": {"type": "object"}}, ["url"]),
        "tag": _obj({"name": STR, "description": STR, "externalDocs": {"type": "object"}}, ["name"]),
        "paths": {"type": "object", "patternProperties": {"^/": {"$ref": "#/$defs/path-item"}, "^x-": True},
                  "unevaluatedProperties": False},
        "path-item": _obj({"summary": STR, "description": STR,
                           "servers": {"type": "array", "items": {"$ref": "#/$defs/server"}},
                           "parameters": {"type": "array", "items": {"$ref": "#/$defs/parameter-or-reference"}},
                           **{m: {"$ref": "#/$defs/operation"} for m in HTTP_METHODS}}),
        "operation": _obj({"tags": {"type": "array", "items": STR}, "summary": STR, "description": STR,
                           "externalDocs": {"type": "object"}, "operationId": STR,
                           "parameters": {"type": "array", "items": {"$ref": "#/$defs/parameter-or-reference"}},
                           "requestBody": {"$ref": "#/$defs/request-body-or-reference"},
                           "responses": {"$ref": "#/$defs/responses"}, "callbacks": {"type": "object"},
                           "deprecated": BOOL, "security": {"type": "array"},
                           "servers": {"type": "array", "items": {"$ref": "#/$defs/server"}}}),
        "parameter": _obj({"name": STR, "in": {"enum": ["query", "header", "path", "cookie"]}, "description": STR,
                           "required": BOOL, "deprecated": BOOL, "allowEmptyValue": BOOL, "schema": SCHEMA_OBJECT,
                           "content": {"$ref": "#/$defs/content"}, "style": STR, "explode": BOOL,
                           "allowReserved": BOOL, "example": True, "examples": {"type": "object"}},
                          ["name", "in"],
                          oneOf=[{"required": ["schema"]}, {"required": ["content"]}],
                          **{"if": {"properties": {"in": {"const": "path"}}},
                             "then": {"properties": {"required": {"const": True}}, "required": ["required"]}}),
        "parameter-or-reference": _or_ref("parameter"),
        "request-body": _obj({"description": STR, "content": {"$ref": "#/$defs/content"}, "required": BOOL}, ["content"]),
        "request-body-or-reference": _or_ref("request-body"),
        "content": {"type": "object", "additionalProperties": {"$ref": "#/$defs/media-type"},
                    "propertyNames": {"pattern": r"^[a-z*]+/[a-z0-9.+*-]+$"}},
        "media-type": _obj({"schema": SCHEMA_OBJECT, "example": True, "examples": {"type": "object"},
                            "encoding": {"type": "object"}}),
        "responses": {"type": "object", "minProperties": 1,
                      "properties": {"default": {"$ref": "#/$defs/response-or-reference"}},
                      "patternProperties": {"^[1-5](?:[0-9]{2}|XX)$": {"$ref": "#/$defs/response-or-reference"},
                                            "^x-": True},
                      "unevaluatedProperties": False},
        "response": _obj({"description": STR, "headers": _map({"$ref": "#/$defs/header-or-reference"}),
                          "content": {"$ref": "#/$defs/content"}, "links": {"type": "object"}}, ["description"]),
        "response-or-reference": _or_ref("response"),
        "header": _obj({"description": STR, "required": BOOL, "deprecated": BOOL, "schema": SCHEMA_OBJECT,
                        "content": {"$ref": "#/$defs/content"}, "style": {"const": "simple"}, "explode": BOOL,
                        "example": True, "examples": {"type": "object"}}),
        "header-or-reference": _or_ref("header"),
        "components": _obj({
            "schemas": _map(SCHEMA_OBJECT),
            "responses": _map({"$ref": "#/$defs/response-or-reference"}),
            "parameters": _map({"$ref": "#/$defs/parameter-or-reference"}),
            "examples": {"type": "object"},
            "requestBodies": _map({"$ref": "#/$defs/request-body-or-reference"}),
            "headers": _map({"$ref": "#/$defs/header-or-reference"}),
            "securitySchemes": {"type": "object"}, "links": {"type": "object"},
            "callbacks": {"type": "object"}, "pathItems": {"type": "object"}},
            patternProperties={"^x-": True, "^(schemas|responses|parameters|examples|requestBodies|headers|"
                                            "securitySchemes|links|callbacks|pathItems)$":
                               {"propertyNames": {"pattern": "^[a-zA-Z0-9._-]+$"}}}),
    },
    **_obj({"openapi": {"type": "string", "pattern": r"^3\.1\.\d+(-.+)?$"},
            "info": {"$ref": "#/$defs/info"}, "jsonSchemaDialect": STR,
            "servers": {"type": "array", "items": {"$ref": "#/$defs/server"}},
            "paths": {"$ref": "#/$defs/paths"}, "webhooks": {"type": "object"},
            "components": {"$ref": "#/$defs/components"}, "security": {"type": "array"},
            "tags": {"type": "array", "items": {"$ref": "#/$defs/tag"}}, "externalDocs": {"type": "object"}},
           ["openapi", "info"], anyOf=[{"required": ["paths"]}, {"required": ["components"]}, {"required": ["webhooks"]}]),
}


def all_refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield v
            else:
                yield from all_refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from all_refs(v)


def schema_objects():
    """Every Schema Object of the document, with where it is."""
    for name, schema in SPEC["components"]["schemas"].items():
        yield f"components/schemas/{name}", schema
    for name, p in SPEC["components"].get("parameters", {}).items():
        yield f"components/parameters/{name}", p["schema"]
    for name, h in SPEC["components"].get("headers", {}).items():
        yield f"components/headers/{name}", h["schema"]
    for name, r in SPEC["components"].get("responses", {}).items():
        for ct, media in r.get("content", {}).items():
            yield f"components/responses/{name} {ct}", media["schema"]
    for method, template, op in operations():
        for status, r in op["responses"].items():
            for ct, media in r.get("content", {}).items():
                yield f"{method} {template} {status} {ct}", media["schema"]
        for ct, media in op.get("requestBody", {}).get("content", {}).items():
            yield f"{method} {template} request {ct}", media["schema"]


def test_document_is_valid_openapi_3_1():
    try:
        import openapi_spec_validator as osv
    except ImportError:
        osv = None
    if osv is not None:
        (getattr(osv, "validate", None) or osv.validate_spec)(SPEC)
    assert SPEC["openapi"].startswith("3.1."), "the document must be OpenAPI 3.1"
    structure = Draft202012Validator(OPENAPI_31_STRUCTURE)
    errors = list(structure.iter_errors(SPEC))
    assert not errors, "not a well-formed OpenAPI 3.1 document:\n" + "\n".join(
        f"  at {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:20])
    for where, schema in schema_objects():
        Draft202012Validator.check_schema(schema)  # raises SchemaError, naming the keyword
    for ref in set(all_refs(SPEC)):
        try:
            resolve_pointer(ref)
        except (KeyError, TypeError, AssertionError):
            pytest.fail(f"$ref {ref} names nothing in the document")
    ids = [op["operationId"] for _, _, op in operations()]
    assert len(ids) == len(set(ids)), f"operationIds must be unique: {ids}"
    for method, template, op in operations():
        params = [inline(p) for p in SPEC["paths"][template].get("parameters", []) + op.get("parameters", [])]
        keys = [(p["name"], p["in"]) for p in params]
        assert len(keys) == len(set(keys)), f"{method} {template}: a parameter is declared twice: {keys}"
        declared = {p["name"] for p in params if p["in"] == "path"}
        used = set(re.findall(r"{([^}]+)}", template))
        assert declared == used, f"{method} {template}: path parameters {used}, declared {declared}"


def test_document_describes_every_member():
    info = SPEC["info"]
    assert info["version"] == "1"
    for needle in ("/run/custody/control.sock", "SO_PEERCRED", "operator", "supervisor", "auditor", "admin",
                   "root", "curl --unix-socket /run/custody/control.sock http://custodyd/v1/status"):
        assert needle in info["description"], f"info.description should mention {needle!r}"
    role_enum = SPEC["components"]["schemas"]["Role"]["enum"]
    assert role_enum == ["operator", "supervisor", "auditor", "admin"]
    for method, template, op in operations():
        what = f"{method} {template}"
        assert op.get("description"), f"{what}: no description"
        roles = op.get("x-custody-roles")
        assert roles and set(roles) <= set(role_enum), f"{what}: x-custody-roles {roles!r} must list roles of {role_enum}"
        assert "admin" in roles, f"{what}: root (admin) may do everything"
        for p in SPEC["paths"][template].get("parameters", []) + op.get("parameters", []):
            p = inline(p)
            assert p.get("description"), f"{what}: parameter {p['name']} has no description"
        for status, response in op["responses"].items():
            response = inline(response)
            assert response.get("description"), f"{what} {status}: no description"
            if int(status) >= 400:
                assert list(response.get("content", {})) == [PROBLEM], f"{what} {status}: errors are {PROBLEM}"
                raw = op["responses"][status]
                chain = json.dumps(resolve_pointer(raw["$ref"]) if "$ref" in raw else raw)
                assert "#/components/schemas/Problem" in chain, f"{what} {status}: errors use the Problem schema"
            elif template == "/metrics":
                assert list(response.get("content", {})) == [TEXT], f"{what} {status}: metrics are {TEXT}"
            elif template in ("/v1/events/stream", "/v1/changes/stream"):
                assert list(response.get("content", {})) == [STREAM], f"{what} {status}: the live stream is {STREAM}"
            else:
                assert list(response.get("content", {})) in ([JSON], [BINARY]), f"{what} {status}: answers are {JSON} (or a file)"
    # Every schema member is documented; every object the server writes is closed.
    seen = set()

    def collect(node):
        for ref in all_refs(node):
            if ref not in seen:
                seen.add(ref)
                collect(resolve_pointer(ref))

    for _, _, op in operations():
        collect(op["responses"])
    written = {ref.rsplit("/", 1)[1] for ref in seen if ref.startswith("#/components/schemas/")}
    assert {"Status", "Job", "Item", "Event", "Problem"} <= written
    for name, schema in SPEC["components"]["schemas"].items():
        assert schema.get("description"), f"schema {name} has no description"
        props = schema.get("properties", {})
        for prop, sub in props.items():
            assert sub.get("description"), f"schema {name}: property {prop} has no description"
            if sub.get("type") == "string" and any(w in sub["description"] for w in ("RFC 3339",)):
                assert sub.get("format") == "date-time", f"schema {name}: {prop} is RFC 3339, format date-time"
        assert set(schema.get("required", [])) <= set(props), f"schema {name}: required names unknown properties"
        if props and name in written:
            assert schema.get("additionalProperties") is False, f"schema {name}: the server writes it, close it"
    for name in ("JobState", "JobFileState"):
        assert SPEC["components"]["schemas"][name].get("enum"), f"{name} must be an enum"


def test_server_routes_are_the_documented_operations():
    # The server's route table (RouteTable.swift and RouteTable+Routes.swift: every
    # operation's method, path and roles, the one place the daemon takes a route's roles
    # from) and the path constants and templates it shares with the client
    # (CustodyProtocol's APIPath*.swift) name exactly the documented operations, each with
    # the roles of its x-custody-roles: a route added or a role changed without the
    # document fails here even before any test calls it.
    server = REPO / "Sources" / "CustodyServer"
    table = (server / "RouteTable.swift").read_text() + (server / "RouteTable+Routes.swift").read_text()
    paths_text = "".join(p.read_text() for p in sorted((REPO / "Sources" / "CustodyProtocol").glob("APIPath*.swift")))
    # API.status, API.Template.job, …: the paths the table names, as the protocol defines them.
    path_names = {name: path for name, path in re.findall(r'static let (\w+) = "(/v1/[^"]*|/metrics)"', paths_text)}
    path_names.update({"Template." + name: path
                       for name, path in re.findall(r'static let (\w+) = APIPathTemplate\("([^"]+)"\)', paths_text)})
    role_names = {"operator_": "operator", "supervisor": "supervisor", "auditor": "auditor", "admin": "admin"}
    sets = {name: set(role_names.values()) if members == "Set(Role.allCases)"
            else {role_names[r] for r in re.findall(r"\.(\w+)", members)}
            for name, members in re.findall(r"static let (\w+): Set<Role> = (Set\(Role\.allCases\)|\[[^\]]*\])", table)}
    routes = {}
    for method, name, roles in re.findall(r'\.(?:blocking|suspending)\(\.(\w+), API\.([\w.]+), (\w+)\)', table):
        assert name in path_names, f"API.{name} names no path in CustodyProtocol's APIPath*.swift"
        template = path_names[name]
        assert (method, template) not in routes, f"{method} {template} is in the route table twice"
        routes[(method, template)] = sets[roles]
    assert routes, "no routes found in Sources/CustodyServer/RouteTable+Routes.swift; has the route table changed shape?"
    documented = {(m, t): set(op["x-custody-roles"]) for m, t, op in operations()}
    assert set(routes) == set(documented), (f"routes in RouteTable.swift but not documented: {sorted(set(routes) - set(documented))}; "
                                            f"documented but not routed: {sorted(set(documented) - set(routes))}")
    differing = {k: (sorted(routes[k]), sorted(documented[k])) for k in routes if routes[k] != documented[k]}
    assert not differing, f"roles in RouteTable.swift vs x-custody-roles: {differing}"
    constants = {re.sub(r"\\\(\w+\)", "{id}", p) for p in re.findall(r'"(/v1/[^"]*|/metrics)"', paths_text)}
    assert constants == set(SPEC["paths"]), f"API paths {sorted(constants)} vs documented {sorted(SPEC['paths'])}"


# ---------------------------------------------------------------------------
# A daemon holding real evidence, shared by the read-only tests


def make_card(inbox, sample_media):
    """The sample card plus entries a job must refuse: a symbolic link and a FIFO."""
    card = inbox / "card"
    shutil.copytree(sample_media, card, copy_function=shutil.copy2)
    os.symlink("/etc/hostname", card / "LINK.MP4")
    os.mkfifo(card / "PIPE.WAV")
    return card


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, sample_media):
    """One daemon that ingested the sample media (two jobs: stored, then all
    duplicates) and one single file with a device serial."""
    d = Daemon(tmp_path_factory.mktemp("openapi") / "d")
    d.start()
    try:
        card = make_card(d.inbox, sample_media)
        single = d.inbox / "single" / "statement.txt"
        single.parent.mkdir()
        single.write_bytes(b"witness statement, dictated 2026-03-14\n")
        jobs = {}
        for name, body in (("card", {"path": str(card)}), ("again", {"path": str(card)}),
                           ("single", {"path": str(single), "device": "BWC-0042"})):
            accepted = expect(d.request("POST", "/v1/jobs", body), "POST", "/v1/jobs", 202)
            assert "files" not in accepted, "POST /v1/jobs answers without files"
            assert accepted["requestedBy"]["uid"] == os.getuid()
            jobs[name] = d.wait_job(accepted["id"])
        d.jobs = jobs
        d.card = card
        yield d
    finally:
        d.stop()


def items_of(d, query=""):
    return expect(d.request("GET", "/v1/items" + query), "GET", "/v1/items", 200)


# ---------------------------------------------------------------------------
# 200 and 202, with real data


def test_status(loaded):
    body = expect(loaded.request("GET", "/v1/status"), "GET", "/v1/status", 200)
    assert body["caller"] == {"uid": 0, "name": "root", "roles": ["admin"]}, "root is admin"
    assert body["items"] == items_of(loaded)["total"] > 0
    assert body["stateDirectory"] == str(loaded.state)


def test_devices(loaded):
    # No USB here: the list is empty, with the documented shape; umockdev tests dock devices.
    body = expect(loaded.request("GET", "/v1/devices"), "GET", "/v1/devices", 200)
    assert isinstance(body["devices"], list)
    body = expect(loaded.request("GET", "/v1/devices?all=true&limit=5"), "GET", "/v1/devices", 200)
    assert len(body["devices"]) <= 5


def test_ledger(loaded):
    body = expect(loaded.request("GET", "/v1/ledger"), "GET", "/v1/ledger", 200)
    assert body["treeSize"] > 0 and body["verifierKey"].startswith(body["origin"] + "+")
    made = expect(loaded.request("POST", "/v1/checkpoints"), "POST", "/v1/checkpoints", 201)
    assert made["note"].splitlines()[1] == str(made["treeSize"])
    listed = expect(loaded.request("GET", "/v1/checkpoints"), "GET", "/v1/checkpoints", 200)
    assert made in listed["checkpoints"]
    report = expect(loaded.request("POST", "/v1/verify", {"full": True}), "POST", "/v1/verify", 200)
    assert report["ok"] and report["problems"] == [] and report["blobsChecked"] > 0
    report = expect(loaded.request("POST", "/v1/verify"), "POST", "/v1/verify", 200)
    assert report["ok"] and report["blobsChecked"] == 0


def test_proofs(loaded):
    first = expect(loaded.request("POST", "/v1/checkpoints"), "POST", "/v1/checkpoints", 201)
    item = items_of(loaded, "?limit=1")["items"][0]
    proofs = expect(loaded.request("GET", f"/v1/proofs?item={item['id']}"), "GET", "/v1/proofs", 200)
    assert proofs["item"] == item["id"] and proofs["proofs"]
    second = expect(loaded.request("POST", "/v1/checkpoints"), "POST", "/v1/checkpoints", 201)
    proof = expect(loaded.request("GET", f"/v1/proofs?from={first['treeSize']}&to={second['treeSize']}"), "GET", "/v1/proofs", 200)
    assert proof["from"]["treeSize"] == first["treeSize"] and proof["proof"]
    expect(loaded.request("GET", "/v1/proofs?from=999999&to=1"), "GET", "/v1/proofs", 404)
    expect(loaded.request("GET", "/v1/proofs?item=999999"), "GET", "/v1/proofs", 404)


def test_exports(loaded):
    items = items_of(loaded, "?limit=3")["items"]
    made = expect(loaded.request("POST", "/v1/exports", {"items": [i["id"] for i in items], "reason": "conformance"}),
                  "POST", "/v1/exports", 201)
    assert [f["item"] for f in made["files"]] == [i["id"] for i in items]
    assert {"manifest.json", "SHA256SUMS", "checkpoint.txt", "case-uco.jsonld"} <= {doc["path"] for doc in made["documents"]}
    f = made["files"][0]
    body = expect(loaded.request("GET", f"/v1/blobs/{f['sha256']}?export={made['exportId']}"), "GET", "/v1/blobs/{id}", 200)
    assert len(body) == f["size"] and hashlib.sha256(body).hexdigest() == f["sha256"]
    for bad in ({}, {"items": [1], "case": "K"}, {"items": []}, {"items": "1"}):
        problem = expect(loaded.request("POST", "/v1/exports", bad), "POST", "/v1/exports", 400)
        assert problem["code"] == "bad-request"
    assert "no item 999999" in expect(loaded.request("POST", "/v1/exports", {"items": [999999]}), "POST", "/v1/exports", 404)["detail"]
    expect(loaded.request("POST", "/v1/exports", {"case": "K-NONE"}), "POST", "/v1/exports", 404)
    for path in (f"/v1/blobs/{f['sha256']}", f"/v1/blobs/{f['sha256'].upper()}?export={made['exportId']}",
                 f"/v1/blobs/xyz?export={made['exportId']}"):
        expect(loaded.request("GET", path), "GET", "/v1/blobs/{id}", 400)
    expect(loaded.request("GET", f"/v1/blobs/{f['sha256']}?export=1"), "GET", "/v1/blobs/{id}", 404)
    expect(loaded.request("GET", f"/v1/blobs/{'0' * 64}?export={made['exportId']}"), "GET", "/v1/blobs/{id}", 404)


def test_export_abandon(loaded):
    made = expect(loaded.request("POST", "/v1/exports", {"items": [items_of(loaded, "?limit=1")["items"][0]["id"]]}),
                  "POST", "/v1/exports", 201)
    template = "/v1/exports/{id}/abandon"
    path = f"/v1/exports/{made['exportId']}/abandon"
    for bad in ({}, {"reason": ""}, {"reason": 5}, "not json"):
        expect(loaded.request("POST", path, bad), "POST", template, 400)
    expect(loaded.request("POST", "/v1/exports/abc/abandon", {"reason": "x"}), "POST", template, 400)
    expect(loaded.request("POST", "/v1/exports/1/abandon", {"reason": "x"}), "POST", template, 404)
    first = expect(loaded.request("POST", path, {"reason": "the destination filled up"}), "POST", template, 200)
    assert first["event"]["action"] == "export.abandon" and first["event"]["detail"]["export"] == made["exportId"]
    assert not first["alreadyAbandoned"]
    again = expect(loaded.request("POST", path, {"reason": "again"}), "POST", template, 200)
    assert again["alreadyAbandoned"] and again["event"] == first["event"]


def test_jobs(loaded):
    card, again, single = loaded.jobs["card"], loaded.jobs["again"], loaded.jobs["single"]
    assert card["state"] == "completedWithErrors" and {e["path"] for e in card["errors"]} == {"LINK.MP4", "PIPE.WAV"}
    assert again["duplicates"] == card["stored"] > 0 and again["stored"] == 0
    assert single["device"] == "BWC-0042" and single["state"] == "completed"

    listed = expect(loaded.request("GET", "/v1/jobs"), "GET", "/v1/jobs", 200)["jobs"]
    assert [j["id"] for j in listed] == sorted((j["id"] for j in listed), reverse=True), "newest first"
    assert {card["id"], again["id"], single["id"]} <= {j["id"] for j in listed}
    assert all("files" not in j for j in listed), "the list leaves out files"
    one = expect(loaded.request("GET", "/v1/jobs?limit=1"), "GET", "/v1/jobs", 200)["jobs"]
    assert len(one) == 1 and one[0]["id"] == listed[0]["id"]

    for job in (card, again, single):
        full = expect(loaded.request("GET", f"/v1/jobs/{job['id']}"), "GET", "/v1/jobs/{id}", 200)
        assert len(full["files"]) == full["totalFiles"], "files lists the whole manifest"
        assert "finishedAt" in full
        brief = expect(loaded.request("GET", f"/v1/jobs/{job['id']}?files=false"), "GET", "/v1/jobs/{id}", 200)
        assert "files" not in brief and brief["id"] == job["id"]
    states = {f["state"] for f in expect(loaded.request("GET", f"/v1/jobs/{card['id']}"), "GET", "/v1/jobs/{id}", 200)["files"]}
    assert states == {"stored", "failed"}
    states = {f["state"] for f in expect(loaded.request("GET", f"/v1/jobs/{again['id']}?files=yes"), "GET", "/v1/jobs/{id}", 200)["files"]}
    assert "duplicate" in states


def test_items(loaded):
    everything = items_of(loaded, "?limit=10000")
    items = everything["items"]
    assert everything["total"] == len(items) == loaded.jobs["card"]["stored"] + loaded.jobs["single"]["stored"]
    # The optional members are exercised with real data.
    for member in ("utcOffsetSeconds", "durationSeconds", "fileModifiedAt", "jobId"):
        assert any(member in i for i in items), f"no item has {member}"
    assert any(i["metadataProblems"] for i in items), "the truncated clip reports metadata problems"
    assert any(i["source"].get("device") == "BWC-0042" for i in items)

    page = items_of(loaded, "?limit=2&offset=1")
    assert (page["limit"], page["offset"], page["total"]) == (2, 1, len(items))
    assert [i["id"] for i in page["items"]] == [i["id"] for i in items[1:3]]
    job = loaded.jobs["single"]["id"]
    assert {i["jobId"] for i in items_of(loaded, f"?job={job}")["items"]} == {job}
    target = items[0]
    assert [i["id"] for i in items_of(loaded, f"?sha256={target['sha256']}")["items"]] == [target["id"]]
    assert items_of(loaded, "?category=unclassified")["total"] == len(items)
    assert items_of(loaded, "?officer=nobody&hearing=none&case=0")["total"] == 0
    clips = items_of(loaded, "?text=clip")["items"]
    assert clips and all("clip" in i["source"]["path"].lower() for i in clips)
    window = items_of(loaded, "?from=2026-03-14T00:00:00Z&to=2026-03-15T00:00:00%2B00:00")["items"]
    assert window and all("2026-03-14" <= i["recordedAt"] < "2026-03-15" for i in window)

    for item in (items[0], items[-1]):
        got = expect(loaded.request("GET", f"/v1/items/{item['id']}"), "GET", "/v1/items/{id}", 200)
        assert got == item


def test_events(loaded):
    events = expect(loaded.request("GET", "/v1/events?limit=10000"), "GET", "/v1/events", 200)["events"]
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert {"daemon.start", "job.create", "job.finish", "item.store", "item.duplicate", "file.fail"} <= {e["action"] for e in events}
    after = expect(loaded.request("GET", f"/v1/events?after={seqs[2]}&limit=2"), "GET", "/v1/events", 200)["events"]
    assert [e["seq"] for e in after] == seqs[3:5]
    subject = f"job:{loaded.jobs['card']['id']}"
    mine = expect(loaded.request("GET", f"/v1/events?subject={subject}"), "GET", "/v1/events", 200)["events"]
    assert mine and {e["subject"] for e in mine} == {subject}
    item = items_of(loaded, f"?job={loaded.jobs['card']['id']}&limit=1")["items"][0]
    theirs = expect(loaded.request("GET", f"/v1/events?item={item['id']}"), "GET", "/v1/events", 200)["events"]
    assert {e["subject"] for e in theirs} == {f"item:{item['id']}", subject}


def stream_messages(text):
    """The messages of a Server-Sent Events body, as (event, id, data as JSON); comments skipped."""
    messages = []
    for block in text.split("\n\n"):
        fields = [line.partition(":") for line in block.split("\n") if line and not line.startswith(":")]
        if fields:
            named = {name: value[1:] if value.startswith(" ") else value for name, _, value in fields}
            messages.append((named.get("event"), named.get("id"), json.loads(named["data"])))
    return messages


def test_event_stream(loaded):
    events = expect(loaded.request("GET", "/v1/events?limit=10000"), "GET", "/v1/events", 200)["events"]
    text = expect(loaded.request("GET", f"/v1/events/stream?after={events[1]['seq']}&seconds=1"), "GET", "/v1/events/stream", 200)
    messages = stream_messages(text)
    assert messages[0] == ("ready", str(events[1]["seq"]), {"after": events[1]["seq"]}), messages[0]
    custody = [(m[1], m[2]) for m in messages if m[0] == "custody"]
    # The log after `after`, each event once, in order, as GET /v1/events gives it, its seq as the id.
    assert [data for _, data in custody] == [e for e in events[2:] if e["seq"] <= custody[-1][1]["seq"]]
    assert [ident for ident, _ in custody] == [str(data["seq"]) for _, data in custody]
    quiet = stream_messages(expect(loaded.request("GET", "/v1/events/stream?events=false&seconds=1"), "GET", "/v1/events/stream", 200))
    assert quiet[0][0] == "ready" and quiet[0][2]["after"] >= events[-1]["seq"] and all(m[0] != "custody" for m in quiet), quiet
    # The state changes alone, for every role: no custody event in it.
    changes = stream_messages(expect(loaded.request("GET", "/v1/changes/stream?seconds=1"), "GET", "/v1/changes/stream", 200))
    assert changes[0][0] == "ready" and all(m[0] != "custody" for m in changes), changes
    problem = expect(loaded.request("GET", "/v1/events/stream", headers={"Last-Event-ID": "seven"}), "GET", "/v1/events/stream", 400)
    assert problem["code"] == "bad-request" and "Last-Event-ID" in problem["detail"], problem


def test_status_reports_free_space(loaded):
    body = expect(loaded.request("GET", "/v1/status"), "GET", "/v1/status", 200)
    space = body["space"]
    assert 0 <= space["freeBytes"] <= space["totalBytes"]
    assert space["pauseBelowBytes"] == 1 << 30 and space["state"] in ("ok", "low")
    st = os.statvfs(loaded.state)
    assert abs(space["freeBytes"] - st.f_bavail * st.f_frsize) < 256 << 20, "custodyd measures the store's file system"


def test_log_level(loaded):
    assert expect(loaded.request("GET", "/v1/log-level"), "GET", "/v1/log-level", 200) == {"level": "info"}
    try:
        assert expect(loaded.request("PUT", "/v1/log-level", {"level": "debug"}), "PUT", "/v1/log-level", 200) == {"level": "debug"}
        assert expect(loaded.request("GET", "/v1/log-level"), "GET", "/v1/log-level", 200) == {"level": "debug"}
        for bad in ('{"level": "verbose"}', '{"level": 3}', "not json", "", '{}'):
            problem = expect(loaded.request("PUT", "/v1/log-level", bad), "PUT", "/v1/log-level", 400)
            assert problem["code"] == "bad-request"
        events = expect(loaded.request("GET", "/v1/events?subject=daemon&limit=10000"), "GET", "/v1/events", 200)["events"]
        change = [e for e in events if e["action"] == "daemon.log-level"][-1]
        assert change["detail"] == {"from": "info", "to": "debug"} and change["actor"]["uid"] == os.getuid()
    finally:
        expect(loaded.request("PUT", "/v1/log-level", {"level": "info"}), "PUT", "/v1/log-level", 200)


def test_metrics(loaded):
    text = expect(loaded.request("GET", "/metrics"), "GET", "/metrics", 200)
    reply = loaded.request("GET", "/metrics")
    assert reply.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert "# TYPE custody_ingest_files_total counter" in text
    stored = loaded.jobs["card"]["stored"] + loaded.jobs["single"]["stored"]
    assert f'custody_ingest_files_total{{outcome="stored"}} {stored}\n' in text


# ---------------------------------------------------------------------------
# 400, 403, 404


@pytest.mark.parametrize("method,template,path,body", [
    ("GET", "/v1/jobs", "/v1/jobs?limit=0", None),
    ("GET", "/v1/jobs", "/v1/jobs?limit=1001", None),
    ("GET", "/v1/jobs", "/v1/jobs?limit=many", None),
    ("GET", "/v1/jobs/{id}", "/v1/jobs/abc", None),
    ("GET", "/v1/jobs/{id}", "/v1/jobs/0", None),
    ("GET", "/v1/jobs/{id}", "/v1/jobs/-3", None),
    ("GET", "/v1/jobs/{id}", "/v1/jobs/99999999999999999999", None),
    ("GET", "/v1/items", "/v1/items?limit=0", None),
    ("GET", "/v1/items", "/v1/items?limit=10001", None),
    ("GET", "/v1/items", "/v1/items?offset=-1", None),
    ("GET", "/v1/items", "/v1/items?job=abc", None),
    ("GET", "/v1/items", "/v1/items?job=0", None),
    ("GET", "/v1/items", "/v1/items?from=yesterday", None),
    ("GET", "/v1/items", "/v1/items?to=2026-13-45T99:00:00Z", None),
    ("GET", "/v1/items/{id}", "/v1/items/abc", None),
    ("GET", "/v1/items/{id}", "/v1/items/0", None),
    ("GET", "/v1/events", "/v1/events?limit=0", None),
    ("GET", "/v1/events", "/v1/events?limit=10001", None),
    ("GET", "/v1/events", "/v1/events?after=-1", None),
    ("GET", "/v1/events", "/v1/events?after=x", None),
    ("GET", "/v1/events", "/v1/events?item=abc", None),
    ("GET", "/v1/events/stream", "/v1/events/stream?after=-1", None),
    ("GET", "/v1/events/stream", "/v1/events/stream?events=maybe", None),
    ("GET", "/v1/events/stream", "/v1/events/stream?seconds=0", None),
    ("GET", "/v1/changes/stream", "/v1/changes/stream?seconds=86401", None),
    ("GET", "/v1/devices", "/v1/devices?limit=0", None),
    ("GET", "/v1/devices", "/v1/devices?limit=x", None),
    ("POST", "/v1/jobs", "/v1/jobs", "not json"),
    ("POST", "/v1/jobs", "/v1/jobs", ""),
    ("POST", "/v1/jobs", "/v1/jobs", "[]"),
    ("POST", "/v1/jobs", "/v1/jobs", '{"device": "BWC-0042"}'),
    ("POST", "/v1/jobs", "/v1/jobs", '{"path": 5}'),
    ("POST", "/v1/jobs", "/v1/jobs", '{"path": "relative/card"}'),
    ("POST", "/v1/jobs", "/v1/jobs", "FIFO"),
    ("POST", "/v1/verify", "/v1/verify", '{"full": "yes"}'),
    ("POST", "/v1/verify", "/v1/verify", "not json"),
    ("GET", "/v1/proofs", "/v1/proofs?size=0", None),
    ("GET", "/v1/proofs", "/v1/proofs?item=x", None),
])
def test_bad_request(loaded, method, template, path, body):
    if body == "FIFO":  # neither a directory nor a regular file
        body = json.dumps({"path": str(loaded.card / "PIPE.WAV")})
    problem = expect(loaded.request(method, path, body), method, template, 400)
    assert problem["code"] == "bad-request"


def test_not_found(loaded):
    expect(loaded.request("GET", "/v1/jobs/999999"), "GET", "/v1/jobs/{id}", 404)
    expect(loaded.request("GET", "/v1/items/999999"), "GET", "/v1/items/{id}", 404)
    problem = expect(loaded.request("POST", "/v1/jobs", {"path": str(loaded.inbox / "no-such-card")}),
                     "POST", "/v1/jobs", 404)
    assert problem["code"] == "path-not-found"


def test_ingest_outside_allowed_paths(loaded):
    escape = loaded.inbox / "escape"
    if not escape.is_symlink():
        os.symlink("/etc", escape)
    for path in ("/etc", "/", str(escape)):  # a link inside the inbox is judged by where it leads
        problem = expect(loaded.request("POST", "/v1/jobs", {"path": path}), "POST", "/v1/jobs", 403)
        assert problem["code"] == "path-not-allowed"


# ---------------------------------------------------------------------------
# Roles: x-custody-roles is what the daemon enforces

CLIENT = r"""
import http.client, json, socket, sys
class C(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(sys.argv[1])
c = C("custodyd", timeout=60)
body = sys.argv[4] if len(sys.argv) > 4 else None
c.request(sys.argv[2], sys.argv[3], body=body, headers={"Content-Type": "application/json"} if body else {})
r = c.getresponse()
print(json.dumps({"status": r.status, "headers": {k.lower(): v for k, v in r.getheaders()}, "body": r.read().decode("latin-1")}))
"""


class Remote:
    """A reply obtained by a client running as another uid and gid."""

    def __init__(self, raw):
        self.status = raw["status"]
        self.headers = raw["headers"]
        self.body = raw["body"].encode("latin-1")  # bytes carried through JSON one to one

    @property
    def content_type(self):
        return self.headers.get("content-type", "").split(";")[0].strip()

    def json(self):
        return json.loads(self.body)


def unused_uid():
    for uid in range(54321, 60000):
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid
    pytest.skip("no unused uid")


def test_roles_are_enforced_as_documented(daemon_factory, sample_media, public_tmp):
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to connect as other users")
    groups = [g for g in grp.getgrall() if g.gr_gid != 0 and re.fullmatch(r"[a-z][a-z0-9_-]*", g.gr_name)]
    if len(groups) < 5:
        pytest.skip("needs five Unix groups")
    sock_group, *role_groups = groups[:5]
    group_of = dict(zip(["operator", "supervisor", "auditor", None], role_groups))
    d = daemon_factory(config=(
        f'[control]\nsocketGroup = "{sock_group.gr_name}"\noperatorGroup = "{group_of["operator"].gr_name}"\n'
        f'supervisorGroup = "{group_of["supervisor"].gr_name}"\nauditorGroup = "{group_of["auditor"].gr_name}"\n'
        + RECORDING_ROLE_COURTROOM), start=False, base=public_tmp)
    d.start(extra_env=recording_null_alsa(d.root))
    world_readable_tmp(d.socket.parent)
    card = make_card(d.inbox, sample_media)
    job = d.wait_job(expect(d.request("POST", "/v1/jobs", {"path": str(card)}), "POST", "/v1/jobs", 202)["id"])
    item = items_of(d, "?limit=1")["items"][0]
    uid = unused_uid()

    def as_role(role, method, path, body=None):
        cmd = ["setpriv", f"--reuid={uid}", f"--regid={group_of[role].gr_gid}", f"--groups={sock_group.gr_gid}",
               sys.executable, "-c", CLIENT, str(d.socket), method, path]
        if body is not None:
            cmd.append(json.dumps(body))
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, f"client as {role} failed: {out.stderr}"
        return Remote(json.loads(out.stdout))

    bodies = {"/v1/jobs": {"path": str(card)}, "/v1/verify": {"full": False}, "/v1/exports": {"items": [item["id"]]}}
    first = expect(d.request("POST", "/v1/checkpoints"), "POST", "/v1/checkpoints", 201)  # covers the item's events
    tagging_role_setup(d)
    second = expect(d.request("POST", "/v1/checkpoints"), "POST", "/v1/checkpoints", 201)
    # An operation whose query decides what it answers is called in each of its forms:
    # an item's inclusion proofs carry its events, a consistency proof only hashes.
    forms = {"/v1/proofs": [f"?item={item['id']}", f"?from={first['treeSize']}&to={second['treeSize']}"],
             # The live stream, for one second (it ends when its client goes, or after `seconds`).
             "/v1/events/stream": ["?after=0&seconds=1"], "/v1/changes/stream": ["?seconds=1"]}
    # A file is fetched for an export its caller made: the latest one made by this uid.
    exports = []
    refused = 0
    ordered = sorted(operations(), key=lambda o: o[1] in ("/v1/blobs/{id}", "/v1/exports/{id}/abandon"))
    bodies["/v1/exports/{id}/abandon"] = {"reason": "role check"}
    for role in ("operator", "supervisor", "auditor", None):
        for method, template, op in ordered:
            ident = (item["sha256"] if "blobs" in template else item["id"] if "items" in template
                     else (exports[-1] if exports else 1) if "abandon" in template else job["id"])
            queries = {"/v1/blobs/{id}": [f"?export={exports[-1] if exports else 1}"]}
            for query in forms.get(template) or queries.get(template) or [""]:
                path = template.replace("{id}", str(ident)) + query
                body = bodies.get(template) if method == "POST" else None
                path, body = tagging_role_call(d, method, template, path, body, item["id"])
                path, body = recording_role_call(method, template, path, body)
                reply = as_role(role, method, path, body)
                if role in op["x-custody-roles"]:
                    success = min(int(code) for code in op["responses"] if code.startswith("2"))
                    answer = expect(reply, method, template, success)
                    if template == "/v1/exports":
                        exports.append(answer["exportId"])
                else:
                    problem = expect(reply, method, template, 403)
                    assert problem["code"] == "forbidden" and f"uid {uid}" in problem["detail"], (role, path, problem)
                    refused += 1
        if role is not None:
            status = expect(as_role(role, "GET", "/v1/status"), "GET", "/v1/status", 200)
            assert status["caller"] == {"uid": uid, "name": f"uid{uid}", "roles": [role]}
    # Even root may not fetch the files of another user's export.
    other = expect(d.request("GET", f"/v1/blobs/{item['sha256']}?export={exports[-1]}"), "GET", "/v1/blobs/{id}", 403)
    assert f"made by uid {uid}" in other["detail"], other
    # Every refusal is in the custody log: on its own (the first of each minute) or
    # counted in its minute's summary, written at the latest when the daemon stops.
    assert d.stop() == 0
    d.start(extra_env=recording_null_alsa(d.root))
    logged = [e for e in expect(d.request("GET", "/v1/events?limit=10000"), "GET", "/v1/events", 200)["events"]
              if e["outcome"] == "denied" and e["actor"]["uid"] == uid]
    assert {e["action"] for e in logged} <= {"request.deny", "request.deny.summary"}
    assert sum(1 if e["action"] == "request.deny" else int(e["detail"]["count"]) for e in logged) == refused, logged


# ---------------------------------------------------------------------------
# 405, 413, 500, 503


def test_method_not_allowed(loaded):
    response = SPEC["components"]["responses"]["MethodNotAllowed"]
    for template, path_item in SPEC["paths"].items():
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            if method.lower() in path_item:
                continue
            reply = loaded.request(method, concrete(template), "{}" if method != "GET" else None)
            assert reply.status == 405, f"{method} {template}: got {reply.status} {reply.body[:300]!r}"
            problem = check_response(reply, response, f"{method} {template} -> 405")
            assert problem["code"] == "method-not-allowed"
            OTHER_HITS.add("405")


def test_method_not_allowed_names_the_allowed_methods(loaded):
    # RFC 9110 section 15.5.6: a 405 response MUST carry Allow; the document says it does.
    required = [n for n, h in inline(SPEC["components"]["responses"]["MethodNotAllowed"]["headers"]).items()
                if h.get("required")]
    assert required == ["Allow"]
    missing = []
    for template, path_item in SPEC["paths"].items():
        documented = {m.upper() for m in HTTP_METHODS if m in path_item}
        reply = loaded.request("DELETE", concrete(template))
        assert reply.status == 405
        allow = {m.strip() for m in reply.headers.get("allow", "").split(",") if m.strip()}
        if allow != documented:
            missing.append(f"DELETE {concrete(template)}: Allow {reply.headers.get('allow')!r}, expected {sorted(documented)}")
    assert not missing, ("SERVER BUG: 405 answers carry no Allow header naming the path's methods "
                         "(RFC 9110 15.5.6 makes it a MUST; ControlServer.write adds no Allow):\n  " + "\n  ".join(missing))


def test_too_large(daemon_factory):
    limit = 2048
    d = daemon_factory(config=f'[control]\nsocketGroup = ""\nmaxRequestBytes = {limit}\n')
    (d.inbox / "note.txt").write_text("a small note\n")
    for method, template, _ in operations():
        reply = d.request(method, concrete(template), b"x" * (limit + 1))
        problem = expect(reply, method, template, 413)
        assert problem["code"] == "too-large" and str(limit) in problem["detail"]
        assert reply.headers.get("connection") == "close"
    # Exactly the limit is accepted; one byte more is not.
    body = json.dumps({"path": str(d.inbox / "note.txt")})
    exact = body + " " * (limit - len(body.encode()))
    expect(d.request("POST", "/v1/jobs", exact), "POST", "/v1/jobs", 202)
    expect(d.request("POST", "/v1/jobs", exact + " "), "POST", "/v1/jobs", 413)


def test_too_many_connections(daemon_factory):
    """The connection-level 503 of the Transport section, on every operation: a user at
    its cap gets the TooManyConnections answer with its Retry-After header."""
    response = SPEC["components"]["responses"]["TooManyConnections"]
    required = [n for n, h in response["headers"].items() if h.get("required")]
    assert required == ["Retry-After"]
    d = daemon_factory(config='[control]\nsocketGroup = ""\nmaxConnections = 1\nmaxConnectionsPerUser = 1\n')
    # One connection is served and held open (once the daemon has let go of those of
    # its start-up checks); every other one is refused.
    deadline = time.monotonic() + 60
    while True:
        held = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        held.connect(str(d.socket))
        held.sendall(b"GET /v1/status HTTP/1.1\r\nHost: custodyd\r\n\r\n")
        if held.recv(65536).startswith(b"HTTP/1.1 200 OK"):
            break
        held.close()
        assert time.monotonic() < deadline, "no connection was ever served"
        time.sleep(0.05)
    try:
        for method, template, _ in operations():
            reply = d.request(method, concrete(template), "{}" if method != "GET" else None)
            assert reply.status == 503, f"{method} {template}: got {reply.status} {reply.body[:300]!r}"
            problem = check_response(reply, response, f"{method} {template} -> 503 (connection)")
            assert problem["code"] == "too-many-connections" and "at most 1 per user" in problem["detail"]
            validate(int(reply.headers["retry-after"]), response["headers"]["Retry-After"]["schema"], "Retry-After")
    finally:
        held.close()
    OTHER_HITS.add("too-many-connections")


def test_index_failures(daemon_factory):
    """500 on every operation and 503 on POST /v1/jobs, provoked by damaging the
    index of a throwaway daemon behind its back (this test knows the index's table
    names: if they change, change it)."""
    d = daemon_factory(config=RECORDING_ROLE_COURTROOM)
    (d.inbox / "empty").mkdir()
    (d.inbox / "note.txt").write_text("a small note\n")
    d.wait_job(expect(d.request("POST", "/v1/jobs", {"path": str(d.inbox / "note.txt")}), "POST", "/v1/jobs", 202)["id"])
    db = sqlite3.connect(str(d.state / "index.sqlite"), isolation_level=None, timeout=30)
    # A job is recorded (an empty one writes no job_files rows) but cannot be read back: 500.
    db.executescript("""
        BEGIN;
        DROP TABLE job_files;
        CREATE VIEW job_files AS SELECT NULL AS job_id, NULL AS path, 0 AS size, NULL AS modified_at,
            'pending' AS state, NULL AS item_id, NULL AS sha256, NULL AS message WHERE json('broken') IS NOT NULL;
        CREATE TRIGGER job_files_insert INSTEAD OF INSERT ON job_files BEGIN SELECT 1; END;
        COMMIT;
    """)
    problem = expect(d.request("POST", "/v1/jobs", {"path": str(d.inbox / "empty")}), "POST", "/v1/jobs", 500)
    assert problem["code"] == "internal"
    # No job can be recorded at all: 503; and nothing can be read: 500.
    db.executescript("BEGIN; DROP TABLE items; DROP TABLE blobs; DROP TABLE jobs; DROP TABLE events; "
                     "DROP TABLE ledger; DROP TABLE ledger_checkpoints; "
                     + "".join(f"DROP TABLE {t}; " for t in TAGGING_TABLES + RECORDING_TABLES) + "COMMIT;")
    db.close()
    problem = expect(d.request("POST", "/v1/jobs", {"path": str(d.inbox / "empty")}), "POST", "/v1/jobs", 503)
    assert problem["code"] == "store-failure"
    paths = {"/v1/blobs/{id}": "/v1/blobs/" + "0" * 64 + "?export=1"}
    bodies = {"/v1/exports": {"items": [1]}, "/v1/exports/{id}/abandon": {"reason": "x"}}
    for method, template, _ in operations():
        if template == "/v1/log-level":
            continue  # reading the level needs no index; setting it is checked below
        if method == "GET" or template in ("/v1/checkpoints", "/v1/verify", "/v1/exports", "/v1/exports/{id}/abandon"):
            reply = d.request(method, paths.get(template, concrete(template)), bodies.get(template))
            problem = expect(reply, method, template, 500)
            assert problem["code"] == "internal"
    # A level change that cannot be recorded is not made.
    before = d.request("GET", "/v1/log-level").json()["level"]
    problem = expect(d.request("PUT", "/v1/log-level", {"level": "debug" if before != "debug" else "info"}),
                     "PUT", "/v1/log-level", 500)
    assert problem["code"] == "internal"
    assert expect(d.request("GET", "/v1/log-level"), "GET", "/v1/log-level", 200)["level"] == before
    provoke_tagging_index_failures(d)
    provoke_recording_index_failures(d)


# ---------------------------------------------------------------------------
# Paths the document does not have


def test_unknown_path_is_404(loaded):
    response = SPEC["components"]["responses"]["NotFound"]
    for path in ("/", "/v1", "/v2/status", "/status", "/v1/nothing", "/v1/jobs/1/files", "/v1/items/1/raw",
                 "/v1/jobs/1/files/2", "/v1/status/a/b"):
        assert not any(re.fullmatch(re.sub(r"{[^}]+}", "[^/]+", t), path) for t in SPEC["paths"])
        for method in ("GET", "POST", "DELETE"):
            reply = loaded.request(method, path, "{}" if method == "POST" else None)
            assert reply.status == 404, f"{method} {path}: got {reply.status} {reply.body[:300]!r}"
            assert check_response(reply, response, f"{method} {path} -> 404")["code"] == "not-found"
    OTHER_HITS.add("unknown-path")


def test_no_members_below_status_and_events(loaded):
    # The document has no /v1/status/{x} or /v1/events/{x}: like any other path it
    # does not have, they answer 404 (a 405 would claim the resource exists).
    response = SPEC["components"]["responses"]["NotFound"]
    wrong = []
    for path in ("/v1/status/now", "/v1/events/1", "/v1/devices/1"):
        for method in ("GET", "POST"):
            reply = loaded.request(method, path, "{}" if method == "POST" else None)
            if reply.status != 404:
                wrong.append(f"{method} {path} -> {reply.status} {reply.body.decode()[:160]}")
            else:
                check_response(reply, response, f"{method} {path} -> 404")
    assert not wrong, ("SERVER BUG: ControlRoutes answers 405 instead of 404 for a path one segment below "
                       "/v1/status or /v1/events (its `(_, _, \"status\")`/`\"events\"` case catches route.count == 2):\n  "
                       + "\n  ".join(wrong))


# ---------------------------------------------------------------------------
# Text a custody record cannot keep (U+0000), on every operation


def refuses_nul(schema):
    """Whether a string schema admits no text holding U+0000 (an enum, a date-time or a
    pattern that no such text matches)."""
    if "enum" in schema or "const" in schema or schema.get("format") == "date-time":
        return True
    pattern = schema.get("pattern")
    return pattern is not None and not any(re.search(pattern, text) for text in ("\x00", "a\x00b", "/x\x00 y"))


def request_strings(schema, where):
    """(where, schema) of every string a request body schema lists, and (where, object
    schema) of every object in it, following $refs (not into UnlistedMember)."""
    if "$ref" in schema:
        if schema["$ref"].endswith("/UnlistedMember"):
            return
        yield from request_strings(resolve_pointer(schema["$ref"]), schema["$ref"])
        return
    if schema.get("type") == "string":
        yield where, schema
    if schema.get("type") == "object" and "properties" in schema:
        yield where, schema
    for name, sub in schema.get("properties", {}).items():
        yield from request_strings(sub, f"{where}.{name}")
    if isinstance(schema.get("items"), dict):
        yield from request_strings(schema["items"], f"{where}[]")


def test_every_request_schema_says_its_text_holds_no_nul():
    # The server refuses U+0000 anywhere in a request (path, query, body, member names,
    # listed or not) with 400, on every operation: the document says so in each
    # operation's answers and in each string a request carries, so that a request valid
    # by the document is never refused for its text.
    unlisted = SPEC["components"]["schemas"]["UnlistedMember"]
    for method, template, op in operations():
        what = f"{method} {template}"
        assert "400" in op["responses"], f"{what}: any request may be refused for its text: document 400"
        for p in SPEC["paths"][template].get("parameters", []) + op.get("parameters", []):
            p = resolve_pointer(p["$ref"]) if "$ref" in p else p
            if p["schema"].get("type") == "string":
                assert refuses_nul(p["schema"]), f"{what}: parameter {p['name']} must refuse U+0000 (pattern ^[^\\x00]*$)"
        for ct, media in op.get("requestBody", {}).get("content", {}).items():
            for where, schema in request_strings(media["schema"], f"{what} body"):
                if schema.get("type") == "string":
                    assert refuses_nul(schema), f"{where} must refuse U+0000 (pattern ^[^\\x00]*$)"
                    continue
                assert refuses_nul({"type": "string", **schema.get("propertyNames", {})}), f"{where}: member names must refuse U+0000"
                assert schema.get("additionalProperties") == {"$ref": "#/components/schemas/UnlistedMember"}, (
                    f"{where}: members it does not list are ignored, as UnlistedMember (whose text refuses U+0000 too)")
    branches = {b["type"] if isinstance(b["type"], str) else "scalar": b for b in unlisted["anyOf"]}
    assert refuses_nul(branches["string"]) and refuses_nul({"type": "string", **branches["object"]["propertyNames"]})


def test_text_a_record_cannot_keep_is_refused_on_every_operation(loaded):
    # A query parameter no operation lists, holding U+0000: 400 naming it, on every
    # operation, before any route runs (so even POST /v1/checkpoints makes nothing).
    before = loaded.request("GET", "/v1/checkpoints").json()
    for method, template, op in operations():
        reply = loaded.request(method, concrete(template) + "?unlisted=a%00b", None)
        problem = expect(reply, method, template, 400)
        assert problem["code"] == "bad-request" and "query parameter unlisted holds U+0000" in problem["detail"], problem
    assert loaded.request("GET", "/v1/checkpoints").json() == before


# ---------------------------------------------------------------------------
# The registry, tagging, holds, retention and gaps operations (their own module,
# run as part of this one so that the coverage tests below judge them too).

pytest.register_assert_rewrite("openapi_tagging")
from openapi_tagging import *  # noqa: E402,F401,F403  (tests and the `tagged` fixture)
from openapi_tagging import TAGGING_TABLES  # noqa: E402
from openapi_tagging import provoke_index_failures as provoke_tagging_index_failures  # noqa: E402
from openapi_tagging import role_call as tagging_role_call, role_setup as tagging_role_setup  # noqa: E402


# ---------------------------------------------------------------------------
# The courtroom recording operations (their own module, run as part of this one so
# that the coverage tests below judge them too).

pytest.register_assert_rewrite("openapi_recording")
from openapi_recording import *  # noqa: E402,F401,F403  (tests and the `recording` fixture)
from openapi_recording import RECORDING_TABLES, ROLE_COURTROOM as RECORDING_ROLE_COURTROOM  # noqa: E402
from openapi_recording import null_alsa as recording_null_alsa, role_call as recording_role_call  # noqa: E402
from openapi_recording import provoke_index_failures as provoke_recording_index_failures  # noqa: E402


# ---------------------------------------------------------------------------
# Coverage: keep these last; they judge what the tests above provoked.


def test_every_documented_operation_is_exercised():
    documented = {(m, t) for m, t, _ in operations()}
    exercised = {(m, t) for m, t, _ in HITS}
    assert documented - exercised == set(), (
        f"documented operations no test provoked (run the whole module): {sorted(documented - exercised)}")
    assert exercised <= documented


def test_every_documented_response_is_exercised():
    documented = {(m, t, int(s)) for m, t, op in operations() for s in op["responses"]}
    missing = documented - HITS
    assert not missing, f"documented answers no test provoked (run the whole module): {sorted(missing)}"
    assert {"405", "unknown-path", "too-many-connections"} <= OTHER_HITS, "405, unknown-path and 503 connection answers must be checked too"
