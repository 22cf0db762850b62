"""Machinery of the access-control matrix (tests/test_access_matrix.py), no tests here.

The matrix is every URL pattern of the project (and every operation of the OpenAPI
schema) × every role × every privacy kind of report. Which status each cell answers is
declared in the test module as a compact table over *route families*; this module
builds the people and the requests.

The reports are the privacy sweep's scene (tests/privacy_support.py): their marker
strings tell whether a response carries something its viewer may not receive.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from aduan.integrations.keys import key_create
from aduan.reports import tracking
from aduan.reports.models import Report
from tests.privacy_support import (
    ANONYMOUS_IDENTITY,
    CONFIDENTIAL_TEXT,
    NAMED_IDENTITY,
    SURABAYA_TEXT,
    UNVERIFIED_TEXT,
    Route,
    Scene,
    _kwargs_options,
    response_text,
)

# The privacy kinds of the matrix, and the scene's report of each.
KINDS = ("public", "anonymous", "confidential", "anonymous_confidential")

# Who asks. "reporter_link" holds the private link (the secret ``k``) of the report it
# asks about and nothing else; "reporter_account" is signed in as the citizen account
# that filed it; "citizen" is signed in as another citizen, holding no link.
ROLES = (
    "anonymous",
    "reporter_link",
    "reporter_account",
    "citizen",
    "officer",  # of the handling agency (Pemerintah Kota Bandung)
    "officer_other",  # of another agency (Surabaya)
    "agency_admin",  # of the handling agency
    "coordinator",  # mentors the handling agency
    "desk",
    "ombudsman",
    "api_key",  # the handling agency's system (read and write key)
    "api_key_other",  # Surabaya's system
)
STAFF_ROLES = frozenset(
    {"officer", "officer_other", "agency_admin", "coordinator", "desk", "ombudsman"}
)
CITIZEN_ROLES = frozenset({"anonymous", "reporter_link", "reporter_account", "citizen"})
KEY_ROLES = frozenset({"api_key", "api_key_other"})

# What each report kind's own reporter may read of it (their text and themselves).
OWN_MARKERS: dict[str, tuple[str, ...]] = {
    "public": ("named_name", "named_email", "named_phone"),
    "anonymous": ("anon_name", "anon_email", "anon_phone", "anon_account", "anon_file"),
    "confidential": (*CONFIDENTIAL_TEXT[:4], "conf_name", "conf_email"),
    "anonymous_confidential": (
        "anon_conf_title",
        "anon_conf_name",
        "anon_conf_email",
        "anon_conf_phone",
    ),
}
PUBLIC_FORBIDDEN = (
    *CONFIDENTIAL_TEXT,
    *ANONYMOUS_IDENTITY,
    *NAMED_IDENTITY,
    *UNVERIFIED_TEXT,
    *SURABAYA_TEXT,
)
ALL_IDENTITY = (*ANONYMOUS_IDENTITY, *NAMED_IDENTITY)
# On back-office and API addresses: what each role may never receive, whatever it asks.
STAFF_FORBIDDEN: dict[str, tuple[str, ...]] = {
    "officer": (*ANONYMOUS_IDENTITY, *SURABAYA_TEXT),
    "agency_admin": (*ANONYMOUS_IDENTITY, *SURABAYA_TEXT),
    "coordinator": (*ALL_IDENTITY, *SURABAYA_TEXT),
    "officer_other": tuple(x for x in PUBLIC_FORBIDDEN if x not in SURABAYA_TEXT),
    "ombudsman": PUBLIC_FORBIDDEN,
    "desk": (),  # sees everything, on request (the sweep checks the request is needed)
    "api_key": (*ANONYMOUS_IDENTITY, *SURABAYA_TEXT),
    "api_key_other": tuple(
        x
        for x in PUBLIC_FORBIDDEN
        # Surabaya's app filed the anonymous report routed to Bandung: it knows who.
        if x not in SURABAYA_TEXT and x not in ("app_name", "app_email", "app_phone")
    ),
}
PUBLIC_PREFIXES_FOR_KEYS = ("/api/v1/agency/",)


def unlimited(settings: Any) -> None:
    """Lift the per-address rate limits: every role asks from the same test address."""
    from django.conf import settings as live

    for name in dir(live):
        if name.startswith(("ADUAN_RATE_", "ADUAN_API_RATE", "ADUAN_API_AUTH_FAILURES")):
            setattr(settings, name, 10**9)


@dataclass
class Cast:
    """The people of the matrix, each with a client of their own."""

    scene: Scene
    secrets: dict[str, str]  # kind → the reporter's raw secret
    owner: dict[str, Any]  # kind → the citizen account that filed it
    citizen: Any
    clients: dict[str, Client]  # role (and "reporter_account:<kind>") → client
    keys: dict[str, str]  # role → raw API key

    def client(self, role: str, kind: str | None) -> Client:
        if role == "reporter_account":
            return self.clients[f"reporter_account:{kind or 'public'}"]
        return self.clients[role]

    def url(self, role: str, kind: str | None, url: str) -> str:
        """The address as this role asks it: the link holder adds the secret."""
        if role == "reporter_link" and kind is not None:
            sep = "&" if "?" in url else "?"
            return f"{url}{sep}{urlencode({'k': self.secrets[kind]})}"
        return url

    def headers(self, role: str, kind: str | None) -> dict[str, str]:
        if role in KEY_ROLES:
            return {"HTTP_AUTHORIZATION": f"Bearer {self.keys[role]}"}
        if role == "reporter_link" and kind is not None:
            return {"HTTP_X_REPORT_SECRET": self.secrets[kind]}
        return {}

    def forbidden(self, role: str, kind: str | None, url: str) -> dict[str, str]:
        """The markers this role may not receive at this address (about this kind)."""
        public = not url.startswith(
            ("/petugas/", "/audit/", "/akun/", "/api/v1/agency/", "/admin/", "/open311/")
        )
        if role in KEY_ROLES and url.startswith("/open311/"):
            # With a key, Open311 adds the agency's own reports, never who filed them.
            labels = set(STAFF_FORBIDDEN[role]) | set(ALL_IDENTITY)
        elif public or url.startswith("/open311/") or role in CITIZEN_ROLES:
            labels = set(PUBLIC_FORBIDDEN)
            if role in ("reporter_link", "reporter_account") and kind is not None:
                labels -= set(OWN_MARKERS[kind])
        else:
            labels = set(STAFF_FORBIDDEN[role])
        return self.scene.pick(sorted(labels))


def make_cast(scene: Scene) -> Cast:
    """Give every report of the matrix a known secret and a citizen account, and sign
    everyone in."""
    users = get_user_model()
    w = scene.world
    citizen = users.objects.create_user(
        username="warga-lain@example.id", email="warga-lain@example.id"
    )
    filer = users.objects.create_user(
        username="pelapor-akun@example.id", email="pelapor-akun@example.id"
    )
    secrets: dict[str, str] = {}
    owner: dict[str, Any] = {}
    for kind in KINDS:
        report = scene.reports[kind]
        secrets[kind] = tracking.new_secret()
        # The anonymous report already belongs to its anonymous reporter's account.
        owner[kind] = report.reporter if report.reporter_id else filer
        Report.objects.filter(pk=report.pk).update(
            secret_hash=tracking.hash_secret(secrets[kind]), reporter=owner[kind]
        )
    keys = {
        "api_key": key_create(agency=w.bandung, name="matriks", scopes=["read", "write"])[1],
        "api_key_other": key_create(agency=w.surabaya, name="matriks", scopes=["read", "write"])[1],
    }
    clients: dict[str, Client] = {}
    signed_in = {
        "citizen": citizen,
        "officer": w.bandung_officer,
        "officer_other": w.surabaya_officer,
        "agency_admin": w.bandung_admin,
        "coordinator": w.coordinator,
        "desk": w.desk,
        "ombudsman": w.ombudsman_officer,
    }
    for role in ROLES:
        c = Client(raise_request_exception=False)
        if role in signed_in:
            c.force_login(signed_in[role])
        clients[role] = c
    for kind in KINDS:
        c = Client(raise_request_exception=False)
        c.force_login(owner[kind])
        clients[f"reporter_account:{kind}"] = c
    return Cast(scene, secrets, owner, citizen, clients, keys)


@dataclass(frozen=True)
class Cell:
    route: str
    role: str
    kind: str | None  # None: the address is about no report of the matrix
    url: str


def report_kind_of(kwargs: Mapping[str, Any], scene: Scene) -> str | None:
    """Which matrix kind an address built from these arguments is about."""
    tid = kwargs.get("tracking_id") or kwargs.get("request_id")
    for kind in KINDS:
        if tid == scene.reports[kind].tracking_id:
            return kind
    return None


def addresses(route: Route, scene: Scene) -> Iterator[tuple[str | None, str]]:
    """(kind, url) for every way the sweep fills the route's arguments; addresses about
    a report outside the matrix's four kinds are left out (the sweep walks them)."""
    options = _kwargs_options(route, scene)
    assert options is not None, route
    about_reports = {"tracking_id", "request_id"} & set(route.params)
    for kwargs in options:
        kind = report_kind_of(kwargs, scene)
        if about_reports and kind is None:
            continue
        yield kind, reverse(route.name, kwargs=kwargs)


def get(cast: Cast, role: str, kind: str | None, url: str) -> tuple[int, str]:
    client = cast.client(role, kind)
    response = client.get(cast.url(role, kind, url), **cast.headers(role, kind))
    return response.status_code, response_text(response)


def post(
    cast: Cast, role: str, kind: str | None, url: str, data: Mapping[str, Any]
) -> tuple[int, str]:
    client = cast.client(role, kind)
    response = client.post(cast.url(role, kind, url), data, **cast.headers(role, kind))
    return response.status_code, response_text(response)
