"""The access-control matrix: every address × every role × every privacy kind.

Every URL pattern of the project, and every operation of the OpenAPI schema, belongs to
a *route family* (``FAMILY``); each family declares, in ``EXPECTED``, the status every
role gets, per kind of report where it matters. The walk GETs every address as every
role (tests/access_matrix_support.py signs them in), compares the status with the
table, and searches everything that comes back for the marker strings of the privacy
sweep's scene the role may not receive (confidential text, anonymous reporters).

Addresses that change something (POST, DELETE) are sent by every role that may not use
them: each must be refused (401, 403, 404, 405, or the login page) and change nothing.

A new URL pattern or API operation fails :func:`test_every_route_is_classified` until it
is given a family here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator

from aduan.notifications import sms as sms_gateway
from tests.access_matrix_support import (
    KEY_ROLES,
    KINDS,
    OWN_MARKERS,
    ROLES,
    STAFF_ROLES,
    Cast,
    addresses,
    get,
    make_cast,
    post,
    unlimited,
)
from tests.privacy_support import Route, Scene, all_routes, build_scene, fillable, leaked

Status = int | tuple[int, ...]
Spec = dict[str, Status | dict[str, Status]]

LOGIN = 302  # the back office sends visitors to the sign-in page
CONFIDENTIAL = {"confidential": 404, "anonymous_confidential": 404}

# Role groups a spec may name instead of single roles (looked up: role, group, "*").
GROUPS: dict[str, frozenset[str]] = {
    "visitor": frozenset({"anonymous", "reporter_link"}),  # not signed in, no key
    "citizen": frozenset({"reporter_account", "citizen"}),  # signed in, not staff
    "key": KEY_ROLES,
    "staff": STAFF_ROLES,
}
# Back-office pages for the agency admin and the desk only.
_ADMIN_PAGE: Spec = {
    "visitor": LOGIN,
    "key": LOGIN,
    "citizen": 403,
    "staff": 403,
    "agency_admin": 200,
    "desk": 200,
}

EXPECTED: dict[str, Spec] = {
    # The public site and the public API: the same for everyone.
    "public": {"*": 200},
    # Lookups by an agency or region code the sweep fills with both kinds of code.
    "public_by_code": {"*": (200, 404)},
    "redirect": {"*": 302},
    "not_found": {"*": 404},
    # A report's public page: everyone gets the page; what it shows depends on who asks
    # (confidential: the status only), which the marker search checks.
    "public_report": {"*": 200},
    # Open311 lists public reports only; a key adds its agency's own.
    "open311_report": {"*": {"public": 200, "anonymous": 200, **CONFIDENTIAL}, "api_key": 200},
    # The reporter's files: their link or their account, nobody else.
    "reporter_file": {"*": 404, "reporter_link": 200, "reporter_account": 200},
    "reporter_home": {"visitor": LOGIN, "key": LOGIN, "*": 200},
    # POST-only addresses, asked with GET.
    "post_only": {"*": 405},
    # The agency API: a key of the handling agency; another agency's key finds nothing.
    "agency_api_list": {"*": 401, "key": 200},
    "agency_api_report": {"*": 401, "api_key": 200, "api_key_other": 404},
    "agency_api_action": {"*": 401, "key": 405},
    # Webhooks need the "webhooks" scope, which the matrix's keys lack.
    "webhooks_api": {"*": 401, "key": 403},
    # Operations behind a scope the matrix's read/write keys lack (the triage read).
    "agency_api_other_scope": {"*": 401, "key": 403},
    "two_factor": {"visitor": LOGIN, "key": LOGIN, "citizen": 403, "staff": 200},
    "two_factor_verify": {"visitor": LOGIN, "key": LOGIN, "citizen": 403, "staff": LOGIN},
    "staff_home": {"visitor": LOGIN, "key": LOGIN, "citizen": 403, "staff": 302},
    "inbox": {"visitor": LOGIN, "key": LOGIN, "citizen": 403, "staff": 200, "coordinator": 403},
    "desk_page": {"visitor": LOGIN, "key": LOGIN, "citizen": 403, "staff": 403, "desk": 200},
    "coordinator_page": {
        "visitor": LOGIN,
        "key": LOGIN,
        "citizen": 403,
        "staff": 403,
        "coordinator": 200,
        "desk": 200,
    },
    # One report in the back office: the handling agency, its coordinator and the desk.
    "staff_report": {
        "visitor": LOGIN,
        "key": LOGIN,
        "citizen": 403,
        "officer": 200,
        "agency_admin": 200,
        "coordinator": 200,
        "desk": 200,
        "officer_other": 404,
        "ombudsman": 404,
    },
    # Every member of staff (statistics of the whole country are for all of them).
    "staff_any": {"visitor": LOGIN, "key": LOGIN, "citizen": 403, "staff": 200},
    "staff_by_code": {"visitor": LOGIN, "key": LOGIN, "citizen": 403, "staff": (200, 404)},
    # One agency's pages (the sweep fills `code` with Bandung's codes).
    "staff_agency_page": {
        "visitor": LOGIN,
        "key": LOGIN,
        "citizen": 403,
        "staff": 200,
        "officer_other": 403,
        "ombudsman": 403,
    },
    # The desk's tools that hide themselves from other staff.
    "desk_hidden": {"visitor": LOGIN, "key": LOGIN, "citizen": 403, "staff": 404, "desk": 200},
    # Exports of the staff's own lists: the desk and coordinators must choose an agency
    # first (400 with the reason) and a coordinator has no inbox.
    "inbox_export": {
        "visitor": LOGIN,
        "key": LOGIN,
        "citizen": 403,
        "staff": 200,
        "coordinator": 403,
        "desk": 400,
    },
    "coordinator_export": {
        "visitor": LOGIN,
        "key": LOGIN,
        "citizen": 403,
        "staff": 403,
        "coordinator": 400,
        "desk": 400,
    },
    "admin_page": _ADMIN_PAGE,
    # Objects of the admin's own agency answer, others' are not found.
    "admin_object": {**_ADMIN_PAGE, "agency_admin": (200, 404), "desk": (200, 404)},
    "admin_post": {**_ADMIN_PAGE, "agency_admin": 405, "desk": 405, "staff": (403, 405)},
    "template_page": {
        "visitor": LOGIN,
        "key": LOGIN,
        "citizen": 403,
        "staff": 403,
        "agency_admin": 200,
    },
    "template_object": {"visitor": LOGIN, "key": LOGIN, "citizen": 403, "staff": (403, 404)},
    # A report's audit trail: the handling agency's admin and the desk.
    "audit_report": {
        "visitor": LOGIN,
        "key": LOGIN,
        "citizen": 403,
        "staff": 404,
        "agency_admin": 200,
        "desk": 200,
    },
    # A person's audit trail: themselves, their agency's admin, the desk.
    "audit_user": {
        "visitor": LOGIN,
        "key": LOGIN,
        "citizen": 403,
        "staff": 404,
        "officer": (200, 404),
        "agency_admin": (200, 404),
        "desk": 200,
    },
}

# Every named URL pattern outside Django's admin site → its family.
FAMILY: dict[str, str] = {
    **dict.fromkeys(
        [
            "healthz",
            "api-schema",
            "api-agencies",
            "api-regions",
            "api-reports",
            "api-categories",
            "api-docs",
            "agency-api:docs",
            "open311:discovery",
            "open311:services",
            "open311:service",
            "open311:requests",
            "open311:updates",
            "accounts:login",
            "reports:home",
            "reports:submit",
            "reports:submitted",
            "reports:districts",
            "reports:track_lookup",
            "reports:list",
            "stats-api:stats",
            "stats:index",
            "stats:national",
            "stats:agency",
            "inclusion:index",
            "opendata:index",
            "opendata:csv",
            "opendata:json",
        ],
        "public",
    ),
    "stats:region": "public_by_code",
    "stats-staff:national": "staff_any",
    "stats-staff:region": "staff_by_code",
    "stats-staff:agency": "staff_agency_page",
    "stats-staff:print": "staff_agency_page",
    "stats-staff:coordinator": "coordinator_page",
    "triage:overview": "desk_page",
    "backoffice:desk_export_csv": "desk_page",
    "backoffice:desk_export_xlsx": "desk_page",
    "backoffice:inbox_export_csv": "inbox_export",
    "backoffice:inbox_export_xlsx": "inbox_export",
    "backoffice:coordinator_export_csv": "coordinator_export",
    "backoffice:coordinator_export_xlsx": "coordinator_export",
    "dedup:groups": "desk_hidden",
    "api-agency-detail": "public_by_code",
    "api-region-districts": "public_by_code",
    "set_language": "redirect",
    "open311:token": "not_found",
    "open311:not-found": "not_found",
    "reports:track": "public_report",
    "api-report-detail": "public_report",
    "open311:request": "open311_report",
    "reports:attachment": "reporter_file",
    "reports:mine": "reporter_home",
    **dict.fromkeys(
        [
            "api-report-action",
            "reports:track_action",
            "channels_sms:inbound",
            "channels_sms:chat",
            "channels_email:inbound",
            "backoffice:desk_bulk",
            "backoffice:report_action",
            "backoffice:template_deactivate",
            "dedup:dismiss",
        ],
        "post_only",
    ),
    "agency-api:reports": "agency_api_list",
    "agency-api:report": "agency_api_report",
    "agency-api:report-attachment": "agency_api_report",
    "agency-api:report-triage": "agency_api_other_scope",
    **dict.fromkeys(
        [
            "agency-api:report-accept",
            "agency-api:report-forward",
            "agency-api:report-update",
            "agency-api:report-respond",
            "agency-api:report-return",
            "agency-api:report-notes",
        ],
        "agency_api_action",
    ),
    **dict.fromkeys(
        [
            "webhooks-api:endpoints",
            "webhooks-api:endpoint",
            "webhooks-api:rotate-secret",
            "webhooks-api:pause",
            "webhooks-api:resume",
            "webhooks-api:ping",
            "webhooks-api:deliveries",
            "webhooks-api:delivery",
            "webhooks-api:redeliver",
        ],
        "webhooks_api",
    ),
    "accounts:two-factor": "two_factor",
    "accounts:two-factor-verify": "two_factor_verify",
    **dict.fromkeys(
        [
            "accounts:staff-list",
            "accounts:staff-create",
            "accounts:unit-list",
            "accounts:unit-create",
            "accounts:unit-detail",
            "notifications:list",
            "integrations:keys",
            "webhooks:list",
            "webhooks:create",
        ],
        "admin_page",
    ),
    **dict.fromkeys(
        ["accounts:staff-detail", "webhooks:detail", "webhooks:delete", "webhooks:delivery"],
        "admin_object",
    ),
    **dict.fromkeys(
        [
            "accounts:staff-role-add",
            "accounts:staff-role-remove",
            "accounts:staff-status",
            "accounts:staff-two-factor-reset",
            "accounts:staff-password-link",
            "accounts:unit-policy",
            "notifications:resend",
            "integrations:key-revoke",
            "webhooks:pause",
            "webhooks:resume",
            "webhooks:rotate",
            "webhooks:ping",
            "webhooks:redeliver",
        ],
        "admin_post",
    ),
    "backoffice:home": "staff_home",
    "backoffice:inbox": "inbox",
    "backoffice:desk_queue": "desk_page",
    "backoffice:coordinator": "coordinator_page",
    "backoffice:report": "staff_report",
    "backoffice:attachment": "staff_report",
    "backoffice:templates": "template_page",
    "backoffice:template_create": "template_page",
    "backoffice:template_edit": "template_object",
    "audit:report": "audit_report",
    "audit:user": "audit_user",
}
# Named patterns the walk does not GET, with the reason.
NOT_WALKED: dict[str, str] = {
    "accounts:logout": "ends the session of the role that asks",
    "accounts:set-password": "needs a signed one-time token (tests/test_accounts_staff.py)",
}
UNNAMED = {"^api/(?P<path>.*)$": "the JSON 404 of unknown API addresses"}

CLASSIFY_HINT = (
    "classify it in tests/test_access_matrix.py: give it a family in FAMILY (or a new "
    "family in EXPECTED), or a reason in NOT_WALKED"
)


def expected(route_name: str, role: str, kind: str | None) -> tuple[int, ...]:
    spec = EXPECTED[FAMILY[route_name]]
    groups = [g for g, members in GROUPS.items() if role in members]
    for key in (role, *groups, "*"):
        if key in spec:
            value = spec[key]
            if isinstance(value, dict):
                value = value.get(kind or "", 200) if kind is not None else 200
            return value if isinstance(value, tuple) else (value,)
    raise AssertionError(f"EXPECTED[{FAMILY[route_name]!r}] says nothing about {role}")


def matrix_routes() -> list[Route]:
    return [
        r
        for r in all_routes()
        if r.name and not r.name.startswith("admin:") and r.name not in NOT_WALKED
    ]


def api_operations() -> Iterator[tuple[str, str, str]]:
    """(method, path, URL name) of every operation in the OpenAPI schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        concrete = re.sub(r"\{endpoint_id\}", "00000000-0000-0000-0000-000000000000", path)
        concrete = re.sub(r"\{[a-z_]*id\}", "1", concrete)
        concrete = re.sub(r"\{[a-z_]+\}", "x", concrete)
        try:
            name = resolve(concrete).view_name
        except Resolver404:
            name = ""
        for method in operations:
            if method in ("get", "post", "put", "patch", "delete"):
                yield method.upper(), path, name


# ---- the map --------------------------------------------------------------------------


def test_every_route_is_classified() -> None:
    routes = [r for r in all_routes() if not r.pattern.startswith("admin/")]
    unnamed = {r.pattern for r in routes if not r.name} - set(UNNAMED)
    assert not unnamed, f"unnamed URL patterns {sorted(unnamed)}: name them, or {CLASSIFY_HINT}"
    names = {r.name for r in routes if r.name}
    unclassified = sorted(names - set(FAMILY) - set(NOT_WALKED))
    assert not unclassified, f"URL patterns without a family {unclassified}: {CLASSIFY_HINT}"
    gone = sorted((set(FAMILY) | set(NOT_WALKED)) - names)
    assert not gone, f"classified URL patterns that no longer exist: {gone}"
    assert set(FAMILY.values()) <= set(EXPECTED), "a family without expectations"
    unfillable = [r.name for r in matrix_routes() if not fillable(r)]
    assert not unfillable, (
        f"{unfillable} take arguments nobody fills: teach privacy_support._kwargs_options, "
        "or list them in NOT_WALKED with a reason"
    )
    for role in ROLES:
        for name in FAMILY:
            for kind in (None, *KINDS):
                assert expected(name, role, kind)


def test_every_api_operation_is_classified() -> None:
    """The OpenAPI schema's operations resolve to classified patterns; every operation
    that changes something is sent by the wrong roles in test_posts_by_the_wrong_roles."""
    operations = list(api_operations())
    assert len(operations) >= 20
    unknown = [(m, p) for m, p, name in operations if name not in FAMILY]
    assert not unknown, f"API operations on unclassified addresses {unknown}: {CLASSIFY_HINT}"
    writes = {(name, m) for m, _p, name in operations if m != "GET"}
    unsent = sorted(w for w in writes if w[0] not in WRITES)
    assert not unsent, f"API writes the refusal test does not send: {unsent}: add to WRITES"


# ---- the scene -------------------------------------------------------------------------


@pytest.fixture
def cast(
    world: Any, client: Any, settings: Any, monkeypatch: Any, django_capture_on_commit_callbacks
) -> Iterator[Cast]:
    unlimited(settings)
    mail.outbox.clear()
    scene: Scene = build_scene(
        world,
        client=client,
        settings=settings,
        monkeypatch=monkeypatch,
        capture=django_capture_on_commit_callbacks,
        deliver=False,
    )
    yield make_cast(scene)
    sms_gateway.LoggingSmsGateway.outbox.clear()


def _forbidden(cast: Cast, role: str, kind: str | None, url: str) -> dict[str, str]:
    forbidden = cast.forbidden(role, kind, url)
    if role == "reporter_account" and kind is None:
        # Signed in as the account that filed the public, confidential and anonymous
        # and confidential reports: its own list shows them, to it.
        filer = cast.owner["public"]
        own = {label for k in KINDS if cast.owner[k] == filer for label in OWN_MARKERS[k]}
        forbidden = {k: v for k, v in forbidden.items() if k not in own}
    return forbidden


# ---- GET: every address, every role ---------------------------------------------------------


def test_get_matrix(cast: Cast) -> None:
    """Every address × role × kind answers the table's status and leaks nothing."""
    wrong: list[str] = []
    leaks: list[str] = []
    unclassified: dict[str, dict[str, set[int]]] = {}
    cells = 0
    for route in matrix_routes():
        for kind, url in addresses(route, cast.scene):
            for role in ROLES:
                status, text = get(cast, role, kind, url)
                cells += 1
                if route.name not in FAMILY:  # what it does, to help classify it
                    unclassified.setdefault(route.name, {}).setdefault(role, set()).add(status)
                    want: tuple[int, ...] = (status,)
                else:
                    want = expected(route.name, role, kind)
                if status not in want:
                    wrong.append(f"{route.name} {url} as {role} ({kind}): {status}, not {want}")
                found = leaked(text, _forbidden(cast, role, kind, url))
                if found:
                    leaks.append(f"{route.name} {url} as {role} ({kind}) [{status}] leaked {found}")
    assert not leaks, "\n".join(leaks)
    assert not wrong, "\n".join(wrong)
    assert not unclassified, f"{CLASSIFY_HINT}; they answered: " + "\n".join(
        f"{name}: {', '.join(f'{r} {sorted(s)}' for r, s in seen.items())}"
        for name, seen in unclassified.items()
    )
    assert cells > 1500, cells  # the walk really walked
    print(f"access matrix: {cells} GET cells, {len(FAMILY)} URL names, {len(ROLES)} roles")


# ---- POST and DELETE by the wrong roles ----------------------------------------------------

REFUSED = frozenset({302, 401, 403, 404, 405})

# Addresses that change something → who may use them (every other role is sent and must
# be refused), and the form sent. Public intake (reports, Open311, gateways with their
# secret) is open to all and tested by the hostile-input tests instead.
ANY_STAFF_ACTION = {"officer", "agency_admin", "desk"}
ADMINS = {"agency_admin", "desk"}
MESSAGE = {
    "message": "Pesan uji matriks akses.",
    "update-message": "Pesan uji matriks akses.",
    "respond-message": "Pesan uji matriks akses.",
    "note-text": "Catatan uji matriks akses.",
    "reply-message": "Pesan uji matriks akses.",
    "reason": "Bukan wewenang kami, uji matriks akses.",
    "rating": "5",
    "is_active": "0",
    "role": "officer",
    "agency": "32.73",
    "url": "https://hooks.example.id/matriks",
}
WRITES: dict[str, frozenset[str]] = {
    # The reporter's actions: their link or account only — not even the agency's staff.
    "reports:track_action": frozenset({"reporter_link", "reporter_account"}),
    "api-report-action": frozenset({"reporter_link", "reporter_account"}),
    "backoffice:report_action": frozenset(ANY_STAFF_ACTION),
    "backoffice:desk_bulk": frozenset({"desk"}),
    "dedup:dismiss": frozenset({"desk"}),
    "backoffice:template_create": frozenset({"agency_admin"}),
    "backoffice:template_deactivate": frozenset({"agency_admin"}),
    "backoffice:template_edit": frozenset({"agency_admin"}),
    **{
        name: frozenset({"api_key"})
        for name in (
            "agency-api:report-accept",
            "agency-api:report-forward",
            "agency-api:report-update",
            "agency-api:report-respond",
            "agency-api:report-return",
            "agency-api:report-notes",
        )
    },
    # Intake by an agency's system: any key with the write scope, by design.
    "agency-api:reports": frozenset(KEY_ROLES),
    **{
        name: frozenset()  # the matrix's keys lack the webhooks scope
        for name in (
            "webhooks-api:endpoints",
            "webhooks-api:endpoint",
            "webhooks-api:rotate-secret",
            "webhooks-api:pause",
            "webhooks-api:resume",
            "webhooks-api:ping",
            "webhooks-api:redeliver",
        )
    },
    **{
        name: frozenset(ADMINS)
        for name, family in FAMILY.items()
        if family in ("admin_post", "admin_page", "admin_object")
        and name
        not in ("accounts:staff-list", "accounts:unit-list", "webhooks:list", "webhooks:delivery")
    },
    # Intake open to everyone (hostile-input tests cover it).
    "api-reports": frozenset(ROLES),
}
# Actions worth trying on each report action address.
ACTION_SLUGS = {
    "reports:track_action": ("reply", "close", "rate", "provide-info"),
    "api-report-action": ("reply", "close", "rate", "provide-info"),
    "backoffice:report_action": (
        "accept",
        "update",
        "respond",
        "note",
        "dispatch",
        "return_to_desk",
    ),
}


def _model_counts() -> dict[str, int]:
    labels = ("reports", "audit", "agencies", "accounts", "integrations", "webhooks", "backoffice")
    counts = {}
    for label in labels:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            if model._meta.model_name in ("auditrecord",):
                continue  # refusals may be audited; they must not change anything else
            counts[model._meta.label] = model.objects.count()
    return counts


def _write_addresses(cast: Cast) -> Iterator[tuple[str, str | None, str]]:
    by_name = {r.name: r for r in matrix_routes()}
    for name in sorted(WRITES):
        route = by_name[name]
        seen: set[str] = set()
        for kind, url in addresses(route, cast.scene):
            if name in ACTION_SLUGS:
                base = url.rsplit("/", 2 if url.endswith("/") else 1)[0]
                for slug in ACTION_SLUGS[name]:
                    full = f"{base}/{slug}/" if url.endswith("/") else f"{base}/{slug}"
                    if full not in seen:
                        seen.add(full)
                        yield name, kind, full
            elif url not in seen:
                seen.add(url)
                yield name, kind, url


def test_posts_by_the_wrong_roles_are_refused_and_change_nothing(cast: Cast) -> None:
    before = _model_counts()
    outbox = len(mail.outbox)
    wrong: list[str] = []
    sent = 0
    for name, kind, url in _write_addresses(cast):
        for role in ROLES:
            if role in WRITES[name]:
                continue
            status, text = post(cast, role, kind, url, MESSAGE)
            sent += 1
            if status not in REFUSED:
                wrong.append(f"POST {url} as {role} ({kind}): {status}")
            found = leaked(text, _forbidden(cast, role, kind, url))
            if found:
                wrong.append(f"POST {url} as {role} ({kind}) leaked {found}")
            if name.startswith("webhooks-api:endpoint") and name.endswith("endpoint"):
                client = cast.client(role, kind)
                response = client.delete(url, **cast.headers(role, kind))
                if response.status_code not in REFUSED:
                    wrong.append(f"DELETE {url} as {role}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert _model_counts() == before, "a refused request changed something"
    assert len(mail.outbox) == outbox, "a refused request sent mail"
    assert sent > 1000, sent
    print(f"access matrix: {sent} refused writes")


def test_the_rightful_roles_do_get_through(cast: Cast) -> None:
    """Controls: the refusals above are not a broken form — the right role is let in."""
    w, s = cast.scene.world, cast.scene
    public = s.reports["public"].tracking_id
    status, _ = post(
        cast, "officer", "public", f"/petugas/laporan/{public}/aksi/note/", {"note-text": "x"}
    )
    assert status in (200, 302, 400), status  # past the door (a form error is fine)
    status, _ = post(
        cast, "coordinator", "public", f"/petugas/laporan/{public}/aksi/note/", {"note-text": "x"}
    )
    assert status == 403
    status, text = post(
        cast, "reporter_link", "public", f"/api/v1/reports/{public}/actions/reply", {"message": "x"}
    )
    assert status != 404, text  # the link holder is recognised (the action may be refused)
    status, _ = post(cast, "agency_admin", None, "/akun/staf/tambah/", {})
    assert status in (200, 400), status
    del w
