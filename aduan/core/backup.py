"""Backup and restore: the database and the attachments in one tar archive.

Archive layout::

    manifest.json            format, engine, time, per-table row counts, SHA-256 of every file
    database.sqlite3         SQLite: a copy made with SQLite's online backup API
    database.pgdump          PostgreSQL: ``pg_dump --format=custom`` of one snapshot
    media/<path>             every file under MEDIA_ROOT (attachments)

Consistency while the system runs: the database copy is one snapshot (SQLite's backup API
copies a consistent state; ``pg_dump`` runs in the exported snapshot of a REPEATABLE READ
transaction in which the row counts are taken too). Attachment files are written before
the row that names them commits and are never changed, so copying the media directory
*after* the snapshot includes every file the snapshot refers to.

Restore checks every checksum before touching anything, refuses a database that already
holds reports or users unless ``force``, and checks the row counts afterwards.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"
# A database holding any of these rows is "not empty": restoring over it needs --force.
CONTENT_TABLES = ("reports_report", "reports_reportevent", "auth_user")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def _engine(db: dict[str, Any]) -> str:
    engine = str(db["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"unsupported database engine {engine}")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


# ---- PostgreSQL helpers ------------------------------------------------------------------


def pg_binary(name: str) -> str:
    """``pg_dump``/``pg_restore``: ADUAN_PG_BINDIR, then PATH, then ``pg_config --bindir``,
    then /usr/lib/postgresql/<newest>/bin."""
    candidates: list[Path] = []
    bindir = os.environ.get("ADUAN_PG_BINDIR") or getattr(settings, "ADUAN_PG_BINDIR", "")
    if bindir:
        candidates.append(Path(bindir) / name)
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(  # noqa: S603 - fixed argv from shutil.which, no shell
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
            candidates.append(Path(out) / name)
        except (OSError, subprocess.SubprocessError):
            pass
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    raise BackupError(
        f"{name} not found: install the PostgreSQL client tools or set ADUAN_PG_BINDIR"
    )


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    """Connection settings for the client tools, as environment (never on a command line,
    where the password would show in the process list)."""
    env = dict(os.environ)
    mapping = {"PGHOST": "HOST", "PGPORT": "PORT", "PGUSER": "USER", "PGPASSWORD": "PASSWORD"}
    for var, key in mapping.items():
        if db.get(key):
            env[var] = str(db[key])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def _pg_connect(db: dict[str, Any], name: str | None = None) -> Any:
    import psycopg

    kwargs: dict[str, Any] = {"dbname": name or db["NAME"], "autocommit": True}
    for key, arg in (
        ("HOST", "host"),
        ("PORT", "port"),
        ("USER", "user"),
        ("PASSWORD", "password"),
    ):
        if db.get(key):
            kwargs[arg] = db[key]
    return psycopg.connect(**kwargs)


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    # argv built here from a located binary and settings; no shell
    proc = subprocess.run(args, env=env, capture_output=True, text=True)  # noqa: S603
    if proc.returncode != 0:
        raise BackupError(f"{what} failed ({proc.returncode}): {proc.stderr.strip()[:2000]}")


# ---- table counts ------------------------------------------------------------------------


def _count(cursor: Any, tables: list[str], quote: str = '"') -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in sorted(tables):
        # Table names come from the database's own catalogue, quoted.
        cursor.execute(f"SELECT COUNT(*) FROM {quote}{table}{quote}")  # noqa: S608
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _sqlite_counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cur = con.cursor()
        cur.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
        return _count(cur, [r[0] for r in cur.fetchall()])
    finally:
        con.close()


_PG_TABLES = (
    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
)


# ---- backup ------------------------------------------------------------------------------


@dataclass
class Outcome:
    path: Path
    manifest: dict[str, Any]


def _add_file(tar: tarfile.TarFile, source: Path, name: str) -> str:
    digest = sha256_file(source)
    info = tar.gettarinfo(str(source), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    with source.open("rb") as fh:
        tar.addfile(info, fh)
    return digest


def _media_files(media_root: Path) -> Iterator[tuple[Path, str]]:
    if not media_root.is_dir():
        return
    for path in sorted(media_root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, path.relative_to(media_root).as_posix()


def backup(
    output: Path, *, db: dict[str, Any] | None = None, media_root: Path | None = None
) -> Outcome:
    from django.db import connections

    db = db or connections["default"].settings_dict
    media = Path(media_root or settings.MEDIA_ROOT)
    engine = _engine(db)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    files: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="aduan-backup-") as tmp:
        if engine == "sqlite":
            dump = Path(tmp) / SQLITE_MEMBER
            source = sqlite3.connect(str(db["NAME"]), timeout=30)
            target = sqlite3.connect(str(dump))
            try:
                # Online backup: a consistent copy while other processes keep writing.
                source.backup(target)
            finally:
                target.close()
                source.close()
            counts = _sqlite_counts(dump)
            member = SQLITE_MEMBER
        else:
            dump = Path(tmp) / PG_MEMBER
            counts = _pg_dump(db, dump)
            member = PG_MEMBER
        mode = "w:gz" if output.name.endswith((".gz", ".tgz")) else "w"
        with tarfile.open(partial, mode) as tar:  # type: ignore[call-overload]
            files[member] = _add_file(tar, dump, member)
            for path, rel in _media_files(media):
                files[MEDIA_PREFIX + rel] = _add_file(tar, path, MEDIA_PREFIX + rel)
            manifest = {
                "format": FORMAT,
                "engine": engine,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": member,
                "tables": counts,
                "files": files,
            }
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(data), 0o600
            info.mtime = int(datetime.now(UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
    partial.replace(output)
    return Outcome(output, manifest)


def _pg_dump(db: dict[str, Any], dump: Path) -> dict[str, int]:
    """pg_dump in the snapshot in which the rows are counted."""
    pg_dump = pg_binary("pg_dump")
    con = _pg_connect(db)
    try:
        con.autocommit = False
        with con.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = str(cur.fetchone()[0])
            cur.execute(_PG_TABLES)
            counts = _count(cur, [r[0] for r in cur.fetchall()])
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                ],
                _pg_env(db),
                "pg_dump",
            )
        con.rollback()
    finally:
        con.close()
    return counts


# ---- restore -----------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


@contextmanager
def _unpacked(archive: Path) -> Iterator[tuple[dict[str, Any], Path]]:
    """The archive unpacked into a temporary directory, every checksum verified."""
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    with tempfile.TemporaryDirectory(prefix="aduan-restore-") as tmp:
        root = Path(tmp)
        try:
            tar = tarfile.open(archive, "r:*")  # noqa: SIM115 - closed by the with below
        except tarfile.TarError as exc:
            raise BackupError(f"{archive}: not a backup archive ({exc})") from exc
        with tar:
            seen: dict[str, str] = {}
            manifest: dict[str, Any] | None = None
            for member in tar:
                if not member.isfile() or not _safe_member(member.name):
                    raise BackupError(f"{archive}: unexpected member {member.name!r}")
                fh = tar.extractfile(member)
                assert fh is not None
                if member.name == MANIFEST:
                    manifest = json.loads(fh.read())
                    continue
                target = root / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while block := fh.read(CHUNK):
                        digest.update(block)
                        out.write(block)
                seen[member.name] = digest.hexdigest()
        if manifest is None or manifest.get("format") != FORMAT:
            raise BackupError(f"{archive}: no manifest of format {FORMAT}")
        expected: dict[str, str] = manifest["files"]
        missing = sorted(set(expected) - set(seen))
        extra = sorted(set(seen) - set(expected))
        bad = sorted(n for n in expected if n in seen and seen[n] != expected[n])
        if missing or extra or bad:
            raise BackupError(
                f"{archive}: checksum verification failed "
                f"(missing: {missing[:5]}, unexpected: {extra[:5]}, changed: {bad[:5]})"
            )
        yield manifest, root


def _has_content(db: dict[str, Any]) -> bool:
    if _engine(db) == "sqlite":
        path = Path(str(db["NAME"]))
        if not path.exists() or path.stat().st_size == 0:
            return False
        con = sqlite3.connect(str(path))
        try:
            cur = con.cursor()
            cur.execute("SELECT name FROM sqlite_master WHERE type='table'")
            tables = {r[0] for r in cur.fetchall()}
            for table in CONTENT_TABLES:
                if table in tables:
                    cur.execute(f'SELECT 1 FROM "{table}" LIMIT 1')  # noqa: S608 - constant names
                    if cur.fetchone():
                        return True
            return False
        finally:
            con.close()
    con = _pg_connect(db)
    try:
        with con.cursor() as cur:
            cur.execute(_PG_TABLES)
            tables = {r[0] for r in cur.fetchall()}
            for table in CONTENT_TABLES:
                if table in tables:
                    cur.execute(f'SELECT 1 FROM "{table}" LIMIT 1')  # noqa: S608 - constant names
                    if cur.fetchone():
                        return True
        return False
    finally:
        con.close()


def restore(
    archive: Path,
    *,
    db: dict[str, Any] | None = None,
    media_root: Path | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Restore an archive into ``db`` (default: this site's database) and ``media_root``."""
    from django.db import connections

    db = db or connections["default"].settings_dict
    media = Path(media_root or settings.MEDIA_ROOT)
    engine = _engine(db)
    with _unpacked(Path(archive)) as (manifest, root):
        if manifest["engine"] != engine:
            raise BackupError(
                f"the archive holds a {manifest['engine']} database; this site uses {engine}"
            )
        if not force and _has_content(db):
            raise BackupError(
                "the target database already holds reports or users; restore into an empty "
                "database, or pass --force to replace everything in it"
            )
        connections.close_all()
        dump = root / manifest["database"]
        if engine == "sqlite":
            target_path = Path(str(db["NAME"]))
            target_path.parent.mkdir(parents=True, exist_ok=True)
            source = sqlite3.connect(str(dump))
            target = sqlite3.connect(str(target_path), timeout=30)
            try:
                source.backup(target)  # replaces every page of the target
            finally:
                target.close()
                source.close()
            counts = _sqlite_counts(target_path)
        else:
            _run(
                [
                    pg_binary("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    f"--dbname={db['NAME']}",
                    str(dump),
                ],
                _pg_env(db),
                "pg_restore",
            )
            con = _pg_connect(db)
            try:
                with con.cursor() as cur:
                    counts = _count(cur, list(manifest["tables"]))
            finally:
                con.close()
        restored_files = 0
        for name in manifest["files"]:
            if not name.startswith(MEDIA_PREFIX):
                continue
            target_file = media / name[len(MEDIA_PREFIX) :]
            target_file.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / name, target_file)
            restored_files += 1
    wrong = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if wrong:
        raise BackupError(f"row counts differ after restore (table: expected, found): {wrong}")
    return {"tables": len(counts), "rows": sum(counts.values()), "files": restored_files}
