"""Every citizen page: works without JavaScript, accessible structure, language switch."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.views.submit import RECEIPT_SESSION_KEY
from tests.factories import submit

FORM_CONTROLS = {"input", "select", "textarea"}
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button"}


@dataclass
class PageStructure(HTMLParser):
    """Collects what an accessibility review of a server-rendered page looks at."""

    html_lang: str | None = None
    h1_count: int = 0
    landmarks: set[str] = field(default_factory=set)
    main_id: str | None = None
    first_link: str | None = None
    label_for: set[str] = field(default_factory=set)
    controls: list[tuple[str, str | None, bool]] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    lang_forms: int = 0
    _label_depth: int = 0

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        elif tag == "h1":
            self.h1_count += 1
        elif tag in {"header", "nav", "main", "footer"}:
            self.landmarks.add(tag)
            if tag == "main":
                self.main_id = a.get("id")
        elif tag == "a" and self.first_link is None:
            self.first_link = a.get("href")
        elif tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"] or "")
        elif tag == "form" and a.get("action") == "/i18n/setlang/":
            self.lang_forms += 1
        if tag in FORM_CONTROLS and a.get("type") not in UNLABELLED_INPUT_TYPES:
            self.controls.append((tag, a.get("id"), self._label_depth > 0))
        for attr in ("src", "href"):
            value = a.get(attr) or ""
            if tag in {"link", "script", "img"} and value.startswith(("http:", "https:", "//")):
                self.external.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_depth -= 1

    def unlabelled(self) -> list[tuple[str, str | None, bool]]:
        return [c for c in self.controls if not c[2] and c[1] not in self.label_for]


def structure(response: Any) -> PageStructure:
    parser = PageStructure()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def public_report(world: Any) -> Any:
    receipt = submit(region=world.region_bandung)
    transition(
        receipt.report,
        "dispatch",
        actor=Actor.staff(world.desk),
        change=Change(agency=world.bandung),
    )
    return receipt


def page_urls(receipt: Any) -> list[tuple[str, dict[str, str], int]]:
    tid = receipt.tracking_id
    return [
        ("/", {}, 200),
        ("/lapor/", {}, 200),
        ("/lapor/terkirim/", {}, 200),
        ("/lacak/", {}, 200),
        ("/lacak/", {"id": "TIDAKADA"}, 404),
        (f"/lacak/{tid}/", {}, 200),
        (f"/lacak/{tid}/", {"k": receipt.secret}, 200),
        ("/laporan/", {}, 200),
        ("/laporan/", {"agency": "nope"}, 200),
        ("/halaman-yang-tidak-ada/", {}, 404),
    ]


def test_every_page_has_accessible_structure(client: Any, public_report: Any) -> None:
    for url, params, status in page_urls(public_report):
        response = client.get(url, params)
        assert response.status_code == status, url
        page = structure(response)
        where = f"{url} {params}"
        assert page.html_lang == "id", where
        assert page.h1_count == 1, where
        assert {"header", "nav", "main", "footer"} <= page.landmarks, where
        assert page.main_id == "main", where
        assert page.first_link == "#main", where  # the skip link comes first
        assert page.unlabelled() == [], where
        assert page.lang_forms == 1, where
        assert page.external == [], where


def test_form_with_errors_keeps_structure(client: Any, world: Any) -> None:
    response = client.post("/lapor/", {"title": "", "body": ""})
    assert response.status_code == 200
    page = structure(response)
    assert page.h1_count == 1
    assert page.unlabelled() == []
    assert response.content.decode().count('role="alert"') == 1


def test_home_explains_types_steps_and_deadlines(client: Any, db: Any) -> None:
    html = client.get("/").content.decode()
    for text in (
        "Pengaduan",
        "Aspirasi",
        "Permintaan informasi",
        "3 hari kerja",
        "5 hari kerja",
        "14 hari kerja",
        "60 hari kerja",
    ):
        assert text in html, text
    for link in ('href="/lapor/"', 'href="/lacak/"', 'href="/laporan/"'):
        assert link in html


def test_home_reads_limits_from_data(client: Any, db: Any) -> None:
    from aduan.sla import deadlines
    from aduan.sla.models import SlaLimit

    SlaLimit.objects.update_or_create(
        key=SlaLimit.Key.COMPLETION_COMPLAINT, defaults={"days": 21, "unit": "working"}
    )
    deadlines.clear_cache()
    assert "21 hari kerja untuk pengaduan" in client.get("/").content.decode()


def test_language_switch_changes_html_lang(client: Any, db: Any) -> None:
    home = client.get("/").content.decode()
    assert '<html lang="id">' in home
    assert 'name="language" value="en"' in home
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/laporan/"})
    assert response.status_code == 302
    assert response["Location"] == "/laporan/"
    english = client.get("/laporan/").content.decode()
    assert '<html lang="en">' in english
    assert 'name="language" value="id"' in english
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert '<html lang="id">' in client.get("/").content.decode()


def test_language_switch_on_receipt_returns_to_private_link(client: Any, world: Any) -> None:
    session = client.session
    session[RECEIPT_SESSION_KEY] = {
        "tracking_id": "0000000000",
        "secret": "rahasia",
        "email": False,
    }
    session.save()
    html = client.get("/lapor/terkirim/").content.decode()
    assert 'name="next" value="/lacak/0000000000/?k=rahasia"' in html


def test_css_is_small_and_self_contained() -> None:
    css = Path(settings.BASE_DIR, "static", "aduan", "aduan.css").read_text()
    assert len(css.encode()) < 15 * 1024
    assert "@import" not in css and "url(" not in css and "@font-face" not in css
    assert ":focus" in css


def test_static_files_are_found_for_collectstatic() -> None:
    from django.contrib.staticfiles import finders

    assert finders.find("aduan/aduan.css")
    assert finders.find("aduan/report-form.js")


def test_expired_form_gets_a_friendly_403(db: Any) -> None:
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/lapor/", {"title": "x"})
    assert response.status_code == 403
    assert "Formulir kedaluwarsa" in response.content.decode()
