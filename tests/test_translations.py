"""English stays complete as the code changes.

Source strings are Bahasa Indonesia. These tests extract every message from the current
source (into a temporary copy, so the repository is never written to), and fail listing
each one that the committed English catalogue misses, leaves untranslated or fuzzy; they
also fail when the committed .mo is not what the committed .po compiles to, and check that
key pages really render in English. Fix a failure with ``scripts/update_translations.sh``,
then translate the entries it lists.

The catalogue checks need GNU gettext (``apt-get install gettext``) and skip without it;
the rendering checks only need the committed .mo.
"""

from __future__ import annotations

import gettext
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from django.conf import settings

from aduan.reports.lifecycle import Actor, Change, transition
from tests.factories import submit

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"
# Same extraction as scripts/update_translations.sh (its --ignore flags only matter for
# the folders around the package, which are not copied here).
EXTRACT_ARGS = ["makemessages", "--locale=en", "--no-location"]
GETTEXT_TOOLS = ("xgettext", "msgmerge", "msgfmt", "msgen")
FIX = "Run scripts/update_translations.sh, translate these entries in {po}, run it again."

needs_gettext = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in GETTEXT_TOOLS),
    reason="GNU gettext tools (xgettext, msgmerge, msgfmt, msgen) are not on PATH; "
    "install them with `apt-get install gettext` to check the translations",
)

# A catalogue key as Python's gettext stores it: "msgid", "context\x04msgid", or
# (msgid, plural index) for plural forms.
Key = str | tuple[str, int]


def _run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)  # noqa: S603
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stderr}"
    return result


def _compile(po: Path, mo: Path, *, fuzzy: bool = False) -> dict[Key, str]:
    """The messages msgfmt would ship: untranslated entries, and fuzzy ones unless asked
    for, are left out, exactly as at run time."""
    _run(["msgfmt", "--check-format", *(["--use-fuzzy"] if fuzzy else []), "-o", str(mo), str(po)])
    return _catalog(mo)


def _catalog(mo: Path) -> dict[Key, str]:
    with mo.open("rb") as fp:
        catalog: dict[Key, str] = gettext.GNUTranslations(fp)._catalog  # type: ignore[attr-defined]
    catalog.pop("", None)  # the header
    return catalog


def _every_entry(po: Path, tmp: Path) -> set[Key]:
    """Every non-obsolete msgid of a .po, translated or not (msgen fills the blanks)."""
    filled = tmp / f"{po.stem}.all.po"
    _run(["msgen", "-o", str(filled), str(po)])
    return set(_compile(filled, tmp / f"{po.stem}.all.mo", fuzzy=True))


def _describe(key: Key) -> str:
    msgid = key[0] if isinstance(key, tuple) else key
    context, _sep, text = msgid.rpartition("\x04")
    where = [f"context {context!r}"] if context else []
    if isinstance(key, tuple):
        where.append(f"plural form {key[1]}")
    return repr(text) + (f" ({', '.join(where)})" if where else "")


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory: pytest.TempPathFactory) -> set[Key]:
    """Every message of the current source, extracted by makemessages from a copy of the
    package: makemessages writes temporary files next to each template, so it never runs
    on the working tree (other test workers and editors share it)."""
    root = tmp_path_factory.mktemp("extract")
    shutil.copytree(
        settings.BASE_DIR,
        root / "aduan",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "locale", "static"),
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aduan.settings",
        "ADUAN_DATA_DIR": str(root / "var"),
    }
    # `python -m` puts the working directory first on sys.path: the copy is imported, so
    # its settings point LOCALE_PATHS into the copy too.
    _run([sys.executable, "-m", "django", *EXTRACT_ARGS], cwd=root, env=env)
    po = root / "aduan" / "locale" / "en" / "LC_MESSAGES" / "django.po"
    return _every_entry(po, root)


class Committed(NamedTuple):
    present: set[Key]  # every entry of the .po, translated or not
    fuzzy: dict[Key, str]  # what a compile that accepted fuzzy entries would ship
    shipped: dict[Key, str]  # what compilemessages ships


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> Committed:
    tmp = tmp_path_factory.mktemp("committed")
    return Committed(
        present=_every_entry(PO, tmp),
        fuzzy=_compile(PO, tmp / "fuzzy.mo", fuzzy=True),
        shipped=_compile(PO, tmp / "shipped.mo"),
    )


def _translated(key: Key, catalog: dict[Key, str]) -> bool:
    # Plural forms are separate keys, so each form needs its own text.
    return bool(catalog.get(key))


@needs_gettext
def test_every_source_message_has_an_english_translation(
    source_messages: set[Key], committed: Committed
) -> None:
    problems = []
    for key in sorted(source_messages, key=str):
        if _translated(key, committed.shipped):
            continue
        if key not in committed.present:
            why = "missing from the .po (or only obsolete there)"
        elif _translated(key, committed.fuzzy):
            why = "fuzzy: check the translation and remove the flag"
        else:
            why = "not translated"
        problems.append(f"  {_describe(key)}: {why}")
    assert not problems, (
        f"{len(problems)} English translation(s) to fix. {FIX.format(po=PO)}\n"
        + "\n".join(problems)
    )


@needs_gettext
def test_catalogue_has_no_entries_the_source_dropped(
    source_messages: set[Key], committed: Committed
) -> None:
    stale = sorted(committed.present - source_messages, key=str)
    assert not stale, (
        f"{len(stale)} entry(ies) in {PO} no longer appear in the source; run "
        "scripts/update_translations.sh to mark them obsolete:\n"
        + "\n".join(f"  {_describe(key)}" for key in stale)
    )


@needs_gettext
def test_translations_keep_placeholders_and_a_valid_header(tmp_path: Path) -> None:
    # --check also verifies %(name)s / {name} placeholders match the msgid's.
    _run(["msgfmt", "--check", "-o", str(tmp_path / "check.mo"), str(PO)])


@needs_gettext
def test_committed_mo_matches_the_po(committed: Committed) -> None:
    assert MO.exists(), f"{MO} is missing; run scripts/update_translations.sh"
    shipped, on_disk = committed.shipped, _catalog(MO)
    differ = sorted(
        {key for key in shipped.keys() | on_disk.keys() if shipped.get(key) != on_disk.get(key)},
        key=str,
    )
    assert not differ, (
        f"{MO} is out of date with {PO.name} ({len(differ)} message(s) differ); "
        "run scripts/update_translations.sh and commit the .mo:\n"
        + "\n".join(f"  {_describe(key)}" for key in differ[:20])
    )


# ---------------------------------------------------------------------------------------
# The site in English (uses the committed .mo; no gettext tools needed).


class VisibleText(HTMLParser):
    """Text a visitor sees or hears: text nodes and the attributes read out or shown."""

    ATTRIBUTES = {"aria-label", "placeholder", "title", "alt"}

    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1
        for name, value in attrs:
            shown = name in self.ATTRIBUTES or (name.startswith("data-") and "label" in name)
            if value and shown:
                self.items.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.items.append(" ".join(data.split()))


def visible_text(response: Any) -> list[str]:
    parser = VisibleText()
    parser.feed(response.content.decode())
    return parser.items


@pytest.fixture
def untranslated_indonesian() -> dict[str, str]:
    """Indonesian msgids whose English differs, as whole strings a page could show if a
    label escaped translation (e.g. evaluated at import time, or in the wrong language)."""
    return {
        key: text
        for key, text in _catalog(MO).items()
        if isinstance(key, str)
        and key != text
        and "\x04" not in key
        and not any(mark in key for mark in ("%", "{", "<"))
    }


@pytest.fixture
def english(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def dispatched(world: Any) -> Any:
    receipt = submit(region=world.region_bandung)
    transition(
        receipt.report,
        "dispatch",
        actor=Actor.staff(world.desk),
        change=Change(agency=world.bandung, category=world.category_roads),
    )
    return receipt


def english_pages(receipt: Any) -> Iterator[tuple[str, dict[str, str]]]:
    yield "/", {}
    yield "/lapor/", {}
    yield "/lacak/", {}
    yield "/lacak/", {"id": "TIDAKADA"}
    yield f"/lacak/{receipt.tracking_id}/", {}
    yield f"/lacak/{receipt.tracking_id}/", {"k": receipt.secret}
    yield "/laporan/", {}
    yield "/laporan/", {"status": "nope", "page": "9"}
    yield "/halaman-yang-tidak-ada/", {}


def test_pages_show_no_indonesian_labels_in_english(
    english: Any, dispatched: Any, untranslated_indonesian: dict[str, str]
) -> None:
    leftovers = []
    for url, params in english_pages(dispatched):
        response = english.get(url, params)
        assert '<html lang="en">' in response.content.decode(), url
        leftovers += [
            f"  {url} {params}: {item!r}"
            for item in visible_text(response)
            if item in untranslated_indonesian
        ]
    assert not leftovers, "Indonesian text on English pages:\n" + "\n".join(leftovers)


def test_form_heading_labels_and_errors_render_in_english(english: Any, world: Any) -> None:
    html = english.get("/lapor/").content.decode()
    assert "<h1>Make a report</h1>" in html
    for text in ("Report title", "Send report", "Keep the report confidential"):
        assert text in html, text
    assert "Buat laporan" not in html

    errors = english.post("/lapor/", {"title": "", "body": "pendek"}).content.decode()
    assert "Some things need fixing" in errors
    assert "Write a title for your report." in errors
    assert "Tulis judul laporan." not in errors


def test_tracking_page_shows_english_status_and_history(english: Any, dispatched: Any) -> None:
    html = english.get(f"/lacak/{dispatched.tracking_id}/").content.decode()
    assert "Dispatched to Pemerintah Kota Bandung" in html  # agency names stay as stored
    assert "Verified and dispatched" in html
    assert "Status changed from “Awaiting verification” to “Dispatched”." in html
    assert "Terdisposisi" not in html


def test_public_list_counts_in_english_plural(english: Any, world: Any, dispatched: Any) -> None:
    html = english.get("/laporan/").content.decode()
    assert "Public reports" in html
    assert "1 report" in html and "1 reports" not in html


def test_api_errors_follow_accept_language(client: Any, world: Any) -> None:
    missing = client.get("/api/v1/reports/TIDAKADA", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "Not found."

    invalid = client.post(
        "/api/v1/reports",
        data=json.dumps(
            {"type": "complaint", "title": "Jalan rusak", "body": "x" * 30, "region": "99"}
        ),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert invalid.status_code == 400
    assert invalid.json()["error"]["fields"]["region"] == [
        "There is no province or regency/city with code “99”."
    ]
