"""Production settings pass ``check --deploy``; strict security headers on every page;
CSRF on every form; no inline script or style anywhere (the CSP forbids them)."""

# ruff: noqa: S603, S607 - tests tamper with fixed tables / run fixed commands

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from aduan.core.management.commands.serve import ACCESS_LOG_FORMAT
from tests.factories import submit

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [p for p in (ROOT / "aduan").rglob("templates") if p.is_dir()]


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ADUAN_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env.update(
        ADUAN_DATA_DIR=str(tmp_path / "data"),
        ADUAN_HTTPS="1",
        ADUAN_SECRET_KEY=secrets.token_urlsafe(64),
        ADUAN_ALLOWED_HOSTS="aduan.example.go.id",
        ADUAN_SITE_URL="https://aduan.example.go.id",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings(tmp_path: Path) -> None:
    proc = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues" in proc.stdout


def test_production_settings_print(tmp_path: Path) -> None:
    proc = manage(
        production_env(tmp_path),
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.DEBUG, s.SECURE_HSTS_SECONDS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_NAME)",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1].split() == [
        "False",
        "31536000",
        "True",
        "True",
        "True",
        "__Host-sessionid",
    ]


def test_production_without_a_secret_key_refuses_to_start(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["ADUAN_SECRET_KEY"]
    proc = manage(env, "check", "--deploy")
    assert proc.returncode != 0
    assert "set ADUAN_SECRET_KEY" in proc.stderr
    # The secret is never echoed back, even in an error.
    env = production_env(tmp_path, ADUAN_ALLOWED_HOSTS="")
    proc = manage(env, "check", "--deploy")
    assert env["ADUAN_SECRET_KEY"] not in proc.stdout + proc.stderr


def _csp(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    policy: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/lapor/",
        "/lacak/",
        "/laporan/",
        "/akun/masuk/",
        "/api/v1/docs",
        "/api/v1/categories",
        "/halaman-yang-tidak-ada/",
    ],
)
def test_security_headers_on_pages(client: Any, world: Any, url: str) -> None:
    response = client.get(url)
    assert response.status_code in (200, 404), url
    policy = _csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions


@pytest.mark.django_db
def test_hsts_and_secure_cookies_in_https_mode(client: Any, world: Any, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    assert client.get("/lacak/").status_code == 301  # plain HTTP goes to HTTPS
    response = client.get("/akun/masuk/", secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    csrf = response.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    login = client.post(
        "/akun/masuk/",
        {"username": world.desk.username, "password": "rahasia-kuat-123"},
        secure=True,
    )
    assert login.status_code == 302
    session = login.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["secure"] and session["samesite"] == "Lax"
    assert int(session["max-age"]) == settings.SESSION_COOKIE_AGE <= 12 * 3600


@pytest.mark.django_db
def test_rendered_pages_have_no_inline_script_or_style(client: Any, world: Any) -> None:
    receipt = submit()
    client.force_login(world.desk)
    pages = [
        "/",
        "/lapor/",
        reverse("reports:track", args=[receipt.tracking_id]) + f"?k={receipt.secret}",
        "/petugas/",
        reverse("backoffice:report", args=[receipt.tracking_id]),
        "/api/v1/docs",
    ]
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        html = response.content.decode()
        for script in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in script or 'type="application/json"' in script, (url, script)
        assert "<style" not in html, url
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url


def _templates() -> list[Path]:
    return [p for d in TEMPLATE_DIRS for p in d.rglob("*.html")]


def test_no_template_has_inline_script_style_or_handlers() -> None:
    problems = []
    for path in _templates():
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag:
                problems.append(f"{path}: inline <script>")
        if re.search(r"<style\b", text):
            problems.append(f"{path}: <style> block")
        if re.search(r"\sstyle=", text):
            problems.append(f"{path}: style= attribute")
        if re.search(r"\son[a-z]+\s*=", text):
            problems.append(f"{path}: inline event handler")
        if "javascript:" in text:
            problems.append(f"{path}: javascript: URL")
    assert problems == []


def test_every_post_form_carries_a_csrf_token() -> None:
    problems = []
    for path in _templates():
        text = path.read_text()
        for form in re.findall(r"<form\b[^>]*>.*?</form>", text, flags=re.S | re.I):
            if re.search(r'method="post"', form, re.I) and "csrf_token" not in form:
                problems.append(str(path))
    assert problems == []
    assert _templates()


@pytest.mark.django_db
def test_csrf_is_enforced_on_web_forms(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("reports:submit"), {"title": "x"})
    assert response.status_code == 403
    login = client.post(reverse("accounts:login"), {"username": "a", "password": "b"})
    assert login.status_code == 403


def test_access_log_never_holds_the_query_string() -> None:
    # %(U)s is the path without the query (where a tracking link's ?k= secret lives);
    # %(r)s (request line), %(q)s (query) and %(f)s (Referer) would leak it.
    assert "%(U)s" in ACCESS_LOG_FORMAT
    for leaky in ("%(r)s", "%(q)s", "%(f)s", "%(a)s"):
        assert leaky not in ACCESS_LOG_FORMAT


def test_logging_config_does_not_log_sql_or_request_bodies() -> None:
    from django.conf import settings

    loggers = settings.LOGGING.get("loggers", {})
    assert loggers["django.db.backends"]["level"] == "WARNING"
    handlers = settings.LOGGING.get("handlers", {})
    assert all("AdminEmailHandler" not in str(h.get("class")) for h in handlers.values())


FAKE_PIP_AUDIT = """#!/bin/sh
while [ $# -gt 0 ]; do if [ "$1" = "-o" ]; then out=$2; fi; shift; done
cat > "$out" <<'JSON'
%s
JSON
"""


@pytest.mark.parametrize(
    ("deps", "code", "says"),
    [
        ('[{"name": "django", "version": "5.2.0", "vulns": []}]', 0, "audit_deps: OK"),
        (
            '[{"name": "django", "version": "5.2.0", "vulns": '
            '[{"id": "PYSEC-1", "fix_versions": ["5.2.1"]}]}]',
            1,
            "VULNERABLE django 5.2.0: PYSEC-1 (fixed in: 5.2.1)",
        ),
        ('[{"name": "django", "version": "5.2.0", "skip_reason": "not found"}]', 2, "NOT AUDITED"),
    ],
)
def test_dependency_audit_script_fails_on_vulnerabilities_and_on_no_audit(
    tmp_path: Path, deps: str, code: int, says: str
) -> None:
    fake = tmp_path / "pip-audit"
    fake.write_text(FAKE_PIP_AUDIT % f'{{"dependencies": {deps}}}')
    fake.chmod(0o755)
    env = {**os.environ, "PIP_AUDIT": str(fake), "PYTHON": sys.executable}
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "audit_deps.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert says in proc.stdout
