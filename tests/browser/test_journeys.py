"""The whole story of one report, by keyboard alone, in each language: a citizen submits
it with a photo and gets a tracking ID, tracks it; the desk verifies and dispatches it;
the officer responds; the citizen replies; the officer responds again; the citizen
closes and rates it. Every Tab stop on the way must show a visible focus indicator.
Screenshots of the key pages at 360 px and 1280 px go to test-artifacts/screenshots."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from aduan.demo.accounts import PASSWORD
from tests.browser.conftest import ACCOUNTS, LANGUAGES, Live
from tests.browser.keyboard import activate, choose, focus_problem, snap, tab_to, type_into

BANDUNG = "Pemerintah Kota Bandung"


def photo(tmp_path: Path) -> Path:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (32, 32), "orange").save(buf, "PNG")
    path = tmp_path / "jalan-berlubang.png"
    path.write_bytes(buf.getvalue())
    return path


def keyboard_sign_in(page: Any, role: str) -> None:
    page.goto("/akun/masuk/")
    type_into(page, "#id_username", ACCOUNTS[role])
    type_into(page, "#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/akun/masuk/" not in page.url, f"{role} could not sign in by keyboard"


def flash_text(page: Any) -> str:
    return " ".join(page.locator("[role=status], [role=alert], .messages").all_inner_texts())


def citizen_submits(page: Any, lang: str, tmp_path: Path, title: str) -> tuple[str, str]:
    page.goto("/")
    # The first Tab stop is the skip link; it is visible when focused and jumps to <main>.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert not focus_problem(page)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    activate(page, "nav.site-nav a[href='/lapor/']")
    assert page.url.endswith("/lapor/")

    # Sent empty: the errors are announced (role=alert), listed with links to the
    # fields, and each field says what is wrong (aria-invalid + aria-describedby).
    activate(page, "form.report-form > p > button[type=submit]")
    summary = page.locator(".error-summary[role=alert]")
    assert summary.count() == 1
    links = summary.locator("a[href^='#']")
    assert links.count() >= 2
    for href in links.evaluate_all("els => els.map(a => a.getAttribute('href'))"):
        field = page.locator(href)
        assert field.count() == 1, f"error link {href} points nowhere"
    title_box = page.locator("#id_title")
    assert title_box.get_attribute("aria-invalid") == "true"
    described = (title_box.get_attribute("aria-describedby") or "").split()
    error_ids = page.locator(".field-error .errorlist[id], .field-error [id$=_error]").evaluate_all(
        "els => els.map(e => e.id)"
    )
    assert set(described) & set(error_ids), f"title error not linked: {described} {error_ids}"
    # Following the summary's link puts the cursor in the field.
    tab_to(page, ".error-summary a[href='#id_title']")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_title"

    page.keyboard.type(title)
    type_into(
        page,
        "#id_body",
        "Jalan di depan SDN 1 Sukasari berlubang besar sejak dua minggu dan membahayakan "
        "pengendara motor, terutama saat hujan.",
    )
    if page.locator("#id_province_helper").count():  # JavaScript's province picker
        choose(page, "#id_province_helper", "Jawa Barat")
    choose(page, "#id_region", "Kota Bandung")
    choose(page, "#id_agency", BANDUNG)
    # The file input is reached by keyboard; the operating system's file dialog it opens
    # is outside the page, so Playwright hands it the file.
    tab_to(page, "#id_attachments")
    page.locator("#id_attachments").set_input_files(str(photo(tmp_path)))
    snap(page, f"submit-form-{lang}")
    activate(page, "form.report-form > p > button[type=submit]")
    assert "/lapor/terkirim/" in page.url, flash_text(page)
    tracking = page.locator(".tracking-id").inner_text().strip()
    private_link = page.locator(".private-link a").get_attribute("href")
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", tracking), tracking
    assert private_link
    snap(page, f"submitted-{lang}")

    # Tracking by number, from the menu.
    activate(page, "nav.site-nav a[href='/lacak/']")
    type_into(page, "#id_id", tracking)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert tracking in page.locator("h1").inner_text()
    # The status is text, not only a colour.
    assert page.locator(".status-box .status").inner_text().strip()
    return tracking, private_link


def desk_dispatches(page: Any, tracking_id: str) -> None:
    keyboard_sign_in(page, "desk")
    page.goto("/petugas/meja/")
    snap(page, f"desk-queue-{page.evaluate('document.documentElement.lang')}")
    activate(page, f"main a[href*='{tracking_id}']")
    select = "#aksi-dispatch select[name$=agency]"
    current = page.evaluate(
        "el => el.options[el.selectedIndex].text", page.locator(select).element_handle()
    )
    if not current.startswith(BANDUNG):
        choose(page, select, BANDUNG)
    activate(page, "#aksi-dispatch form[method=post] button[type=submit]")
    assert page.locator(".status, [role=status]").count(), flash_text(page)


def officer_responds(page: Any, tracking_id: str, message: str, *, shot: str = "") -> None:
    page.goto("/petugas/kotak-masuk/")
    activate(page, f"main a[href*='{tracking_id}']")
    if shot:
        snap(page, shot)
    type_into(page, "#aksi-respond textarea[name$=message]", message)
    activate(page, "#aksi-respond form[method=post] button[type=submit]")
    assert "/petugas/" in page.url


def timeline_text(page: Any) -> str:
    return " ".join(page.locator("ol.timeline").all_inner_texts())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_full_journey_by_keyboard(lang: str, live: Live, make_context: Any, tmp_path: Path) -> None:
    title = f"Jalan berlubang uji papan ketik {lang}"
    citizen = make_context(lang).new_page()
    tracking, private_link = citizen_submits(citizen, lang, tmp_path, title)
    raw_id = tracking.replace("-", "")

    desk = make_context(lang).new_page()
    desk_dispatches(desk, raw_id)

    officer = make_context(lang).new_page()
    keyboard_sign_in(officer, "officer")
    officer_responds(
        officer, raw_id, "Lubang sudah kami tambal kemarin.", shot=f"officer-report-{lang}"
    )

    # The citizen opens the private link, reads the answer and replies.
    citizen.goto(private_link)
    snap(citizen, f"track-responded-{lang}")
    assert "Lubang sudah kami tambal" in timeline_text(citizen)
    type_into(
        citizen, "form[action$='/aksi/reply/'] textarea[name=reply-message]", "Masih ada lubang."
    )
    activate(citizen, "form[action$='/aksi/reply/'] button[type=submit]")
    assert citizen.evaluate("document.activeElement.getAttribute('role')") == "status"
    assert "Masih ada lubang" in timeline_text(citizen)

    officer_responds(officer, raw_id, "Lubang kedua juga sudah ditambal.")

    citizen.goto(private_link)
    activate(citizen, "form[action$='/aksi/close/'] button[type=submit]")
    # Rating: radio buttons chosen with the arrow keys, sent with Enter.
    tab_to(
        citizen,
        "form[action$='/aksi/rate/'] input[name=rate-rating]:checked, "
        "form[action$='/aksi/rate/'] input[name=rate-rating]",
    )
    citizen.keyboard.press("Space")
    tab_to(citizen, "form[action$='/aksi/rate/'] input[name=rate-resolved]")
    citizen.keyboard.press("Space")
    activate(citizen, "form[action$='/aksi/rate/'] button[type=submit]")
    rated = citizen.locator(".reporter-actions").inner_text()
    assert re.search(r"\b[1-5]\b", rated), rated
    snap(citizen, f"track-closed-{lang}")
    # Every status change in the timeline is written out, not shown by colour alone.
    changes = citizen.locator("ol.timeline .change").all_inner_texts()
    assert len(changes) >= 4 and all(c.strip() for c in changes), changes
