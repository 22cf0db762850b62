"""One representation, two formats: plain dicts and lists rendered as the spec's JSON or
XML, and the spec's error bodies.

XML is only ever *written* here (with ElementTree, which escapes text and attribute
values); the endpoints read form-encoded input, never XML, so there is no XML parsing
attack surface (entities, billion laughs) at all.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpResponse

JSON = "json"
XML = "xml"
FORMATS = (JSON, XML)
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
# The MIME types announced in discovery.
MIME_TYPES = ["text/xml", "application/json"]

# Element names of list items inside an object (``<formats><format>…``).
NESTED_ITEMS = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}

# Characters XML 1.0 cannot carry at all (C0 controls but tab/newline/CR, lone
# surrogates, U+FFFE/U+FFFF): dropped rather than producing a document no parser reads.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_INVALID.sub("", str(value))


def _fill(element: ET.Element, data: Mapping[str, Any]) -> None:
    for name, value in data.items():
        child = ET.SubElement(element, name)
        if isinstance(value, Mapping):
            _fill(child, value)
        elif isinstance(value, list | tuple):
            for entry in value:
                item = ET.SubElement(child, NESTED_ITEMS[name])
                if isinstance(entry, Mapping):
                    _fill(item, entry)
                else:
                    item.text = _text(entry)
        else:
            child.text = _text(value)


def to_xml(data: Mapping[str, Any] | Sequence[Mapping[str, Any]], *, root: str, item: str) -> bytes:
    """``data`` as XML: an object fills ``<root>``; a list gives one ``<item>`` each."""
    element = ET.Element(root)
    if isinstance(data, Mapping):
        _fill(element, data)
    else:
        for entry in data:
            _fill(ET.SubElement(element, item), entry)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8", "replace")


def to_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8", "replace")


def respond(
    data: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    fmt: str,
    root: str,
    item: str = "",
    status: int = 200,
) -> HttpResponse:
    body = to_json(data) if fmt == JSON else to_xml(data, root=root, item=item)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error_response(fmt: str, status: int, descriptions: Sequence[str]) -> HttpResponse:
    """The spec's error body; ``code`` is the HTTP status as a number, one entry per
    problem (a form with three bad fields gives three errors)."""
    errors = [{"code": status, "description": text} for text in descriptions]
    return respond(errors, fmt=fmt, root="errors", item="error", status=status)


def format_of(path: str) -> str:
    """The format an unknown URL asked for, by its extension; XML is the spec's default."""
    return JSON if path.rstrip("/").endswith(".json") else XML
