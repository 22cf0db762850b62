"""The one place where access to reports is decided.

Staff see only reports handled by their own agency subtree; coordinators see, read-only,
the agencies they mentor; the desk sees everything. Anonymous reporters are hidden from
everyone but the desk. Every object fetch of a report for a person goes through here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from aduan.agencies.models import Agency, Membership, Role
from aduan.core import lookups  # noqa: F401  (registers in_literals)
from aduan.core.prepared import PreparedQuery
from aduan.reports import tracking
from aduan.reports.models import PUBLIC_LIST_STATUSES, Attachment, Report, ReportEvent
from aduan.reports.redaction import reporter_identity, scrub_identity

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from aduan.integrations.models import ApiKey

WORKING_ROLES = frozenset({Role.AGENCY_ADMIN, Role.OFFICER, Role.OMBUDSMAN})


@dataclass
class StaffScope:
    """What one signed-in user may see and do, from their memberships."""

    user_id: int | None
    memberships: list[Membership] = field(default_factory=list)

    @classmethod
    def for_user(cls, user: AbstractBaseUser | AnonymousUser | None) -> StaffScope:
        if user is None or not user.is_authenticated:
            return cls(user_id=None)
        members = list(Membership.objects.filter(user_id=user.pk).select_related("agency"))
        return cls(user_id=user.pk, memberships=members)

    @cached_property
    def is_desk(self) -> bool:
        return any(m.role == Role.DESK for m in self.memberships)

    @cached_property
    def working_agencies(self) -> list[Agency]:
        return [m.agency for m in self.memberships if m.role in WORKING_ROLES]

    @cached_property
    def mentored_agencies(self) -> list[Agency]:
        return [m.agency for m in self.memberships if m.role == Role.COORDINATOR]

    @property
    def is_staff(self) -> bool:
        return bool(self.memberships)

    def _subtree_q(self, agencies: list[Agency]) -> Q:
        q = Q(pk__in=[])
        for agency in agencies:
            q |= Q(agency__path__startswith=agency.path)
        return q

    def visible_reports(self) -> QuerySet[Report]:
        qs = Report.objects.all()
        if self.is_desk:
            return qs
        return qs.filter(self._subtree_q(self.working_agencies + self.mentored_agencies))

    def working_agency_for(self, report: Report) -> Agency | None:
        """The membership agency through which this user may work on the report."""
        if report.agency is None:
            return None
        for agency in self.working_agencies:
            if report.agency.is_within(agency):
                return agency
        return None

    def can_view(self, report: Report) -> bool:
        if self.is_desk:
            return True
        if report.agency is None:
            return False
        return any(report.agency.is_within(a) for a in self.working_agencies) or any(
            report.agency.is_within(a) for a in self.mentored_agencies
        )

    def can_see_reporter(self, report: Report) -> bool:
        """Anonymous reporters are visible to the national desk only; other reporters also
        to the staff who work on the report — not to coordinators, whose read-only
        mentoring needs the case, not the person."""
        if self.is_desk:
            return True
        return not report.is_anonymous and self.working_agency_for(report) is not None


# Reports anyone may list: never confidential, and only once the desk has verified them
# (unverified, rejected and archived text is not vetted for publication). The statuses
# are written into the SQL, as the public list's partial index names them.
PUBLIC = Q(is_confidential=False, status__in_literals=PUBLIC_LIST_STATUSES)


def public_reports() -> QuerySet[Report]:
    """The reports :data:`PUBLIC` allows."""
    return Report.objects.filter(PUBLIC)


def is_public(report: Report) -> bool:
    """The in-memory twin of :func:`public_reports` for one loaded report."""
    return not report.is_confidential and report.status in PUBLIC_LIST_STATUSES


@dataclass(frozen=True)
class CitizenView:
    """What a person outside the back office may see of one report (web and API)."""

    is_reporter: bool  # holds the private link's secret or owns the report's account
    show_text: bool  # title, body and public messages
    show_details: bool  # agency, location and deadlines


def citizen_view(
    report: Report, *, secret: str | None, user: AbstractBaseUser | AnonymousUser | None = None
) -> CitizenView:
    """Confidential reports show their status only; text the desk has not verified yet is
    not published; the reporter sees everything of their own report."""
    reporter = holds_reporter_secret(report, secret) or is_reporter(report, user)
    return CitizenView(
        is_reporter=reporter,
        show_text=reporter or is_public(report),
        show_details=reporter or not report.is_confidential,
    )


def report_by_tracking_id(raw: str) -> Report | None:
    tracking_id = tracking.normalize(raw)
    if tracking_id is None:
        return None
    found = _REPORT_BY_TRACKING_ID(tracking_id)
    return found[0] if found else None


# The hottest read of all (tracking page, API, SMS and e-mail status): compiled once.
# tracking_id is unique, so no ORDER BY: the model's default ordering made PostgreSQL sort.
_REPORT_BY_TRACKING_ID = PreparedQuery(
    Report,
    lambda tracking_id: (
        Report.objects.select_related("agency", "category", "region", "district")
        .filter(tracking_id=tracking_id)
        .order_by()[:1]
    ),
    (str,),
)


def holds_reporter_secret(report: Report, secret: str | None) -> bool:
    return tracking.secret_matches(secret, report.secret_hash)


def is_reporter(report: Report, user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and report.reporter_id is not None
        and report.reporter_id == user.pk
    )


# ---- back office (staff pages) ----------------------------------------------------------


def subtree_q(agencies: list[Agency], *, prefix: str = "agency__") -> Q:
    """Rows whose agency (through ``prefix``) lies in any of these subtrees; matches
    nothing for an empty list. One indexed prefix match per agency on the path."""
    q = Q(pk__in=[])
    for agency in agencies:
        q |= Q(**{f"{prefix}path__startswith": agency.path})
    return q


def staff_report(scope: StaffScope, raw_tracking_id: str) -> Report | None:
    """A report this staff member may open, or None: the page answers 404 alike for
    unknown IDs and for reports outside the user's scope, so nothing leaks by probing."""
    report = report_by_tracking_id(raw_tracking_id)
    if report is None or not scope.can_view(report):
        return None
    return report


def can_act_on(scope: StaffScope, report: Report) -> bool:
    """Desk and working staff act; coordinators (mentors) only read."""
    return scope.is_desk or scope.working_agency_for(report) is not None


def is_coordinator(scope: StaffScope) -> bool:
    return bool(scope.mentored_agencies)


def works_in(scope: StaffScope, agency: Agency) -> bool:
    """The agency lies in one of the user's working subtrees."""
    return any(agency.is_within(a) for a in scope.working_agencies)


def mentors(scope: StaffScope, agency: Agency) -> bool:
    """The agency lies in one of the subtrees the user mentors as coordinator."""
    return any(agency.is_within(a) for a in scope.mentored_agencies)


def inbox_agencies(scope: StaffScope, requested: Agency | None) -> list[Agency] | None:
    """Roots of the agency inbox: the user's working agencies, or one agency inside them
    when asked for; the desk may open any agency's inbox. None: not allowed."""
    if requested is not None:
        if scope.is_desk or works_in(scope, requested):
            return [requested]
        return None
    return list(scope.working_agencies) or None


def inbox_reports(agencies: list[Agency]) -> QuerySet[Report]:
    """Reports currently handled inside these agencies' subtrees."""
    return Report.objects.filter(subtree_q(agencies))


def coordinator_agencies(scope: StaffScope, requested: Agency | None) -> list[Agency] | None:
    """What the coordinator view may show: the mentored agencies (or one agency inside
    them); the desk may look at any agency. None: not allowed."""
    if requested is not None:
        if scope.is_desk or mentors(scope, requested):
            return [requested]
        return None
    if scope.mentored_agencies:
        return list(scope.mentored_agencies)
    return [] if scope.is_desk else None


def template_admin_agencies(scope: StaffScope) -> list[Agency]:
    """Agencies whose response templates this user manages (admin of the agency or of
    an ancestor)."""
    return [m.agency for m in scope.memberships if m.role == Role.AGENCY_ADMIN]


def can_manage_template_of(scope: StaffScope, agency: Agency) -> bool:
    return any(agency.is_within(a) for a in template_admin_agencies(scope))


def template_source_agencies_q(report: Report) -> Q:
    """Response templates usable on a report: those of its handling agency and of that
    agency's ancestors (a unit reuses its government's standard texts)."""
    if report.agency is None:
        return Q(pk__in=[])
    codes = [code for code in report.agency.path.split("/") if code]
    return Q(agency__code__in=codes)


# ---- staff and unit management, audit pages (accounts, audit) ---------------------------

# Roles an agency admin may grant or revoke; DESK and OMBUDSMAN are the desk's to give.
ADMIN_GRANTABLE_ROLES = (Role.OFFICER, Role.AGENCY_ADMIN, Role.COORDINATOR)


def admin_agencies(scope: StaffScope) -> list[Agency]:
    """Agencies whose subtree this user administers (staff, units, security policy)."""
    return [m.agency for m in scope.memberships if m.role == Role.AGENCY_ADMIN]


def can_manage_staff(scope: StaffScope) -> bool:
    """May use the staff and unit management pages at all (desk or an agency admin)."""
    return scope.is_desk or bool(admin_agencies(scope))


def managed_agencies(scope: StaffScope) -> QuerySet[Agency]:
    """Agencies this user manages: everything for the desk, else the admin subtrees."""
    if scope.is_desk:
        return Agency.objects.all()
    return Agency.objects.filter(subtree_q(admin_agencies(scope), prefix=""))


def can_manage_agency(scope: StaffScope, agency: Agency) -> bool:
    return scope.is_desk or any(agency.is_within(a) for a in admin_agencies(scope))


def managed_memberships(scope: StaffScope) -> QuerySet[Membership]:
    """Memberships this user may see and change; an admin never sees the roles a person
    holds in other agencies."""
    if scope.is_desk:
        return Membership.objects.all()
    return Membership.objects.filter(subtree_q(admin_agencies(scope)))


def managed_users(scope: StaffScope) -> QuerySet[AbstractBaseUser]:
    """Accounts with at least one membership this user manages (one row per person)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef

    in_scope = managed_memberships(scope).filter(user_id=OuterRef("pk"))
    return get_user_model().objects.filter(Exists(in_scope))


def grantable_roles(scope: StaffScope) -> list[str]:
    if scope.is_desk:
        return list(Role.values)
    if admin_agencies(scope):
        return [str(r) for r in ADMIN_GRANTABLE_ROLES]
    return []


def can_audit_report(scope: StaffScope, report: Report) -> bool:
    """The audit trail of a report: the desk, and admins whose subtree handles or once
    handled it."""
    if scope.is_desk:
        return True
    agencies = admin_agencies(scope)
    if not agencies:
        return False
    if report.agency is not None and any(report.agency.is_within(a) for a in agencies):
        return True
    return report.events.filter(subtree_q(agencies)).exists()


def can_audit_user(scope: StaffScope, user_id: int) -> bool:
    """Everything one person did: the desk, the person themself, and admins of a subtree
    the person works in."""
    if scope.is_desk or scope.user_id == user_id:
        return True
    return managed_users(scope).filter(pk=user_id).exists()


# ---- notifications oversight (failed sends page) -----------------------------------------


def notification_oversight(scope: StaffScope) -> list[Agency] | None:
    """Whose notices this user may review and send again: ``None`` means all of them
    (the desk); otherwise the agencies they administer, whose subtree's notices they
    see. An empty list means the page is not theirs (officers, coordinators)."""
    if scope.is_desk:
        return None
    return [m.agency for m in scope.memberships if m.role == Role.AGENCY_ADMIN]


# ---- agency API keys (integrations) --------------------------------------------------------
# A key acts as an officer of its agency: it sees and works the reports handled inside
# that agency's subtree, never the reporter of an anonymous report, and nothing else.


def scope_for_api_key(key: ApiKey) -> StaffScope:
    """The staff scope a key carries (the same one ``lifecycle.Actor.api_key`` acts with)."""
    return StaffScope(user_id=None, memberships=[Membership(agency=key.agency, role=Role.OFFICER)])


def api_key_reports(key: ApiKey) -> QuerySet[Report]:
    """Reports currently handled inside the key's agency subtree."""
    return Report.objects.filter(subtree_q([key.agency]))


def api_key_report(key: ApiKey, raw_tracking_id: str) -> Report | None:
    """A report the key may read and act on, or None: unknown IDs and reports of other
    agencies answer alike (404), so nothing leaks by probing."""
    report = report_by_tracking_id(raw_tracking_id)
    if report is None or not scope_for_api_key(key).can_view(report):
        return None
    return report


def api_key_can_see_reporter(key: ApiKey, report: Report) -> bool:
    """Agencies never see who filed an anonymous report; only the desk does."""
    return scope_for_api_key(key).can_see_reporter(report)


def api_key_owns_source(key: ApiKey, report: Report) -> bool:
    """The report came in through this key's agency's own app (its external ID is theirs)."""
    source = report.source_agency
    return source is not None and source.is_within(key.agency)


def api_key_admin_agencies(scope: StaffScope) -> QuerySet[Agency] | None:
    """Agencies whose API keys this user manages: any agency but the desk itself for the
    desk, the admin subtrees for agency admins; None when the page is not theirs."""
    agencies = Agency.objects.exclude(kind=Agency.Kind.DESK)
    if scope.is_desk:
        return agencies
    admin = admin_agencies(scope)
    if not admin:
        return None
    return agencies.filter(subtree_q(admin, prefix=""))


def managed_api_keys(scope: StaffScope) -> QuerySet[ApiKey]:
    """Keys this user may list and revoke (none when the page is not theirs)."""
    from aduan.integrations.models import ApiKey

    if scope.is_desk:
        return ApiKey.objects.all()
    return ApiKey.objects.filter(subtree_q(admin_agencies(scope)))


# ---- citizen pages: files on a report (tracking page and downloads) ----------------------


def citizen_attachments(report: Report, view: CitizenView) -> QuerySet[Attachment]:
    """Files a person outside the back office may download (see :func:`citizen_view`).

    The reporter gets every file tied to an event they can see: their own and the agency's
    follow-up documents. Anyone else gets only the files the agency published, on public
    events, and only where the report's text is shown at all (never for confidential
    reports). Files without an event or on staff-only events never leave the back office.
    """
    visibility = ReportEvent.Visibility
    if view.is_reporter:
        return report.attachments.filter(
            event__visibility__in=[visibility.PUBLIC, visibility.PARTIES]
        ).order_by("id")
    if view.show_text:
        return report.attachments.filter(
            is_public=True, event__visibility=visibility.PUBLIC
        ).order_by("id")
    return report.attachments.none()


# ---- Open311 GeoReport v2 (aduan.open311) ------------------------------------------------
# Anyone may read public reports. An agency's key adds what that agency's system may know:
# the reports its subtree handles (as ``api_key_reports``) and the reports it filed itself
# through Open311 or its own app, which it follows as their reporter would (status and
# public text). Open311 fields never carry the reporter's identity.


def open311_reports(key: ApiKey | None) -> QuerySet[Report]:
    if key is None:
        return public_reports()
    handled = subtree_q([key.agency])
    filed = subtree_q([key.agency], prefix="source_agency__")
    return Report.objects.filter(PUBLIC | handled | filed)


def open311_handled_events_q(key: ApiKey | None) -> Q:
    """Events whose report the key's agency handles now: its system also gets the
    conversation with the reporter (``parties`` events), as its officers do."""
    if key is None:
        return Q(pk__in=[])
    return subtree_q([key.agency], prefix="report__agency__")


# ---- outbound webhooks (aduan.webhooks) --------------------------------------------------


def webhook_admin_agencies(scope: StaffScope) -> list[Agency] | None:
    """Whose webhook endpoints this user manages: ``None`` means every agency's (the
    desk); otherwise the agencies they administer, each with its subtree. An empty list
    means the pages are not theirs (officers, coordinators)."""
    if scope.is_desk:
        return None
    return admin_agencies(scope)


def can_manage_webhooks_of(scope: StaffScope, agency: Agency) -> bool:
    return can_manage_agency(scope, agency)


def api_key_webhook_agencies(key: ApiKey) -> list[Agency]:
    """A key manages the webhook endpoints of its agency's subtree."""
    return [key.agency]


# ---- inbound SMS, chat and e-mail (aduan.channels) ---------------------------------------


def _phone_digits(value: str) -> str:
    """Digits of a phone number with the Indonesian trunk zero as country code, so
    ``0812-3456-7890``, ``62 812 3456 7890`` and ``+6281234567890`` compare equal."""
    digits = "".join(c for c in value if c in "0123456789")
    return "62" + digits[1:] if digits.startswith("0") else digits


def sender_is_reporter(
    report: Report, *, phone: str = "", email: str = "", filed_by_sender: bool = False
) -> bool:
    """A message on a channel speaks for the report's reporter only when it comes from
    the number or address the report was filed with (``filed_by_sender``: the channel's
    own log shows this sender filed it, for chat IDs that are not phone numbers)."""
    if filed_by_sender:
        return True
    if phone and report.reporter_phone:
        mine = _phone_digits(report.reporter_phone)
        return len(mine) >= 8 and mine == _phone_digits(phone)
    if email:
        # Notices go to the report's address, else to the reporter's account address.
        account = report.reporter.email if report.reporter_id and report.reporter else ""
        known = report.reporter_email.strip() or (account or "").strip()
        return bool(known) and email.strip().casefold() == known.casefold()
    return False


# ---- a signed-in reporter's own reports ---------------------------------------------------


def reports_of_reporter(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Report]:
    """Every report filed from this account, confidential ones included (they are the
    reporter's own), newest first."""
    if not user.is_authenticated:
        return Report.objects.none()
    return Report.objects.filter(reporter_id=user.pk).order_by("-submitted_at")


# ---- reporter-written text as staff read it ------------------------------------------------


def staff_text(report: Report, field: str, *, can_see_reporter: bool) -> str:
    """``title`` or ``body`` as a staff member may read it: as written for those who may
    see the reporter; otherwise (an anonymous report at the agency, a coordinator) with the
    reporter's own name, e-mail and phone taken out — people sign their complaints. Only
    the asked field is read, so lists that defer the body stay one query."""
    text: str = getattr(report, field)
    if can_see_reporter:
        return text
    return scrub_identity(text, **reporter_identity(report))
