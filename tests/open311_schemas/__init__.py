"""JSON Schemas of GeoReport v2 responses, written from the spec's text, and one checker
for both formats.

The schemas are the single source of truth. A JSON body is validated as it is; an XML
body is first read into the same shape *guided by the schema* (element names from the
``xml.name`` annotations, as OpenAPI spells them; leaf text typed as the schema says) and
then validated by the same schema, so a field missing, extra or mistyped in either format
fails the same way. Tests can then assert on the returned data whatever the format.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from aduan.integrations import keys
from aduan.integrations.models import Scope

HERE = Path(__file__).parent
BASE = "/open311/v2"
FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json", "xml": "text/xml"}
ALL_SCOPES = [Scope.READ, Scope.WRITE]


@cache
def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((HERE / f"{name}.json").read_text())
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


def schema_names() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.json"))


def _types(node: dict[str, Any]) -> list[str]:
    declared = node.get("type", [])
    return [declared] if isinstance(declared, str) else list(declared)


_INTEGER = re.compile(r"^-?\d+$")


def _leaf(text: str, types: list[str]) -> Any:
    if text == "" and "null" in types:
        return None
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    if "integer" in types and _INTEGER.match(text):
        return int(text)
    if "number" in types:
        try:
            return float(text)
        except ValueError:
            return text  # fails the schema's type check
    return text


def xml_to_data(element: ET.Element, node: dict[str, Any]) -> Any:
    """The element read as the JSON value ``node`` describes."""
    types = _types(node)
    if "array" in types:
        item = node["items"]
        expected = item["xml"]["name"]
        assert (element.text or "").strip() == "", f"text inside list <{element.tag}>"
        tags = [child.tag for child in element]
        assert all(tag == expected for tag in tags), f"<{element.tag}> holds {tags}"
        return [xml_to_data(child, item) for child in element]
    if "object" in types:
        assert (element.text or "").strip() == "", f"text inside object <{element.tag}>"
        out: dict[str, Any] = {}
        props = node.get("properties", {})
        for child in element:
            assert child.tag not in out, f"<{child.tag}> repeated in <{element.tag}>"
            # Unknown children are kept as text so additionalProperties rejects them.
            out[child.tag] = xml_to_data(child, props.get(child.tag, {"type": "string"}))
        return out
    assert len(element) == 0, f"<{element.tag}> should be a plain value"
    return _leaf(element.text or "", types)


def parse(response: Any, name: str) -> Any:
    """The body of ``response`` checked against schema ``name``, as JSON-shaped data."""
    fmt = "json" if response["Content-Type"].startswith("application/json") else "xml"
    assert response["Content-Type"].startswith(CONTENT_TYPES[fmt])
    spec = schema(name)
    if fmt == "json":
        data = json.loads(response.content)
    else:
        # Our own response, in a test: nothing untrusted is parsed.
        root = ET.fromstring(response.content)  # noqa: S314
        assert root.tag == spec["xml"]["name"], f"root <{root.tag}>"
        assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
        data = xml_to_data(root, spec)
    jsonschema.validate(data, spec, cls=jsonschema.Draft202012Validator)
    return data


def errors_of(response: Any, status: int) -> list[str]:
    """The descriptions of a spec error response with this status."""
    assert response.status_code == status, response.content
    data = parse(response, "errors")
    assert {e["code"] for e in data} == {status}
    return [e["description"] for e in data]


def url(path: str, fmt: str) -> str:
    return f"{BASE}/{path}.{fmt}"


def make_key(agency: Any, scopes: list[str] | None = None) -> str:
    _key, raw = keys.key_create(
        agency=agency, name="Aplikasi instansi", scopes=scopes or ALL_SCOPES
    )
    return raw
