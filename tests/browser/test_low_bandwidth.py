"""Low bandwidth: every public page transfers under 100 KB on a first visit (document,
styles, scripts and fonts as sent over the wire; images excluded), asks no other host
for anything, and gets its static files compressed and cached for a long time."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import ARTIFACTS, Live
from tests.browser.pages import Page, classified_routes, page_path

BUDGET = 100 * 1024
COUNTED = {"Document", "Stylesheet", "Script", "Font"}
YEAR = 365 * 24 * 3600
WEIGHTS: dict[str, dict[str, Any]] = {}


def _public_pages() -> list[Any]:
    return [
        pytest.param(c, id=c.route.name)
        for c in classified_routes()
        if isinstance(c.what, Page) and c.what.kind == "public" and "anon" in c.what.roles
    ]


def measure(context: Any, path: str) -> dict[str, Any]:
    """Bytes on the wire per resource type (Chrome DevTools Protocol: encodedDataLength
    includes headers and compression), and every address the page asked for."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    kinds: dict[str, str] = {}
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    headers: dict[str, dict[str, str]] = {}
    cdp.on(
        "Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"])
    )
    cdp.on(
        "Network.responseReceived",
        lambda e: (
            kinds.__setitem__(e["requestId"], e["type"]),
            headers.__setitem__(
                e["requestId"], {k.lower(): v for k, v in e["response"]["headers"].items()}
            ),
        ),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    page.goto(path, wait_until="load")
    page.wait_for_load_state("networkidle")
    per_kind: dict[str, int] = {}
    for rid, size in sizes.items():
        kind = kinds.get(rid, "Other")
        per_kind[kind] = per_kind.get(kind, 0) + size
    statics = {
        urls[rid]: headers.get(rid, {})
        for rid in sizes
        if rid in urls and urlsplit(urls[rid]).path.startswith("/static/")
    }
    page.close()
    total = sum(v for k, v in per_kind.items() if k in COUNTED)
    return {
        "total": total,
        "per_kind": per_kind,
        "urls": sorted(set(urls.values())),
        "static": statics,
    }


@pytest.mark.parametrize("classified", _public_pages())
def test_public_page_is_light(classified: Any, live: Live, make_context: Any) -> None:
    path = page_path(classified.route, classified.what, live.scene)
    context = make_context("id")  # fresh context: empty cache, first visit
    found = measure(context, path)
    context.close()
    WEIGHTS[path] = found
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "page-weights.json").write_text(
        json.dumps(
            {p: {"bytes": w["total"], **w["per_kind"]} for p, w in WEIGHTS.items()}, indent=1
        )
    )
    own = urlsplit(live.url).netloc
    elsewhere = [u for u in found["urls"] if urlsplit(u).netloc not in (own, "")]
    assert not elsewhere, f"{path} asks other hosts: {elsewhere}"
    assert found["total"] < BUDGET, f"{path} transfers {found['total']} bytes: {found['per_kind']}"
    for url, head in found["static"].items():
        assert head.get("content-encoding") in {"gzip", "br"}, f"{url} not compressed: {head}"
        max_age = [
            int(p.split("=")[1])
            for p in head.get("cache-control", "").split(", ")
            if p.startswith("max-age=")
        ]
        assert max_age and max_age[0] >= YEAR, f"{url} cached briefly: {head.get('cache-control')}"


def test_pages_are_compressed(live: Live, make_context: Any) -> None:
    context = make_context("id")
    page = context.new_page()
    answer = page.goto("/lapor/")
    assert answer is not None
    assert answer.headers.get("content-encoding") in {"gzip", "br"}, answer.headers
    context.close()
