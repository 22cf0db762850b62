"""Every URL pattern of the project, classified: a public page, a staff page (with the
demo roles that open it) or not a page (with the reason). The accessibility audit opens
every page in both languages; a pattern nobody classified fails the suite, and so does
a page whose arguments cannot be filled.

New pages are picked up without editing this file when their arguments are ones the
suite can fill (``code``, ``tracking_id``): addresses under the staff prefixes are
audited as the first demo role that may open them, the others as a visitor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.privacy_support import STAFF_PREFIXES, Route, all_routes

# Roles tried, in order, for a staff page nobody classified by hand.
AUTO_STAFF_ROLES = ("coordinator", "desk", "admin", "officer", "ombudsman")


@dataclass(frozen=True)
class Page:
    kind: str  # "public" or "staff"
    roles: tuple[str, ...]  # demo roles the page is audited as ("anon": signed out)
    args: tuple[tuple[str, str], ...] = ()  # URL argument -> key of the scene
    query: str = ""


@dataclass(frozen=True)
class NotAPage:
    reason: str


POST_ONLY = NotAPage("form action (POST only); its result pages are audited")
FILE = NotAPage("file download, not HTML")
JSON = NotAPage("machine interface (JSON/XML), not HTML")

PUBLIC = ("anon",)
TRACK = (("tracking_id", "tracking_id"),)

# Patterns classified by hand, by URL name.
CLASSIFIED: dict[str, Page | NotAPage] = {
    "healthz": NotAPage("health check for the load balancer (JSON)"),
    "set_language": NotAPage("language switch (POST, redirects back); tested in test_languages"),
    # citizens
    "reports:home": Page("public", PUBLIC),
    "reports:submit": Page("public", PUBLIC),
    "reports:submitted": Page("public", PUBLIC),
    "reports:districts": NotAPage("district list fragment fetched by report-form.js"),
    "reports:track_lookup": Page("public", PUBLIC),
    "reports:track": Page("public", PUBLIC, TRACK),
    "reports:track_action": POST_ONLY,
    "reports:attachment": FILE,
    "reports:list": Page("public", PUBLIC),
    "reports:mine": Page("public", ("citizen",)),
    # accounts
    "accounts:login": Page("public", PUBLIC),
    "accounts:logout": POST_ONLY,
    "accounts:set-password": Page(
        "public", PUBLIC, (("uidb64", "uidb64"), ("token", "password_token"))
    ),
    "accounts:two-factor": Page("staff", ("admin",)),
    "accounts:two-factor-verify": NotAPage(
        "second login step, shown only to staff with an authenticator app mid-login "
        "(redirects otherwise); rendered by tests/test_accounts_twofactor.py"
    ),
    "accounts:staff-list": Page("staff", ("admin",)),
    "accounts:staff-create": Page("staff", ("admin",)),
    "accounts:staff-detail": Page("staff", ("admin",), (("user_id", "user_id"),)),
    "accounts:staff-role-add": POST_ONLY,
    "accounts:staff-role-remove": POST_ONLY,
    "accounts:staff-status": POST_ONLY,
    "accounts:staff-two-factor-reset": POST_ONLY,
    "accounts:staff-password-link": POST_ONLY,
    "accounts:unit-list": Page("staff", ("admin",)),
    "accounts:unit-create": Page("staff", ("admin",)),
    "accounts:unit-detail": Page("staff", ("admin",), (("code", "unit_code"),)),
    "accounts:unit-policy": POST_ONLY,
    # audit trail
    "audit:report": Page("staff", ("admin",), TRACK),
    "audit:user": Page("staff", ("admin",), (("user_id", "user_id"),)),
    # notifications, API keys, webhooks
    "notifications:list": Page("staff", ("admin",)),
    "notifications:resend": POST_ONLY,
    "integrations:keys": Page("staff", ("admin",)),
    "integrations:key-revoke": POST_ONLY,
    "webhooks:list": Page("staff", ("admin",)),
    "webhooks:create": Page("staff", ("admin",)),
    "webhooks:detail": Page("staff", ("admin",), (("endpoint_id", "endpoint_id"),)),
    "webhooks:pause": POST_ONLY,
    "webhooks:resume": POST_ONLY,
    "webhooks:rotate": POST_ONLY,
    "webhooks:ping": POST_ONLY,
    "webhooks:delete": Page("staff", ("admin",), (("endpoint_id", "endpoint_id"),)),
    "webhooks:delivery": Page(
        "staff", ("admin",), (("endpoint_id", "endpoint_id"), ("delivery_id", "delivery_id"))
    ),
    "webhooks:redeliver": POST_ONLY,
    # back office
    "backoffice:home": Page("staff", ("desk", "officer", "coordinator")),
    "backoffice:desk_queue": Page("staff", ("desk",)),
    "backoffice:desk_bulk": POST_ONLY,
    "backoffice:inbox": Page("staff", ("officer",)),
    "backoffice:coordinator": Page("staff", ("coordinator",)),
    "backoffice:report": Page("staff", ("desk", "officer"), TRACK),
    "backoffice:report_action": POST_ONLY,
    "backoffice:attachment": FILE,
    "backoffice:templates": Page("staff", ("admin",)),
    "backoffice:template_create": Page("staff", ("admin",)),
    "backoffice:template_edit": Page("staff", ("admin",), (("pk", "template_pk"),)),
    "backoffice:template_deactivate": POST_ONLY,
    "dedup:dismiss": POST_ONLY,
}

# Whole families of patterns, by address prefix.
PREFIXES: tuple[tuple[str, NotAPage], ...] = (
    ("admin/", NotAPage("Django admin: the operators' database tool, not the product's UI")),
    ("api/", JSON),
    ("open311/", JSON),
    ("channels/", NotAPage("SMS/e-mail gateway callback (POST, machine)")),
)

# Addresses ending like a file name are downloads (exports, open data).
FILE_SUFFIXES = (".csv", ".xlsx", ".json", ".xml", ".pdf", ".zip", ".geojson", ".txt")

# URL arguments a new page may use without being classified by hand.
AUTO_ARGS = {"code": "code", "tracking_id": "tracking_id"}


@dataclass(frozen=True)
class Classified:
    route: Route
    what: Page | NotAPage | None  # None: nobody classified it and it cannot be guessed
    why_unclassified: str = ""


def classify(route: Route) -> Classified:
    if route.name in CLASSIFIED:
        return Classified(route, CLASSIFIED[route.name])
    pattern = route.pattern.lstrip("^")
    for prefix, verdict in PREFIXES:
        if pattern.startswith(prefix):
            return Classified(route, verdict)
    if pattern.rstrip("$").endswith(FILE_SUFFIXES):
        return Classified(route, FILE)
    if not route.name:
        return Classified(route, None, "unnamed pattern outside admin/api")
    unknown = [p for p in route.params if p not in AUTO_ARGS]
    if unknown:
        return Classified(route, None, f"URL arguments {unknown} cannot be filled")
    args = tuple((p, AUTO_ARGS[p]) for p in route.params)
    if ("/" + route.pattern).startswith(STAFF_PREFIXES):
        return Classified(route, Page("staff", ("auto",), args))
    return Classified(route, Page("public", PUBLIC, args))


def classified_routes() -> list[Classified]:
    return [classify(r) for r in all_routes()]


def page_path(route: Route, page: Page, scene: dict[str, Any]) -> str:
    from django.urls import reverse

    kwargs = {name: scene[key] for name, key in page.args}
    return reverse(route.name, kwargs=kwargs) + (f"?{page.query}" if page.query else "")


def audited_pages(scene: dict[str, Any]) -> list[tuple[str, Page, str]]:
    """(URL name, page, path) of every page the audit opens."""
    out = []
    for c in classified_routes():
        if isinstance(c.what, Page):
            out.append((c.route.name, c.what, page_path(c.route, c.what, scene)))
    return out
