"""Every citizen journey works with JavaScript switched off: submit with an attachment
(listing districts by the server round trip), track, reply, close and rate; switching
the language too. JavaScript only enhances."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser.conftest import Live, sign_in
from tests.browser.keyboard import assert_not_refused
from tests.browser.test_journeys import BANDUNG, photo


def _select_by_text(page: Any, selector: str, text: str) -> None:
    value = page.evaluate(
        "([sel, text]) => { const o = [...document.querySelector(sel).options]"
        ".find(o => o.text.startsWith(text)); return o ? o.value : null; }",
        [selector, text],
    )
    assert value is not None, f"no option {text!r} in {selector}"
    page.select_option(selector, value)


def _staff_act(
    live: Live, make_context: Any, role: str, tracking_id: str, action: str, **fields: str
) -> None:
    context = make_context("id", js=False)
    page = context.new_page()
    sign_in(page, live, role)
    page.goto(f"/petugas/laporan/{tracking_id}/")
    panel = page.locator(f"#aksi-{action}")
    for name, value in fields.items():
        if name == "agency":
            _select_by_text(page, f"#aksi-{action} select[name$=agency]", value)
        else:
            panel.locator(f"[name$={name}]").fill(value)
    with page.expect_navigation():
        panel.locator("form[method=post] button[type=submit]").click()
    assert_not_refused(page)
    assert page.url.rstrip("/").endswith(("/petugas", tracking_id)), page.url
    context.close()


def test_citizen_journeys_without_javascript(live: Live, make_context: Any, tmp_path: Path) -> None:
    context = make_context("id", js=False)
    page = context.new_page()
    page.goto("/lapor/")
    assert page.locator("#id_province_helper").count() == 0  # no script ran
    page.fill("#id_title", "Lampu jalan mati tanpa JavaScript")
    page.fill("#id_body", "Lampu penerangan jalan di Jl. Riau mati sejak seminggu, gelap sekali.")
    _select_by_text(page, "#id_region", "Kota Bandung")
    # The districts of the chosen regency come from the server, by a button.
    with page.expect_navigation():
        page.click("[data-district-refresh] button")
    assert page.locator("#id_district option").count() > 1
    _select_by_text(page, "#id_agency", BANDUNG)
    page.set_input_files("#id_attachments", str(photo(tmp_path)))
    with page.expect_navigation():
        page.click("form.report-form > p > button[type=submit]")
    assert "/lapor/terkirim/" in page.url
    tracking = page.locator(".tracking-id").inner_text().strip()
    private_link = page.locator(".private-link a").get_attribute("href")
    raw = tracking.replace("-", "")

    page.goto("/lacak/")
    page.fill("#id_id", tracking)
    with page.expect_navigation():
        page.click("form.inline-form button[type=submit]")
    assert tracking in page.locator("h1").inner_text()

    _staff_act(live, make_context, "desk", raw, "dispatch", agency=BANDUNG)
    _staff_act(live, make_context, "officer", raw, "respond", message="Lampu sudah diganti.")

    page.goto(private_link)
    page.fill(
        "form[action$='/aksi/reply/'] textarea[name=reply-message]", "Yang di ujung masih mati."
    )
    with page.expect_navigation():
        page.click("form[action$='/aksi/reply/'] button[type=submit]")
    assert_not_refused(page)
    assert "Yang di ujung masih mati" in page.locator("ol.timeline").inner_text()

    _staff_act(live, make_context, "officer", raw, "respond", message="Semua lampu sudah diganti.")
    page.goto(private_link)
    with page.expect_navigation():
        page.click("form[action$='/aksi/close/'] button[type=submit]")
    page.check("form[action$='/aksi/rate/'] input[name=rate-rating][value='5']")
    page.check("form[action$='/aksi/rate/'] input[name=rate-resolved][value='yes']")
    with page.expect_navigation():
        page.click("form[action$='/aksi/rate/'] button[type=submit]")
    # Server-rendered: present once the navigation ended, or say what came instead.
    assert page.locator(".reporter-actions").count() == 1, (page.url, page.inner_text("main")[:400])
    assert re.search(r"\b5\b", page.locator(".reporter-actions").inner_text())

    # The language switch is a plain form.
    with page.expect_navigation():
        page.click("form.lang-switch button")
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()
