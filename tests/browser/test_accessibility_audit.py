"""axe-core on every public and staff page, in Bahasa Indonesia and English: no violation
of impact serious or critical. The page list comes from the URL configuration
(tests/browser/pages.py); a pattern nobody classified fails, and so does a page the
audit did not reach."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser import axe
from tests.browser.conftest import ARTIFACTS, LANGUAGES, Live
from tests.browser.pages import AUTO_STAFF_ROLES, Page, classified_routes, page_path

AUDITED: dict[tuple[str, str, str], list[dict[str, Any]]] = {}  # (name, role, lang) -> found


def _cases() -> list[Any]:
    cases = []
    for c in classified_routes():
        if isinstance(c.what, Page):
            for role in c.what.roles:
                for lang in LANGUAGES:
                    cases.append(pytest.param(c, role, lang, id=f"{c.route.name}-{role}-{lang}"))
    return cases


def test_every_url_pattern_is_classified() -> None:
    missing = [
        f"{c.route.name or '(unnamed)'} /{c.route.pattern}: {c.why_unclassified}"
        for c in classified_routes()
        if c.what is None
    ]
    assert not missing, (
        "URL patterns the accessibility audit cannot open: classify them in "
        "tests/browser/pages.py (CLASSIFIED) as a Page or NotAPage with a reason:\n  "
        + "\n  ".join(missing)
    )


def _open_as(shared_context: Any, role: str, lang: str, path: str) -> Any:
    roles = AUTO_STAFF_ROLES if role == "auto" else (role,)
    statuses = []
    for who in roles:
        tab = shared_context(lang, who).new_page()
        try:
            answer = tab.goto(path)
        except Exception as exc:  # a download, not a page
            tab.close()
            pytest.fail(
                f"{path} is not an HTML page ({str(exc).splitlines()[0]}): classify it as "
                "NotAPage in tests/browser/pages.py"
            )
        assert answer is not None
        kind = answer.headers.get("content-type", "")
        sent_to_login = "/akun/masuk/" in tab.url and not path.startswith("/akun/masuk/")
        if answer.status == 200 and not sent_to_login and "text/html" in kind:
            return tab, who
        statuses.append(f"{who}: {answer.status} {kind} at {tab.url}")
        tab.close()
    pytest.fail(f"{path} does not open as {', '.join(roles)}: " + "; ".join(statuses))


@pytest.mark.parametrize(("classified", "role", "lang"), _cases())
def test_page_has_no_serious_violations(
    classified: Any, role: str, lang: str, live: Live, shared_context: Any
) -> None:
    page: Page = classified.what
    path = page_path(classified.route, page, live.scene)
    tab, who = _open_as(shared_context, role, lang, path)
    assert tab.locator("html").get_attribute("lang") == lang
    found = axe.audit(tab)
    AUDITED[(classified.route.name, role, lang)] = found
    _record(classified.route.name, page.kind, who, lang, path, found)
    tab.close()
    assert not found, f"{path} as {who} ({lang}):\n{axe.describe(found)}"


def _record(name: str, kind: str, role: str, lang: str, path: str, found: list[Any]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (ARTIFACTS / "accessibility-audit.jsonl").open("a") as out:
        row = {"name": name, "kind": kind, "role": role, "lang": lang, "path": path}
        out.write(json.dumps({**row, "violations": found}) + "\n")


def test_zz_every_page_was_audited_in_both_languages() -> None:
    """Runs last in this file: every page of the URL configuration was opened and
    audited as each of its roles in each language (a page skipped or deselected leaves
    a hole here)."""
    expected = {
        (c.route.name, role, lang)
        for c in classified_routes()
        if isinstance(c.what, Page)
        for role in c.what.roles
        for lang in LANGUAGES
    }
    missing = sorted(expected - set(AUDITED))
    assert not missing, f"pages not audited: {missing}"
