"""Keyboard-only driving: Tab to a control (checking that every stop on the way shows a
visible focus indicator), then Enter, Space or typing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import SCREENSHOTS

FOCUS_STYLE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return '';  // past the last stop: the browser's own UI
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const shadow = s.boxShadow && s.boxShadow !== 'none';
    const r = el.getBoundingClientRect();
    if (!(outline || shadow)) return 'no focus indicator on ' + el.outerHTML.slice(0, 120);
    if (r.width === 0 && r.height === 0) return 'invisible: ' + el.outerHTML.slice(0, 120);
    return '';
}"""


def focus_problem(page: Any) -> str:
    return str(page.evaluate(FOCUS_STYLE))


def tab_to(page: Any, selector: str, *, limit: int = 250) -> None:
    """Presses Tab until the element matching ``selector`` has focus; every element
    focused on the way must show a focus indicator."""
    target = page.locator(selector).first
    target.wait_for(state="attached")
    handle = target.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        problem = focus_problem(page)
        assert not problem, f"while tabbing to {selector} on {page.url}: {problem}"
        if page.evaluate("el => document.activeElement === el", handle):
            return
    raise AssertionError(f"{selector} not reached with {limit} Tab presses on {page.url}")


def type_into(page: Any, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def choose(page: Any, selector: str, text: str) -> None:
    """Selects an option of a <select> by typing its first letters (type-ahead)."""
    tab_to(page, selector)
    page.keyboard.type(text, delay=20)
    chosen = page.evaluate(
        "el => el.options[el.selectedIndex] ? el.options[el.selectedIndex].text : ''",
        page.locator(selector).first.element_handle(),
    )
    assert chosen.startswith(text), f"typing {text!r} on {selector} chose {chosen!r}"


def activate(page: Any, selector: str, key: str = "Enter") -> None:
    """Tabs to a link or button and presses Enter (or Space), waiting for the page."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press(key)
    assert_not_refused(page)


def assert_not_refused(page: Any) -> None:
    """Django's CSRF check refused the form: say why a browser gets there."""
    refused = page.locator("h1").first.inner_text() if page.locator("h1").count() else ""
    assert refused not in {"Formulir kedaluwarsa", "Form expired"}, (
        f"CSRF refused the form posted from {page.url}. If that page sends "
        "'Referrer-Policy: no-referrer', Chromium posts its forms with 'Origin: null', which "
        "Django refuses: use 'strict-origin' (never sends the path) instead."
    )


def snap(page: Any, name: str, widths: tuple[int, ...] = (360, 1280)) -> list[Path]:
    """Full-page screenshots at phone and desktop widths in test-artifacts/screenshots."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or {"width": 1280, "height": 900}
    paths = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        path = SCREENSHOTS / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    page.set_viewport_size(size)
    return paths
