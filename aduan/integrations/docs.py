"""The browsable API documentation: the OpenAPI schema rendered as a plain HTML page.

Works offline and without JavaScript (no Swagger UI from a CDN): every operation of the
schema, grouped by tag, with its parameters, request body and responses, then every data
schema with its fields, after a short "getting started" for agency developers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator

from aduan.integrations.auth import DEFAULT_RATE_PER_MINUTE, rate_per_minute

METHODS = ("get", "post", "put", "patch", "delete")
TAG_ORDER = ("agency", "webhooks", "reports", "catalog")


@dataclass(frozen=True)
class Param:
    name: str
    location: str
    required: bool
    type: str
    description: SafeString


@dataclass(frozen=True)
class Body:
    content_type: str
    schema: str
    ref: str  # anchor of the component described below, if it is one


@dataclass(frozen=True)
class Reply:
    status: str
    description: SafeString
    schema: str
    ref: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: SafeString
    anchor: str
    authenticated: bool
    params: list[Param] = field(default_factory=list)
    bodies: list[Body] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)


@dataclass
class Tag:
    name: str
    anchor: str
    operations: list[Operation] = field(default_factory=list)


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    required: bool
    description: SafeString


@dataclass(frozen=True)
class Component:
    name: str
    anchor: str
    description: SafeString
    properties: list[Property]


# ---- a small Markdown subset (what the schema's descriptions use) -----------------------

_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")


def _inline(text: str) -> str:
    html = str(escape(text))
    html = _CODE.sub(r"<code>\1</code>", html)
    return _BOLD.sub(r"<strong>\1</strong>", html)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _table(lines: list[str]) -> str:
    head, rows = _cells(lines[0]), [_cells(x) for x in lines[2:]]
    out = ["<table><thead><tr>"]
    out += [f'<th scope="col">{_inline(c)}</th>' for c in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def markdown(text: str) -> SafeString:
    """Paragraphs, bullet lists, pipe tables, `code` and **bold**; everything escaped."""
    blocks = [b for b in re.split(r"\n\s*\n", (text or "").strip()) if b.strip()]
    out = []
    for block in blocks:
        lines = [line for line in block.splitlines() if line.strip()]
        if len(lines) >= 2 and all(line.lstrip().startswith("|") for line in lines):
            out.append(_table(lines))
        elif all(line.lstrip().startswith(("- ", "* ")) for line in lines):
            items = "".join(f"<li>{_inline(line.lstrip()[2:])}</li>" for line in lines)
            out.append(f"<ul>{items}</ul>")
        else:
            out.append(f"<p>{_inline(' '.join(line.strip() for line in lines))}</p>")
    # Every piece above was escaped before markup was added.
    return mark_safe("".join(out))


# ---- from the schema ------------------------------------------------------------------


def _type(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for combinator in ("allOf", "oneOf", "anyOf"):
        if combinator in schema:
            parts = [_type(s) for s in schema[combinator]]
            return " | ".join(p for p in parts if p)
    kind = schema.get("type", "object")
    if kind == "array":
        return f"{_type(schema.get('items'))}[]"
    if "enum" in schema:
        values = ", ".join(str(v) for v in schema["enum"] if v not in ("", None))
        return f"{kind} ({values})"
    fmt = schema.get("format")
    text = f"{kind} ({fmt})" if fmt else str(kind)
    return f"{text}, null" if schema.get("nullable") else text


def _ref(schema: dict[str, Any] | None) -> str:
    """The anchor of the component a schema names (directly or as array items)."""
    if not schema:
        return ""
    if "$ref" in schema:
        return _anchor("schema", str(schema["$ref"]).rsplit("/", 1)[-1])
    if schema.get("type") == "array":
        return _ref(schema.get("items"))
    return ""


def _anchor(*parts: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")


def _operation(path: str, method: str, op: dict[str, Any]) -> Operation:
    params = [
        Param(
            name=p["name"],
            location=p["in"],
            required=bool(p.get("required")),
            type=_type(p.get("schema")),
            description=markdown(p.get("description", "")),
        )
        for p in op.get("parameters", [])
    ]
    content = op.get("requestBody", {}).get("content", {})
    bodies = [Body(ct, _type(c.get("schema")), _ref(c.get("schema"))) for ct, c in content.items()]
    replies = []
    for code, reply in op.get("responses", {}).items():
        schemas = [c.get("schema") for c in reply.get("content", {}).values()]
        first = schemas[0] if schemas else None
        replies.append(
            Reply(
                status=str(code),
                description=markdown(reply.get("description", "")),
                schema=_type(first),
                ref=_ref(first),
            )
        )
    return Operation(
        method=method.upper(),
        path=path,
        summary=op.get("summary", ""),
        description=markdown(op.get("description", "")),
        anchor=_anchor("op", op.get("operationId", f"{method}-{path}")),
        authenticated=any(s for s in op.get("security", []) if s),
        params=params,
        bodies=bodies,
        replies=replies,
    )


def _tags(schema: dict[str, Any]) -> list[Tag]:
    tags: dict[str, Tag] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            name = (op.get("tags") or ["other"])[0]
            tag = tags.setdefault(name, Tag(name=name, anchor=_anchor("tag", name)))
            tag.operations.append(_operation(path, method, op))
    order = {name: i for i, name in enumerate(TAG_ORDER)}
    return sorted(tags.values(), key=lambda t: (order.get(t.name, len(order)), t.name))


def _components(schema: dict[str, Any]) -> list[Component]:
    out = []
    for name, spec in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(spec.get("required", []))
        props = [
            Property(
                name=prop,
                type=_type(detail),
                required=prop in required,
                description=markdown(detail.get("description", "")),
            )
            for prop, detail in spec.get("properties", {}).items()
        ]
        description = spec.get("description", "")
        if not props and "enum" in spec:
            description = f"{description}\n\n{_type(spec)}".strip()
        out.append(
            Component(
                name=name,
                anchor=_anchor("schema", name),
                description=markdown(description),
                properties=props,
            )
        )
    return out


@dataclass(frozen=True)
class DocsPage:
    title: str
    version: str
    tags: list[Tag]
    components: list[Component]


@lru_cache(maxsize=4)
def docs_page(language: str) -> DocsPage:
    """Built once per language: generating the schema walks every endpoint."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    info = schema.get("info", {})
    return DocsPage(
        title=info.get("title", "API"),
        version=info.get("version", ""),
        tags=_tags(schema),
        components=_components(schema),
    )


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    page = docs_page(get_language() or settings.LANGUAGE_CODE)
    context = {
        "page": page,
        "site": settings.SITE_URL,
        "rate": rate_per_minute() or DEFAULT_RATE_PER_MINUTE,
    }
    return render(request, "integrations/api_docs.html", context)
