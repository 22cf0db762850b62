"""``aduan backup`` / ``aduan restore``: restore into an empty database and compare every
report, event and attachment checksum (SQLite and PostgreSQL, whichever the tests run on)."""

from __future__ import annotations

import hashlib
import io
import sqlite3
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from aduan.audit import chain
from aduan.audit.services import audit_record
from aduan.core import backup as bk
from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.uploads import CleanFile
from tests.factories import submit

pytestmark = pytest.mark.django_db(transaction=True)

QUERIES = {
    "reports": "SELECT id, tracking_id, title, body, status, reporter_name FROM reports_report",
    "events": (
        "SELECT id, seq, prev_hash, hash, report_id, action, message, created_at "
        "FROM reports_reportevent"
    ),
    "attachments": "SELECT id, report_id, event_id, sha256, file, size FROM reports_attachment",
    "audit": "SELECT id, seq, hash, action FROM audit_auditrecord",
    "heads": "SELECT name, seq, hash FROM audit_chainhead",
}


def is_sqlite() -> bool:
    return connection.vendor == "sqlite"


@pytest.fixture
def target(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """An empty database of the same engine, next to the test database."""
    db = dict(connection.settings_dict)
    if is_sqlite():
        db["NAME"] = str(tmp_path / "restored.sqlite3")
        yield db
        return
    name = f"{db['NAME']}_restored"[:60]
    admin = bk._pg_connect(db)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    db["NAME"] = name
    try:
        yield db
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def rows(db: dict[str, Any] | None, query: str) -> list[tuple[Any, ...]]:
    order = " ORDER BY 1"
    if db is None:
        with connection.cursor() as cursor:
            cursor.execute(query + order)
            return [tuple(str(v) for v in r) for r in cursor.fetchall()]
    if is_sqlite():
        con = sqlite3.connect(db["NAME"])
        try:
            return [tuple(str(v) for v in r) for r in con.execute(query + order).fetchall()]
        finally:
            con.close()
    con = bk._pg_connect(db)
    try:
        return [tuple(str(v) for v in r) for r in con.execute(query + order).fetchall()]
    finally:
        con.close()


def checksums(media: Path, attachments: list[tuple[Any, ...]]) -> dict[str, str]:
    return {a[4]: hashlib.sha256((media / a[4]).read_bytes()).hexdigest() for a in attachments}


def pdf(text: str) -> CleanFile:
    return CleanFile(
        name="surat.pdf", content_type="application/pdf", data=f"%PDF-1.4\n{text}\n".encode()
    )


def make_history(world: Any) -> None:
    for i in range(3):
        receipt = submit(
            title=f"Jembatan retak nomor {i}",
            reporter_name=f"Pelapor {i}",
            attachments=[pdf(f"lampiran {i}"), pdf(f"foto {i}")],
        )
        transition(
            receipt.report,
            "request_info",
            actor=Actor.staff(world.desk),
            change=Change(message=f"Mohon lengkapi lokasi {i}."),
        )
        audit_record(actor=world.desk, action="view_identity", report=receipt.report)


def test_backup_and_restore_into_an_empty_database(
    world: Any, tmp_path: Path, target: dict[str, Any]
) -> None:
    make_history(world)
    archive = tmp_path / "aduan.tar.gz"
    out = io.StringIO()
    call_command("backup", "--output", str(archive), stdout=out)
    assert "6 attachment files" in out.getvalue()

    restored_media = tmp_path / "restored-media"
    done = bk.restore(archive, db=target, media_root=restored_media)
    assert done["files"] == 6

    for name, query in QUERIES.items():
        original, copy = rows(None, query), rows(target, query)
        assert original == copy, name
        assert original, name
    attachments = rows(target, QUERIES["attachments"])
    assert len(attachments) == 6
    restored = checksums(restored_media, attachments)
    assert restored == checksums(Path(settings.MEDIA_ROOT), attachments)
    assert sorted(restored.values()) == sorted(a[3] for a in attachments)
    assert all(r.ok for r in chain.verify_all())

    # A second restore over the now non-empty database is refused without --force.
    with pytest.raises(bk.BackupError, match="--force"):
        bk.restore(archive, db=target, media_root=restored_media)
    assert bk.restore(archive, db=target, media_root=restored_media, force=True)["files"] == 6
    assert rows(target, QUERIES["events"]) == rows(None, QUERIES["events"])


def test_restore_command_refuses_the_live_database(world: Any, tmp_path: Path) -> None:
    make_history(world)
    archive = tmp_path / "aduan.tar"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="already holds reports"):
        call_command("restore", str(archive), stdout=io.StringIO())


def test_tampered_archive_is_refused_before_anything_is_written(
    world: Any, tmp_path: Path, target: dict[str, Any]
) -> None:
    make_history(world)
    archive = tmp_path / "aduan.tar"
    bk.backup(archive)
    forged = tmp_path / "forged.tar"
    with tarfile.open(archive) as src, tarfile.open(forged, "w") as dst:
        for member in src:
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("media/") and b"lampiran 1" in data:
                data = data.replace(b"lampiran 1", b"lampiran X")
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(bk.BackupError, match="checksum verification failed"):
        bk.restore(forged, db=target, media_root=tmp_path / "m")
    assert not (tmp_path / "m").exists()
    assert not bk._has_content(target)


def test_backup_taken_while_reports_arrive_is_one_consistent_snapshot(
    world: Any, tmp_path: Path, target: dict[str, Any]
) -> None:
    make_history(world)
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            n = 0
            while not stop.is_set() and n < 40:
                submit(title=f"Laporan saat pencadangan {n}", attachments=[pdf(f"x{n}")])
                n += 1
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        archive = tmp_path / "live.tar"
        manifest = bk.backup(archive).manifest
    finally:
        stop.set()
        thread.join()
    assert errors == []
    bk.restore(archive, db=target, media_root=tmp_path / "restored-media")
    (events_head,) = [h for h in rows(target, QUERIES["heads"]) if h[0] == "events"]
    events = rows(target, QUERIES["events"])
    # Head and rows come from the same instant: the chain is complete and unbroken.
    assert int(events_head[1]) == len(events) == manifest["tables"]["reports_reportevent"]
    assert [int(e[1]) for e in events] == list(range(1, len(events) + 1))
    assert events_head[2] == max(events, key=lambda e: int(e[1]))[3]
    attachments = rows(target, QUERIES["attachments"])
    restored = checksums(tmp_path / "restored-media", attachments)
    assert sorted(restored.values()) == sorted(a[3] for a in attachments)
