"""Bahasa Indonesia by default, English complete and switchable on every page (the
audit checks the switch is there), the choice remembered across pages; plain-language
explanations of anonymous vs confidential, deadlines and statuses in both languages."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Live
from tests.browser.keyboard import activate

EXPLAINED = {
    "id": {
        "submit": ("anonim", "identitas", "rahasia", "tidak pernah ditampilkan untuk publik"),
        "track": ("Apa arti status dan batas waktu?", "hari kerja", "Menunggu verifikasi"),
    },
    "en": {
        "submit": ("anonymous", "identity", "confidential", "never shown"),
        "track": ("What do the statuses and deadlines mean?", "working days"),
    },
}


def test_indonesian_by_default_switch_remembered(live: Live, browser: Any) -> None:
    # A browser with no stated preference (as many phones send "id" or nothing): Indonesian.
    context = browser.new_context(base_url=live.url, locale="id-ID", bypass_csp=True)
    page = context.new_page()
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "id"
    activate(page, "form.lang-switch button")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.rstrip("/") == live.url  # back on the same page
    page.goto("/lacak/")  # remembered on the next page
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Track" in page.locator("h1").inner_text()
    activate(page, "form.lang-switch button")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.url.endswith("/lacak/")
    context.close()


def test_plain_language_explanations(live: Live, shared_context: Any) -> None:
    for lang, wanted in EXPLAINED.items():
        page = shared_context(lang, "anon").new_page()
        page.goto("/lapor/")
        text = page.locator("main").inner_text()
        missing = [w for w in wanted["submit"] if w.lower() not in text.lower()]
        assert not missing, f"submit form ({lang}) does not explain {missing}"
        page.goto(f"/lacak/{live.scene['tracking_id']}/")
        page.locator(".status-help summary").click()
        text = page.locator("main").inner_text()
        missing = [w for w in wanted["track"] if w.lower() not in text.lower()]
        assert not missing, f"tracking page ({lang}) does not explain {missing}"
        page.close()
