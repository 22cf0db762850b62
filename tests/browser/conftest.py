"""The browser suite: Debian's Chromium driven by Playwright against a live ``aduan serve``
(gunicorn, DEBUG off, compressed and hashed static files, as in production) on a freshly
migrated SQLite database with the reference data and a small demo seed.

One server, one database and one browser for the whole session. Run it with
``make test-browser`` (``scripts/install_browser_deps.sh`` then
``pytest tests/browser -p no:xdist``); plain ``make test`` leaves this folder out
(see ``tests/conftest.py``). Without Chromium or axe-core the suite is skipped, except
in CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from aduan.demo.accounts import DOMAIN, PASSWORD

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
DEMO_REPORTS = os.environ.get("ADUAN_BROWSER_DEMO_REPORTS", "30")

# Who signs in for which role (aduan/demo/accounts.py); "anon" is nobody.
ACCOUNTS = {
    "citizen": f"warga@{DOMAIN}",
    "desk": f"desk@{DOMAIN}",
    "admin": f"admin.bandung@{DOMAIN}",
    "officer": f"petugas.bandung@{DOMAIN}",
    "coordinator": f"koordinator.jabar@{DOMAIN}",
    "ombudsman": f"ombudsman@{DOMAIN}",
}
LANGUAGES = ("id", "en")


def chromium_path() -> str | None:
    wanted = os.environ.get("ADUAN_CHROMIUM", "/usr/bin/chromium")
    return shutil.which(wanted) or (wanted if os.access(wanted, os.X_OK) else None)


def _missing() -> list[str]:
    missing = []
    if chromium_path() is None:
        missing.append("Chromium (apt package 'chromium', or set ADUAN_CHROMIUM)")
    if not AXE_JS.is_file():
        missing.append(f"axe-core ({AXE_JS.relative_to(ROOT)})")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (Python package)")
    return missing


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = _missing()
    if not missing or IN_CI:
        return  # in CI a missing dependency fails (see the browser fixture)
    skip = pytest.mark.skip(
        reason="browser suite needs " + ", ".join(missing) + ": run scripts/install_browser_deps.sh"
    )
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(skip)


# ---- the live server ---------------------------------------------------------------------


@dataclass
class Live:
    url: str
    scene: dict[str, Any]
    data_dir: Path
    env: dict[str, str]
    log: Path
    states: dict[tuple[str, str], Any] = field(default_factory=dict)

    def manage(self, *args: str) -> str:
        """Runs ``aduan <args>`` on the server's database; returns its output."""
        done = subprocess.run(  # noqa: S603 - our own command line
            [sys.executable, "-m", "aduan.cli", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            raise RuntimeError(f"aduan {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    missing = _missing()
    if missing:
        pytest.fail("browser suite needs " + ", ".join(missing), pytrace=False)
    for stale in ("accessibility-audit.jsonl", "page-weights.json"):
        (ARTIFACTS / stale).unlink(missing_ok=True)
    data = tmp_path_factory.mktemp("aduan-live")
    port = _free_port()
    env = {
        **os.environ,
        "ADUAN_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data}/db.sqlite3",
        "ADUAN_DEBUG": "0",
        "ADUAN_SITE_URL": f"http://127.0.0.1:{port}",
        "ADUAN_TASK_BACKEND": "aduan.core.tasks.DatabaseBackend",  # queued, never sent
        "ADUAN_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("ADUAN_PLAIN_STATIC", None)
    env.pop("ADUAN_HTTPS", None)
    live = Live("", {}, data, env, data / "server.log")
    live.manage("migrate", "--noinput", "-v0")
    live.manage("collectstatic", "--noinput", "-v0")
    live.manage("loadrefdata")
    live.manage("seed", "--demo", "--reports", DEMO_REPORTS)
    scene = subprocess.run(
        [sys.executable, "-m", "tests.browser.scene"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    live.scene = json.loads(scene.stdout.strip().splitlines()[-1])
    log = live.log.open("w")
    server = subprocess.Popen(  # noqa: S603 - our own command line
        [
            *(sys.executable, "-m", "aduan.cli", "serve", "--host", "127.0.0.1"),
            *("--port", str(port), "--workers", "2", "--threads", "4"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    live.url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(live.url + "/healthz", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("aduan serve did not start:\n" + live.log.read_text())
            time.sleep(0.3)
        yield live
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        # Kept with the screenshots: a failed journey is read against the server's log.
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(live.log, ARTIFACTS / "server.log")


# ---- the browser -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(live: Live) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path(), headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def sign_in(page: Any, live: Live, role: str) -> None:
    page.goto(live.url + "/akun/masuk/")
    page.fill("input[name=username]", ACCOUNTS[role])
    page.fill("input[name=password]", PASSWORD)
    page.click("form.narrow-form button[type=submit]")
    page.wait_for_load_state()
    assert "/akun/masuk/" not in page.url, f"{role} could not sign in: {page.url}"


ContextFactory = Callable[..., Any]


@pytest.fixture(scope="session")
def make_context(browser: Any, live: Live) -> Iterator[ContextFactory]:
    """``make_context(lang, role="anon", js=True, width=1280)``: a fresh browser context
    (empty cache) in that language, signed in as that demo role."""
    opened: list[Any] = []

    def make(lang: str = "id", role: str = "anon", *, js: bool = True, width: int = 1280) -> Any:
        options: dict[str, Any] = {
            "base_url": live.url,
            "viewport": {"width": width, "height": 900},
            "java_script_enabled": js,
            "locale": "id-ID" if lang == "id" else "en-US",
            # The pages' Content-Security-Policy forbids injected scripts; axe-core is one.
            "bypass_csp": True,
        }
        if role != "anon":
            key = (role, "state")
            if key not in live.states:
                ctx = browser.new_context(base_url=live.url)
                sign_in(ctx.new_page(), live, role)
                live.states[key] = ctx.storage_state()
                ctx.close()
            options["storage_state"] = live.states[key]
        context = browser.new_context(**options)
        context.add_cookies([{"name": "django_language", "value": lang, "url": live.url}])
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield make
    for context in opened:
        with contextlib.suppress(Exception):  # already closed by its test
            context.close()


@pytest.fixture(scope="session")
def shared_context(make_context: ContextFactory) -> Callable[[str, str], Any]:
    """One long-lived context per (language, role), for tests that only read pages."""
    cache: dict[tuple[str, str], Any] = {}

    def get(lang: str, role: str) -> Any:
        if (lang, role) not in cache:
            cache[(lang, role)] = make_context(lang, role)
        return cache[(lang, role)]

    return get


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
