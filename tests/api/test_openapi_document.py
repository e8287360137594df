"""The OpenAPI document as a contract (issue 12, items 6, 10 and 14): every value an endpoint
takes is bounded, every error answer is declared, no two schemas share a name, real answers
validate against what is documented, and the docs page works offline."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest
from django.test import Client
from pydantic import BaseModel

from tests.conftest import register_volunteer
from vetserve.accounts.services import api_token_create
from vetserve.api.api import api

ERROR_ANSWERS = {"400", "401", "403", "404", "409", "422"}
# Formats whose length the format itself bounds.
BOUNDED_FORMATS = {"date", "date-time", "time", "uuid", "duration"}


@pytest.fixture
def document(client: Client) -> dict[str, Any]:
    data: dict[str, Any] = client.get("/api/v1/openapi.json").json()
    return data


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, methods in document["paths"].items()
        for method, op in methods.items()
    ]


def resolve(document: dict[str, Any], node: Any) -> Any:
    if isinstance(node, dict) and "$ref" in node:
        return resolve(document, document["components"]["schemas"][node["$ref"].split("/")[-1]])
    return node


def unbounded(document: dict[str, Any], node: Any, where: str, seen: set[str]) -> list[str]:
    """Integers without a minimum and a maximum, texts without a maximum length, arrays and
    objects of any size, anywhere in an input schema."""
    if isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].split("/")[-1]
        if name in seen:
            return []
        return unbounded(document, resolve(document, node), f"{where}→{name}", {*seen, name})
    if not isinstance(node, dict):
        return []
    found: list[str] = []
    for key in ("anyOf", "oneOf", "allOf"):
        for part in node.get(key, []):
            found += unbounded(document, part, where, seen)
    kind = node.get("type")
    if kind == "integer" and ("minimum" not in node or "maximum" not in node):
        found.append(f"{where}: integer without bounds")
    if (
        kind == "string"
        and "enum" not in node
        and node.get("format") not in BOUNDED_FORMATS
        and "maxLength" not in node
        and "pattern" not in node
    ):
        found.append(f"{where}: text without a maximum length")
    if kind == "array":
        if "maxItems" not in node and "prefixItems" not in node:
            found.append(f"{where}: list without a maximum length")
        found += unbounded(document, node.get("items", {}), f"{where}[]", seen)
    for name, prop in node.get("properties", {}).items():
        found += unbounded(document, prop, f"{where}.{name}", seen)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        if "maxProperties" not in node:
            found.append(f"{where}: mapping without a maximum size")
        found += unbounded(document, extra, f"{where}{{}}", seen)
    return found


def test_every_number_text_and_list_an_endpoint_takes_is_bounded(document):
    found: list[str] = []
    for path, method, op in operations(document):
        where = f"{method.upper()} {path}"
        for param in op.get("parameters", []):
            found += unbounded(document, param["schema"], f"{where} {param['name']}", set())
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            found += unbounded(document, body["schema"], f"{where} body", set())
    assert found == []


def test_every_authenticated_operation_declares_its_error_answers(document):
    missing = {
        f"{method.upper()} {path}": sorted(ERROR_ANSWERS - set(op["responses"]))
        for path, method, op in operations(document)
        if op.get("security") != [] and not path.startswith("/api/v1/public/")
        if ERROR_ANSWERS - set(op["responses"])
    }
    assert missing == {}
    for _path, _method, op in operations(document):
        for status in ERROR_ANSWERS & set(op["responses"]):
            ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorOut")


def _models(annotation: Any) -> set[type]:
    """The pydantic models and enums an annotation names, at any depth."""
    found: set[type] = set()
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.add(annotation)
        for field in annotation.model_fields.values():
            found |= _models(field.annotation)
    for arg in getattr(annotation, "__args__", ()) or ():
        found |= _models(arg)
    return found


def test_no_two_schemas_of_the_api_share_a_name():
    """ninja names a component after its class and keeps one of two classes of the same name
    without a word (CheckOut, StatusIn and ReasonIn each stood for two schemas once)."""
    classes: set[type] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    for field in model.model_fields.values():
                        classes |= _models(field.annotation)
                for schema in (operation.response_models or {}).values():
                    for field in getattr(schema, "model_fields", {}).values():
                        classes |= _models(field.annotation)
    by_name: dict[str, set[str]] = {}
    for cls in classes:
        by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    # ninja's wrappers (the body, query and path models, the paged answers) are its own.
    shared = {
        name: sorted(where)
        for name, where in by_name.items()
        if len(where) > 1 and not where <= {w for w in where if w.startswith("ninja.")}
    }
    assert shared == {}
    assert len(classes) > 80  # the walk found the schemas


def test_the_component_names_of_the_document_are_its_schema_names(document):
    names = list(document["components"]["schemas"])
    assert len(names) == len(set(names))
    for name in names:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name), name


def validate(document: dict[str, Any], path: str, method: str, status: int, data: Any) -> None:
    op = document["paths"][path][method]
    schema = op["responses"][str(status)]["content"]["application/json"]["schema"]
    resolver_doc = {**schema, "components": document["components"]}
    jsonschema.validate(
        data, resolver_doc, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_the_eligibility_answer_validates_against_its_documented_schema(cast, document):
    volunteer = register_volunteer(cast.bob, cast.xiwanzi_team)
    _token, raw = api_token_create(user=cast.bob, name="check")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        "/api/v1/skills/eligibility/check",
        {"volunteer_ids": [volunteer.pk], "requirement": {"min_age": 18}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    validate(document, "/api/v1/skills/eligibility/check", "post", 200, response.json())
    assert set(response.json()["decisions"][0]) == {
        "volunteer_id",
        "name",
        "eligible",
        "reasons",
        "reason_codes",
    }


def test_an_error_answer_validates_against_the_documented_error_schema(cast, document):
    _token, raw = api_token_create(user=cast.bob, name="check")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/volunteers/999999")
    assert response.status_code == 404
    validate(document, "/api/v1/volunteers/{volunteer_id}", "get", 404, response.json())


def test_the_api_docs_page_loads_nothing_from_the_internet(client):
    """Swagger UI comes with django-ninja: the page works on an offline intranet."""
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    external = re.findall(r"""(?:src|href)=["'](https?:)?//[^"']+""", html)
    assert external == []
    local = re.findall(r"""(?:src|href)=["'](/static/[^"']+)""", html)
    assert any(url.endswith(".js") for url in local)
    assert any(url.endswith(".css") for url in local)
    for url in local:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body, url
