"""``aduan seed --demo --bulk --reports N``: millions of demo reports in minutes.

The ordinary seeder plays every report through the real lifecycle (about fifty reports a
second): right for a demo, hopeless for the ten million reports a scale test needs. This
path writes the same tables directly, in bulk: PostgreSQL ``COPY`` (three streams on three
connections, so the database parses reports, events and statistics facts while Python
writes the next rows), SQLite ``executemany``. On PostgreSQL the secondary indexes and
foreign keys of those tables are dropped first and rebuilt once at the end, which is
several times faster than maintaining them row by row.

What it writes is what the system itself would have written:

- every report walks the lifecycle's own paths (verification within days, rejections and
  requests for information, wrong dispatches sent back as "bukan wewenang", acceptance,
  forwarding to a unit, progress updates, follow-up, the reporter's reply, closing by the
  reporter or automatically, ratings, escalation to the Ombudsman), with the deadlines of
  :func:`aduan.sla.deadlines.due` (working days and holidays) and the event rows each
  transition appends, in the order and with the fields, visibility and redacted public
  messages of :data:`aduan.reports.lifecycle.TRANSITIONS`;
- events are hash-chained exactly as :mod:`aduan.audit.chain` chains them, so ``aduan
  audit verify`` passes;
- each report's statistics fact is :func:`aduan.stats.rollups.compute_fact` of its row, and
  the rollups are rebuilt from the facts;
- reports spread over five years with volume growing over time, over every regency and
  city by population, their governments and units, provinces and national bodies;
  the stories that run into the present stay open (about one report in ten).

Texts (titles, bodies, reporters, messages) come from a pool of demo plans
(:func:`aduan.demo.plans.make_plan`); at this volume the place a text names need not be
the report's region. The near-duplicate index and triage model are not built here (run
``aduan dedup reindex`` if the duplicate finder must know old reports). Bulk seeding
fills an empty report table only: it refuses to run when reports exist.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import json
import os
import random
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency
from aduan.audit import chain
from aduan.core import dbstats
from aduan.demo import accounts
from aduan.demo import writer as texts
from aduan.demo.plans import Catalogue, make_plan
from aduan.demo.seeding import check_reference_data
from aduan.regions.models import District, Region
from aduan.reports.effects import ESCALATION_SOURCES
from aduan.reports.lifecycle import TRANSITIONS
from aduan.reports.models import Report, ReportEvent, Status
from aduan.reports.redaction import redact, scrub_identity
from aduan.reports.tracking import ALPHABET
from aduan.sla import deadlines
from aduan.stats import rollups
from aduan.stats.models import ReportFact

YEARS = 5
TEMPLATES = 3000
BATCH = 20_000
DAY = 86_400
HOUR = 3_600
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DESK_TZ = "Asia/Jakarta"
TZ_OFFSETS = {"Asia/Jakarta": 7 * HOUR, "Asia/Makassar": 8 * HOUR, "Asia/Jayapura": 9 * HOUR}
REJECT_CODES = ("incomplete", "out_of_scope", "spam", "abusive")
REJECT_WEIGHTS = (3, 3, 2, 1)
RETURN_REASONS = ("Bukan kewenangan instansi kami", "Kewenangan instansi lain")
RETURN_MESSAGE = "Mohon didisposisikan kepada instansi yang berwenang."
ESCALATE_MESSAGE = "Sudah melewati batas waktu penyelesaian dan belum ada tindak lanjut."
RATING_WEIGHTS = {True: (3, 5, 12, 35, 45), False: (15, 20, 30, 25, 10)}
S = Status
K = deadlines.Key
BULK_TABLES = (Report, ReportEvent, ReportFact)


@dataclass
class BulkResult:
    reports: int
    events: int
    open_reports: int
    seconds: float


# ------------------------------------------------------------------ time, as integers


def _ts(moment: datetime) -> int:
    return int(moment.timestamp())


class Clock:
    """UTC seconds → the strings the database and the hash chain take (tables per day
    and per second of the day: formatting dates is a large share of the work)."""

    HMS = [f"{s // HOUR:02d}:{s % HOUR // 60:02d}:{s % 60:02d}" for s in range(DAY)]

    def __init__(self) -> None:
        self._days: dict[int, str] = {}

    def day(self, ts: int) -> str:
        d = ts // DAY
        text = self._days.get(d)
        if text is None:
            text = self._days[d] = (EPOCH + timedelta(days=d)).strftime("%Y-%m-%d")
        return text

    def sql(self, ts: int | None) -> str | None:
        if ts is None:
            return None
        return f"{self.day(ts)} {self.HMS[ts % DAY]}"

    def iso(self, ts: int) -> str:
        """As :func:`aduan.audit.chain._canonical_value` writes a datetime."""
        return f"{self.day(ts)}T{self.HMS[ts % DAY]}.000000+00:00"

    def both(self, ts: int) -> tuple[str, str]:
        """(:meth:`sql`, :meth:`iso`) of one moment, the day looked up once."""
        day, hms = self.day(ts), self.HMS[ts % DAY]
        return f"{day} {hms}", f"{day}T{hms}.000000+00:00"


class Deadlines:
    """:func:`aduan.sla.deadlines.due`, memoised by (limit, local day, zone): a deadline
    depends only on the local date it starts from."""

    def __init__(self) -> None:
        self._memo: dict[tuple[str, int, str], int] = {}

    def due(self, key: str, ts: int, tz: str) -> int:
        local_day = (ts + TZ_OFFSETS.get(tz, 7 * HOUR)) // DAY
        memo_key = (key, local_day, tz)
        found = self._memo.get(memo_key)
        if found is None:
            start = datetime.fromtimestamp(ts, UTC)
            found = self._memo[memo_key] = _ts(deadlines.due(key, start, tz))
        return found


def office(ts: int, rng: random.Random) -> int:
    """Staff act on weekdays between 08:00 and 16:00 WIB (as the demo stories do)."""
    local = ts + 7 * HOUR
    hour = local % DAY // HOUR
    day = local // DAY
    if hour < 8:
        local = day * DAY + 8 * HOUR + rng.randrange(3600)
    elif hour >= 16:
        day += 1
        local = day * DAY + 8 * HOUR + rng.randrange(3600)
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday (3)
    if weekday >= 5:
        local += (7 - weekday) * DAY
    return local - 7 * HOUR


# ------------------------------------------------------------------ reference data


@dataclass
class Template:
    title: str
    body: str
    public_title: str
    public_body: str
    type: str
    category_id: int
    needs_inspection: bool
    is_anonymous: bool
    is_confidential: bool
    channel: str
    reporter_id: int | None
    reporter_name: str
    reporter_email: str
    reporter_phone: str
    demographics: tuple[bool, str, str, bool | None]
    incident_days: int | None
    latitude: str | None
    longitude: str | None
    language: str
    response: str
    updates: tuple[str, ...]


class References:
    """Everything a generated report points at, loaded once."""

    def __init__(
        self, *, horizon: datetime, log: Callable[[str], None], templates: int = TEMPLATES
    ) -> None:
        agencies = list(
            Agency.objects.filter(is_active=True).values_list(
                "pk", "code", "kind", "region_id", "time_zone", "path", "parent_id"
            )
        )
        self.tz = {pk: tz for pk, _c, _k, _r, tz, _p, _pa in agencies}
        self.path = {pk: path for pk, _c, _k, _r, _tz, path, _pa in agencies}
        by_code = {code: pk for pk, code, *_rest in agencies}
        self.units: dict[int, list[int]] = {}
        for pk, _code, kind, _r, _tz, _p, parent in agencies:
            if kind == Agency.Kind.UNIT and parent is not None:
                self.units.setdefault(parent, []).append(pk)
        national = [
            (pk, {"ministry": 6, "institution": 2, "bumn": 3}[kind])
            for pk, _c, kind, *_rest in agencies
            if kind in ("ministry", "institution", "bumn")
        ]
        self.national = [pk for pk, _w in national]
        self.national_cum = list(accumulate(w for _pk, w in national))
        regions = list(
            Region.objects.filter(level=Region.Level.REGENCY).values_list("code", "population")
        )
        self.regions = [code for code, _pop in regions]
        self.region_cum = list(accumulate(max(pop, 1) for _code, pop in regions))
        self.government = {code: by_code.get(code) for code in self.regions}
        self.province = {code: by_code.get(code.split(".", 1)[0]) for code in self.regions}
        self.districts: dict[str, list[str]] = {}
        for code, regency in District.objects.values_list("code", "regency_id"):
            self.districts.setdefault(regency, []).append(code)
        ombudsman = Agency.objects.filter(kind=Agency.Kind.OMBUDSMAN, parent=None).first()
        desk = Agency.objects.filter(kind=Agency.Kind.DESK).first()
        self.ombudsman = ombudsman.pk if ombudsman else None
        self.desk_agency = desk.pk if desk else None
        book = accounts.Accounts()
        with transaction.atomic():
            book.ensure_fixed()
        self.desk_user = book.user("desk@demo.aduan.id").pk
        self.officers = {
            by_code[code]: book.user(email).pk
            for email, code in (
                ("petugas.bandung@demo.aduan.id", "32.73"),
                ("petugas.dinkes.bandung@demo.aduan.id", "32.73.DINKES"),
                ("petugas.kemenkes@demo.aduan.id", "KEMENKES"),
                ("ombudsman@demo.aduan.id", "ORI"),
            )
            if code in by_code
        }
        self.templates = self._templates(book, horizon, log, templates)

    @staticmethod
    def _templates(
        book: accounts.Accounts, horizon: datetime, log: Callable[[str], None], count: int
    ) -> list[Template]:
        log(_("Menyiapkan %(n)d naskah laporan contoh …") % {"n": count})
        catalogue = Catalogue()
        citizen = book.user(accounts.REPORTER_EMAIL)
        out = []
        for seq in range(count):
            plan = make_plan(seq, book=catalogue, now=horizon, citizen=citizen)
            s = plan.submission
            identity = {
                "name": s.reporter_name,
                "email": s.reporter_email,
                "phone": s.reporter_phone,
            }
            incident = (
                (plan.submitted_at.date() - s.incident_date).days if s.incident_date else None
            )
            out.append(
                Template(
                    title=s.title.strip(),
                    body=s.body.strip(),
                    public_title=redact(scrub_identity(s.title.strip(), **identity)),
                    public_body=redact(scrub_identity(s.body.strip(), **identity)),
                    type=s.type,
                    category_id=plan.category.pk,
                    needs_inspection=plan.needs_inspection,
                    is_anonymous=s.is_anonymous,
                    is_confidential=s.is_confidential,
                    channel=s.channel,
                    reporter_id=plan.reporter.pk if plan.reporter is not None else None,
                    reporter_name=s.reporter_name.strip(),
                    reporter_email=s.reporter_email.strip(),
                    reporter_phone=s.reporter_phone.strip(),
                    demographics=(
                        s.demographics_consent,
                        s.gender if s.demographics_consent else "",
                        s.age_band if s.demographics_consent else "",
                        s.has_disability if s.demographics_consent else None,
                    ),
                    incident_days=incident,
                    latitude=None if s.latitude is None else str(s.latitude),
                    longitude=None if s.longitude is None else str(s.longitude),
                    language="id",
                    response=plan.writer.fill(plan.issue.response),
                    updates=plan.topic.updates + texts.EARLY_UPDATES,
                )
            )
        return out

    def pick_region(self, rng: random.Random) -> str:
        return self.regions[bisect.bisect(self.region_cum, rng.random() * self.region_cum[-1])]

    def destination(self, rng: random.Random, region: str) -> tuple[int, int | None]:
        """(the agency the desk dispatches to, the unit it forwards to or None)."""
        roll = rng.random()
        government = self.government.get(region)
        if roll < 0.65 and government is not None:
            units = self.units.get(government)
            if units and roll < 0.2:
                return rng.choice(units), None
            return government, (rng.choice(units) if units and rng.random() < 0.4 else None)
        if roll < 0.75 and self.province.get(region) is not None:
            return self.province[region], None  # type: ignore[return-value]
        body = self.national[bisect.bisect(self.national_cum, rng.random() * self.national_cum[-1])]
        units = self.units.get(body)
        return body, (rng.choice(units) if units and rng.random() < 0.5 else None)


# ------------------------------------------------------------------ story shapes
#
# Playing the lifecycle's decisions costs far more than writing the rows, so each
# report reuses one of a library of recorded paths ("shapes"), moved in time by whole
# weeks (weekdays and office hours stay what they were) and cut at the present. Every
# deadline is recomputed for the report's own dates and time zone from the recipe the
# shape recorded, and the statistics fact is computed from the report's own row.

WEEK = 7 * DAY
SHAPES = 12_000  # per library: destinations with and without a unit to forward to
COMPLETION = "completion"  # the report's own completion limit (type, inspection)
RESPONSE = "\x00response"  # an event message slot: the template's follow-up text
DESK_SLOT = "desk"
OPEN = frozenset(s.value for s in (S.SUBMITTED, S.NEEDS_INFO, S.DISPATCHED, S.IN_PROGRESS,
                                   S.RESPONDED, S.ESCALATED))  # fmt: skip
# A recipe: (limit key, anchor time, zone slot), or ("max"/"min", recipe, recipe).
Recipe = tuple[Any, ...]
STATE_FIELDS = (
    "status", "agency", "verified_at", "dispatched_at", "first_response_at", "responded_at",
    "closed_at", "rejection_reason", "bounce_count", "rating", "resolved", "due_at",
    "auto_at", "first_response_due_at", "completion_due_at", "offer_at",
)  # fmt: skip
TIME_FIELDS = ("verified_at", "dispatched_at", "first_response_at", "responded_at", "closed_at")
DUE_FIELDS = ("due_at", "auto_at", "first_response_due_at", "completion_due_at", "offer_at")
# States the reporter may be offered the Ombudsman from (effects.ESCALATION_SOURCES).
OFFER_FROM = frozenset(s.value for s in ESCALATION_SOURCES)


class Stop(Exception):
    """The next step lies in the future: the report stays where it is."""


@dataclass(frozen=True)
class EventSpec:
    action: str
    from_status: str
    to_status: str
    actor_kind: str
    user: str | None  # "desk", "reporter", "officer" (of the actor's agency) or None
    actor_agency: str | None  # slot
    agency: str | None  # slot: "T" target, "U" unit, "W" wrong agency, "O" Ombudsman
    reason: str
    message: str  # or RESPONSE
    public: str
    visibility: str
    ts: int
    key: int = 0  # the same for every event of the same kind (all but time and slots)

    def __post_init__(self) -> None:
        kind = (self.action, self.from_status, self.to_status, self.actor_kind, self.reason,
                self.message, self.public, self.visibility)  # fmt: skip
        object.__setattr__(self, "key", _KINDS.setdefault(kind, len(_KINDS)))


_KINDS: dict[tuple[str, ...], int] = {}


@dataclass
class Shape:
    t0: int
    events: list[EventSpec]
    times: list[int]
    snapshots: list[dict[str, Any]]  # the state after each event


class Recorder:
    """Records one path through the lifecycle (the demo stories' odds), with agencies as
    slots and deadlines as recipes."""

    def __init__(self, rng: random.Random, due: Deadlines) -> None:
        self.rng, self.due = rng, due

    def record(self, t0: int, *, has_unit: bool) -> Shape:
        self.state: dict[str, Any] = dict.fromkeys(STATE_FIELDS)
        self.state.update(status="", bounce_count=0, rejection_reason="")
        self.shape = Shape(t0, [], [], [])
        self.clock = t0
        self.prompt = True
        self._event("submit", t0, actor="reporter", user="reporter", target=S.SUBMITTED)
        with suppress(Stop):
            self._desk(has_unit)
        return self.shape

    # -- plumbing
    def _value(self, recipe: Recipe | None) -> int | None:
        """A recipe's time while recording (zone: WIB; recomputed per report later)."""
        if recipe is None:
            return None
        if recipe[0] in ("max", "min"):
            pick = max if recipe[0] == "max" else min
            return pick(self._value(recipe[1]) or 0, self._value(recipe[2]) or 0)
        key = K.COMPLETION_COMPLAINT if recipe[0] == COMPLETION else recipe[0]
        return self.due.due(key, recipe[1], DESK_TZ)

    def _at(self, hours: float, office_hours: bool = True) -> int:
        when = self.clock + int(hours * HOUR)
        if office_hours:
            when = office(when, self.rng)
        if when - self.shape.t0 > 3 * 365 * DAY:
            raise Stop  # a path longer than three years is not followed further
        return max(when, self.clock + 60)

    def _event(
        self, action: str, when: int, *, actor: str, user: str | None = None,
        actor_agency: str | None = None, reason: str = "", message: str = "",
        target: str | None = None,
    ) -> None:  # fmt: skip
        state = self.state
        rule = TRANSITIONS.get(action)
        old = state["status"]
        new = target or (rule.target if rule and rule.target else old)
        public = (
            "" if message == RESPONSE or not (rule and rule.message_public) else redact(message)
        )
        self.shape.events.append(
            EventSpec(action, old, str(new), actor, user, actor_agency, state["agency"], reason,
                      message, public, str(rule.visibility if rule else "public"), when)
        )  # fmt: skip
        state["status"] = new
        self.clock = when
        self._deadlines(new, action)
        self._offer(old, str(new), action)
        self.shape.times.append(when)
        self.shape.snapshots.append(dict(state))

    def _deadlines(self, status: str, action: str) -> None:
        """:func:`aduan.reports.effects.deadline_fields`, as recipes."""
        st, now, slot = self.state, self.clock, self.state["agency"] or DESK_SLOT
        if status == S.SUBMITTED:
            st["due_at"], st["auto_at"] = (K.VERIFY, now, DESK_SLOT), None
        elif status == S.NEEDS_INFO:
            st["due_at"], st["auto_at"] = None, (K.NEEDS_INFO_EXPIRY, now, slot)
        elif status in (S.DISPATCHED, S.ESCALATED):
            st["first_response_due_at"] = st["due_at"] = (K.FIRST_RESPONSE, now, slot)
            st["completion_due_at"] = (COMPLETION, now, slot)
            st["auto_at"] = None
        elif status == S.IN_PROGRESS:
            if action == "reporter_reply":
                reply = (K.FIRST_RESPONSE, now, slot)
                previous = st["completion_due_at"]
                st["due_at"] = ("max", reply, previous) if previous else reply
            elif action != "rate":
                st["due_at"] = (
                    st["completion_due_at"]
                    if st["first_response_at"]
                    else st["first_response_due_at"]
                )
            st["auto_at"] = None
        elif status == S.RESPONDED:
            if action != "rate":
                st["due_at"], st["auto_at"] = None, (K.AUTO_CLOSE, now, slot)
        else:
            st["due_at"] = st["auto_at"] = None

    def _offer(self, old: str, new: str, action: str) -> None:
        """:func:`aduan.reports.effects.offer_fields`, as a recipe (the dispatch limit or
        the completion limit, whichever comes first)."""
        st = self.state
        if new not in OFFER_FROM:
            st["offer_at"] = None
        elif old not in OFFER_FROM or new == S.DISPATCHED or action == "forward":
            by_age = (K.OMBUDSMAN_AFTER_DISPATCH, st["dispatched_at"], st["agency"] or DESK_SLOT)
            completion = st["completion_due_at"]
            st["offer_at"] = ("min", by_age, completion) if completion else by_age

    # -- the paths (the odds of aduan.demo.story)
    def _desk_delay(self) -> float:
        rng = self.rng
        return rng.uniform(60, 150) if rng.random() < 0.12 else rng.uniform(1, 30)

    def _desk(self, has_unit: bool) -> None:
        rng, st = self.rng, self.state
        when = self._at(self._desk_delay())
        roll = rng.random()
        desk = {"actor": "staff", "user": DESK_SLOT, "actor_agency": DESK_SLOT}
        if roll < 0.07:
            reason = rng.choices(REJECT_CODES, REJECT_WEIGHTS)[0]
            st["rejection_reason"], st["closed_at"] = reason, when
            self._event(
                "reject", when, reason=reason, message=texts.REJECT_MESSAGES[reason], **desk
            )
            return
        if roll < 0.19:
            self._event("request_info", when, message=rng.choice(texts.REQUEST_INFO), **desk)
            if rng.random() >= 0.55:
                expiry = (self._value(st["auto_at"]) or when) + rng.randrange(60, 3600)
                st["rejection_reason"], st["closed_at"] = "incomplete", expiry
                self._event("expire", expiry, actor="system", reason="incomplete")
                return
            answer = self._at(rng.uniform(4, 120), office_hours=False)
            self._event("provide_info", answer, actor="reporter", user="reporter",
                        message=rng.choice(texts.PROVIDE_INFO))  # fmt: skip
            when = self._at(self._desk_delay())
        if rng.random() < 0.05:
            self._dispatch("W", when)
            if rng.random() < 0.5:
                self._event("accept", self._at(rng.uniform(4, 48)), actor="staff",
                            user="officer", actor_agency="W")  # fmt: skip
            back = self._at(rng.uniform(4, 72))
            st["agency"] = None
            st["bounce_count"] += 1
            st["first_response_due_at"] = st["completion_due_at"] = None
            self._event("return_to_desk", back, actor="staff", user="officer", actor_agency="W",
                        reason=rng.choice(RETURN_REASONS), message=RETURN_MESSAGE)  # fmt: skip
            when = self._at(self._desk_delay())
        self._dispatch("T", when)
        self._agency(has_unit)

    def _dispatch(self, slot: str, when: int) -> None:
        st = self.state
        st["agency"], st["dispatched_at"] = slot, when
        st["verified_at"] = st["verified_at"] or when
        st["first_response_at"] = None
        self._event("dispatch", when, actor="staff", user=DESK_SLOT, actor_agency=DESK_SLOT)

    def _staff(self) -> dict[str, Any]:
        return {"actor": "staff", "user": "officer", "actor_agency": self.state["agency"]}

    def _agency(self, has_unit: bool) -> None:
        rng, st = self.rng, self.state
        behaviour = rng.choices(("prompt", "slow", "stalled"), weights=(62, 25, 13))[0]
        self.prompt = behaviour == "prompt"
        if behaviour == "stalled" and rng.random() < 0.3:
            self._maybe_escalate()
            return
        delay = rng.uniform(2, 40) if self.prompt else rng.uniform(60, 200)
        self._event("accept", self._at(delay), **self._staff())
        if has_unit and rng.random() < 0.85:
            when = self._at(rng.uniform(0.5, 30))
            home = self._staff()
            st["agency"] = "U"
            self._event("forward", when, **home)
        if rng.random() < 0.5:
            self._message("update", self._at(rng.uniform(12, 120)), rng.choice(texts.EARLY_UPDATES))
        if behaviour == "stalled":
            self._maybe_escalate()
            return
        self._message("respond", self._response_time(), RESPONSE)
        self._after_response()

    def _message(self, action: str, when: int, message: str) -> None:
        st = self.state
        if st["first_response_at"] is None:
            st["first_response_at"] = when
        if action == "respond":
            st["responded_at"] = when
        self._event(action, when, message=message, **self._staff())

    def _response_time(self) -> int:
        start, due = self.state["dispatched_at"], self._value(self.state["completion_due_at"])
        assert due is not None
        if self.prompt:
            when = start + int((due - start) * self.rng.uniform(0.15, 0.9))
        else:
            when = due + int(self.rng.uniform(24, 300) * HOUR)
        return self._at((max(when, self.clock + HOUR) - self.clock) / HOUR)

    def _maybe_escalate(self) -> None:
        rng, st = self.rng, self.state
        if rng.random() >= 0.25:
            return
        due = self._value(st["completion_due_at"]) or self.clock
        when = max(due, self.clock) + int(rng.uniform(24, 360) * HOUR)
        st["agency"], st["dispatched_at"], st["first_response_at"] = "O", when, None
        self._event("escalate", when, actor="reporter", user="reporter", message=ESCALATE_MESSAGE)
        self._event("accept", self._at(rng.uniform(24, 240)), **self._staff())
        if rng.random() < 0.6:
            update = rng.choice(texts.OMBUDSMAN_UPDATES)
            self._message("update", self._at(rng.uniform(48, 240)), update)
        answer = rng.choice(texts.OMBUDSMAN_RESPONSES)
        self._message("respond", self._at(rng.uniform(120, 480)), answer)
        self._after_response()

    def _after_response(self) -> None:
        rng, st = self.rng, self.state
        if rng.random() < 0.15:
            reply = self._at(rng.uniform(6, 96), office_hours=False)
            self._event("reporter_reply", reply, actor="reporter", user="reporter",
                        message=rng.choice(texts.REPLIES))  # fmt: skip
            second = rng.choice(texts.SECOND_RESPONSES)
            self._message("respond", self._at(rng.uniform(24, 168)), second)
        if rng.random() < 0.4:
            when = self._at(rng.uniform(2, 120), office_hours=False)
            st["closed_at"] = when
            self._event("close", when, actor="reporter", user="reporter")
            if rng.random() < 0.85:
                self._rate()
            return
        when = (self._value(st["auto_at"]) or self.clock) + rng.randrange(60, 3600)
        st["closed_at"] = when
        self._event("auto_close", when, actor="system")
        if rng.random() < 0.3:
            self._rate()

    def _rate(self) -> None:
        rng, st = self.rng, self.state
        weights = RATING_WEIGHTS[self.prompt]
        rating = rng.choices((1, 2, 3, 4, 5), weights=weights)[0]
        chance = {5: 0.95, 4: 0.85, 3: 0.5}.get(rating, 0.1)
        when = self._at(rng.uniform(0.1, 72), office_hours=False)
        st["rating"], st["resolved"] = rating, rng.random() < chance
        self._event("rate", when, actor="reporter", user="reporter")


# ------------------------------------------------------------------ rows

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def _esc(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return str(value)


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


# COPY column orders: what every report computes first, what its template gives after.
REPORT_OWN = [
    "id", "tracking_id", "secret_hash", "region_id", "district_id", "incident_date",
    "submitted_at", "updated_at", "agency_id", "status", "rejection_reason", "bounce_count",
    "rating", "resolved", *TIME_FIELDS, *DUE_FIELDS,
]  # fmt: skip
REPORT_TEMPLATE = [
    "type", "needs_inspection", "title", "body", "public_title", "public_body", "latitude",
    "longitude", "requested_agency_id", "category_id", "is_anonymous", "is_confidential",
    "channel", "source_agency_id", "external_id", "language", "reporter_id", "reporter_name",
    "reporter_email", "reporter_phone", "demographics_consent", "gender", "age_band",
    "has_disability", "merged_into_id",
]  # fmt: skip
EVENT_OWN = ["id", "seq", "prev_hash", "hash", "report_id", "actor_id", "actor_agency_id",
             "agency_id", "created_at"]  # fmt: skip
EVENT_STATIC = ["action", "from_status", "to_status", "actor_kind", "actor_label", "reason",
                "message", "public_message", "visibility"]  # fmt: skip
FACT_COLUMNS = ["report_id", *rollups.FACT_FIELDS]


def _check_columns() -> None:
    """A new model field must be given a value here: fail loudly rather than skip it."""
    for model, columns in ((Report, REPORT_OWN + REPORT_TEMPLATE),
                           (ReportEvent, EVENT_OWN + EVENT_STATIC)):  # fmt: skip
        expected = {f.attname for f in model._meta.concrete_fields}
        if set(columns) != expected or len(columns) != len(expected):
            raise CommandError(f"bulk seeding does not know {model.__name__} columns "
                               f"{sorted(expected ^ set(columns))}")  # fmt: skip


def template_values(tpl: Template) -> list[Any]:
    consent, gender, age, disability = tpl.demographics
    return [
        tpl.type, tpl.needs_inspection, tpl.title, tpl.body, tpl.public_title,
        tpl.public_body, tpl.latitude, tpl.longitude, None, tpl.category_id,
        tpl.is_anonymous, tpl.is_confidential, tpl.channel, None, "", tpl.language,
        tpl.reporter_id, tpl.reporter_name, tpl.reporter_email, tpl.reporter_phone, consent,
        gender, age, disability, None,
    ]  # fmt: skip


@dataclass
class Prepared:
    """A template with what every report made from it shares, computed once."""

    index: int
    tpl: Template
    values: list[Any]
    copy_text: str
    completion: str
    response_json: str
    response_public_json: str
    response_copy: str
    response_public: str


class TrackingIds:
    """A 45-bit number as a tracking ID (nine symbols and the check symbol of
    :mod:`aduan.reports.tracking`), by three table lookups of 15 bits: the symbols and
    their share of the Luhn sum (positions 1-3 and 7-9 weigh 2, 1, 2; 4-6 weigh 1, 2, 1)."""

    def __init__(self) -> None:
        n = len(ALPHABET)

        def luhn(value: int, factor: int) -> int:
            return factor * value // n + factor * value % n

        triples = [(a, b, c) for a in range(n) for b in range(n) for c in range(n)]
        self.symbols = [ALPHABET[a] + ALPHABET[b] + ALPHABET[c] for a, b, c in triples]
        self.outer = [luhn(a, 2) + luhn(b, 1) + luhn(c, 2) for a, b, c in triples]
        self.inner = [luhn(a, 1) + luhn(b, 2) + luhn(c, 1) for a, b, c in triples]

    def text(self, x: int) -> str:
        high, middle, low = x >> 30, (x >> 15) & 0x7FFF, x & 0x7FFF
        total = self.outer[high] + self.inner[middle] + self.outer[low]
        symbols = self.symbols
        return f"{symbols[high]}{symbols[middle]}{symbols[low]}{ALPHABET[-total % len(ALPHABET)]}"


class Generator:
    def __init__(
        self, refs: References, *, horizon: datetime, seed: int = 2021, shapes: int = SHAPES
    ) -> None:
        _check_columns()
        self.refs = refs
        self.rng = random.Random(seed)
        self.clock = Clock()
        self.deadlines = Deadlines()
        self.horizon = _ts(horizon)
        self.start = _ts(horizon - timedelta(days=365 * YEARS))
        self.secret_key = settings.SECRET_KEY.encode()
        self.open_reports = 0
        self.salt = self.rng.getrandbits(45)
        self.ids = TrackingIds()
        self.prepared = [self._prepare(i, t) for i, t in enumerate(refs.templates)]
        recorder = Recorder(self.rng, self.deadlines)
        span = 4 * WEEK
        self.shapes = {
            has_unit: [
                recorder.record(self.start + self.rng.randrange(span), has_unit=has_unit)
                for _ in range(shapes)
            ]
            for has_unit in (False, True)
        }
        self.static: dict[tuple[int, int], tuple[str, str, str, str, str]] = {}
        self.fact_checked = False

    @staticmethod
    def _prepare(index: int, tpl: Template) -> Prepared:
        values = template_values(tpl)
        public = redact(tpl.response)
        return Prepared(
            index=index,
            tpl=tpl,
            values=values,
            copy_text="\t".join(_esc(v) for v in values),
            completion=deadlines.completion_key(
                report_type=tpl.type, needs_inspection=tpl.needs_inspection
            ),
            response_json=_q(tpl.response),
            response_public_json=_q(public),
            response_public=public,
            response_copy=f"{_esc(tpl.response)}\t{_esc(public)}",
        )

    def tracking_id(self, pk: int) -> str:
        """Unique by construction: an odd multiplier is a bijection modulo 2**45, so
        report numbers map to distinct 9-symbol payloads (random draws would collide
        about once in ten million)."""
        x = (pk * 0x1F3D5B79A3C1 + self.salt) % (1 << 45)
        return self.ids.text(x)

    def _when(self, shape: Shape) -> int:
        """A submission time over the years (volume growing towards the present), moved
        by whole weeks from the shape's own."""
        target = self.start + int((self.horizon - 7200 - self.start) * self.rng.random() ** 0.7)
        weeks = (target - shape.t0) // WEEK
        when = shape.t0 + weeks * WEEK
        return when if when <= self.horizon - 3600 else when - WEEK

    def _due(
        self, recipe: Recipe | None, delta: int, zones: dict[str, str], completion: str
    ) -> int | None:
        if recipe is None:
            return None
        if recipe[0] in ("max", "min"):
            pick = max if recipe[0] == "max" else min
            first = self._due(recipe[1], delta, zones, completion) or 0
            return pick(first, self._due(recipe[2], delta, zones, completion) or 0)
        key = completion if recipe[0] == COMPLETION else recipe[0]
        return self.deadlines.due(key, recipe[1] + delta, zones[recipe[2]])

    def report(self, pk: int, pg: bool) -> tuple[Any, Any, list[Any]]:
        """One report: (report row, fact row, its events for :func:`chain_events`) — when
        ``pg``, rows as COPY text and the events' :data:`Piece` s flattened (three
        strings each, as :func:`unpack` reads them), else value lists and pieces."""
        rng, refs, clock = self.rng, self.refs, self.clock
        prep = self.prepared[rng.randrange(len(self.prepared))]
        region = refs.pick_region(rng)
        target, unit = refs.destination(rng, region)
        library = self.shapes[unit is not None]
        shape = library[rng.randrange(len(library))]
        submitted = self._when(shape)
        delta = submitted - shape.t0
        last = bisect.bisect_right(shape.times, self.horizon - delta) - 1
        state = shape.snapshots[last]
        wrong = refs.national[rng.randrange(len(refs.national))]
        if wrong == target:
            wrong = refs.national[(refs.national.index(wrong) + 1) % len(refs.national)]
        slots = {"T": target, "U": unit, "W": wrong, "O": refs.ombudsman, None: None,
                 DESK_SLOT: refs.desk_agency}  # fmt: skip
        tz = refs.tz
        zones = {s: tz.get(a, DESK_TZ) for s, a in slots.items() if s is not None and a}
        zones[DESK_SLOT] = DESK_TZ
        agency = slots[state["agency"]]
        times = [None if state[f] is None else state[f] + delta for f in TIME_FIELDS]
        dues = [self._due(state[f], delta, zones, prep.completion) for f in DUE_FIELDS]
        if dues[-1] is not None and dues[-1] <= self.horizon:
            # History is not replayed through the sweep (no SLA acts are written): an
            # offer whose time has passed counts as made, as the sweep would have.
            dues[-1] = None
        districts = refs.districts.get(region)
        tpl = prep.tpl
        incident = (
            None if tpl.incident_days is None
            else (EPOCH + timedelta(seconds=submitted - tpl.incident_days * DAY)).date()
        )  # fmt: skip
        updated = shape.times[last] + delta
        status = state["status"]
        if status in OPEN:
            self.open_reports += 1
        own = [
            pk, self.tracking_id(pk),
            hmac.new(self.secret_key, os.urandom(12), hashlib.sha256).hexdigest(),
            region, rng.choice(districts) if districts else None, incident,
            clock.sql(submitted), clock.sql(updated), agency, status,
            state["rejection_reason"], state["bounce_count"], state["rating"],
            None if state["resolved"] is None else ("t" if state["resolved"] else "f") if pg
            else state["resolved"],
            *[clock.sql(t) for t in times], *[clock.sql(t) for t in dues],
        ]  # fmt: skip
        # (Everything in ``own`` is a number, a code or a date: nothing to escape.)
        fact = self._fact(pk, status, state, submitted, times, dues, agency, region, tpl)
        events: list[Any] = []
        reporter = tpl.reporter_id
        officers, desk_user = refs.officers, refs.desk_user
        static = self.static
        for spec in shape.events[: last + 1]:
            actor_agency = slots[spec.actor_agency]
            event_agency = slots[spec.agency]
            user = spec.user
            actor = (
                None if user is None else reporter if user == "reporter"
                else desk_user if user == DESK_SLOT
                else officers.get(actor_agency) if actor_agency is not None else None
            )  # fmt: skip
            parts = static.get((spec.key, prep.index if spec.message == RESPONSE else -1))
            if parts is None:
                parts = self._static(spec, prep)
            head, tail, rest, after, copy_static = parts
            sql, iso = clock.both(spec.ts + delta)
            aa = "null" if actor_agency is None else str(actor_agency)
            ag = "null" if event_agency is None else str(event_agency)
            us = "null" if actor is None else str(actor)
            # The canonical JSON up to the sequence number (known only when chained).
            before = (
                f'{head}{aa},"actor_id":{us}{tail}{ag},"chain":"events","created_at":"'
                f'{iso}{rest}{pk},"seq":'
            )
            if pg:
                if actor is None:
                    us = NULL
                if actor_agency is None:
                    aa = NULL
                if event_agency is None:
                    ag = NULL
                events += (before, after, f"{pk}\t{us}\t{aa}\t{ag}\t{sql}\t{copy_static}")
            else:
                message = prep.tpl.response if spec.message == RESPONSE else spec.message
                public = prep.response_public if spec.message == RESPONSE else spec.public
                events.append((before, after, [
                    pk, actor, actor_agency, event_agency, sql, spec.action,
                    spec.from_status, spec.to_status, spec.actor_kind, "", spec.reason,
                    message, public, spec.visibility,
                ]))  # fmt: skip
        if pg:
            report = "\t".join([NULL if v is None else str(v) for v in own])
            fact_row = "\t".join(
                [
                    NULL if v is None else ("t" if v else "f") if v.__class__ is bool else str(v)
                    for v in fact
                ]
            )
            return f"{report}\t{prep.copy_text}\n", f"{fact_row}\n", events
        return own + prep.values, fact, events

    def _static(self, spec: EventSpec, prep: Prepared) -> tuple[str, str, str, str, str]:
        """The parts of an event's canonical JSON and COPY line that do not depend on the
        report: (the JSON's head up to the actor agency, from the actor to the agency,
        from the creation time to the report, after the sequence number; the COPY
        line's columns from the action on). Cached per kind of event (and per template
        for a follow-up, whose text is the template's)."""
        if spec.message == RESPONSE:
            msg_json, public_json = prep.response_json, prep.response_public_json
            msg_copy = prep.response_copy
        else:
            msg_json, public_json = _q(spec.message), _q(spec.public)
            msg_copy = f"{_esc(spec.message)}\t{_esc(spec.public)}"
        copy_head = "\t".join(_esc(v) for v in (spec.action, spec.from_status, spec.to_status,
                                                 spec.actor_kind, "", spec.reason))  # fmt: skip
        parts = (
            f'{{"action":{_q(spec.action)},"actor_agency_id":',
            f',"actor_kind":{_q(spec.actor_kind)},"actor_label":"","agency_id":',
            f'","from_status":{_q(spec.from_status)},"message":{msg_json},'
            f'"public_message":{public_json},"reason":{_q(spec.reason)},"report_id":',
            f',"to_status":{_q(spec.to_status)},"visibility":{_q(spec.visibility)}}}',
            f"{copy_head}\t{msg_copy}\t{_esc(spec.visibility)}\n",
        )
        self.static[(spec.key, prep.index if spec.message == RESPONSE else -1)] = parts
        return parts

    def _fact(self, pk: int, status: str, state: dict[str, Any], submitted: int,
              times: list[int | None], dues: list[int | None], agency: int | None,
              region: str, tpl: Template) -> list[Any]:  # fmt: skip
        """:func:`aduan.stats.rollups.compute_fact` of the report as the database has it."""
        verified, dispatched, first_response, responded, closed = [
            None if ts is None else _fromtimestamp(ts, UTC) for ts in times
        ]
        due, _auto, first_due, completion_due, _offer = dues
        values: dict[str, Any] = {
            "pk": pk, "submitted_at": _fromtimestamp(submitted, UTC), "status": status,
            "rejection_reason": state["rejection_reason"], "channel": tpl.channel,
            "type": tpl.type, "category_id": tpl.category_id, "region_id": region,
            "bounce_count": state["bounce_count"], "rating": state["rating"],
            "resolved": state["resolved"],
            "agency__path": self.refs.path.get(agency) if agency else None,
            "agency__time_zone": self.refs.tz.get(agency) if agency else None,
            "verified_at": verified, "dispatched_at": dispatched,
            "first_response_at": first_response, "responded_at": responded,
            "closed_at": closed,
            "due_at": None if due is None else _fromtimestamp(due, UTC),
            "first_response_due_at": None if first_due is None else _fromtimestamp(first_due, UTC),
            "completion_due_at": (
                None if completion_due is None else _fromtimestamp(completion_due, UTC)
            ),
        }  # fmt: skip
        if not self.fact_checked:
            missing = set(rollups.REPORT_FIELDS) - set(values)
            if missing:
                raise CommandError(f"bulk seeding does not know report fields {sorted(missing)}")
            self.fact_checked = True
        fact = rollups.compute_fact(values)
        return [pk, *[fact[f] for f in rollups.FACT_FIELDS]]


_fromtimestamp = datetime.fromtimestamp


# ------------------------------------------------------------------ generating in parallel

Piece = tuple[str, str, Any]
"""An event before chaining: its canonical JSON up to ``"seq":``, the rest of that JSON,
and its row without (id, seq, prev_hash, hash)."""


@dataclass
class Batch:
    reports: Any  # COPY text (PostgreSQL) or value lists
    facts: Any
    events: Any  # packed (:func:`unpack`) or a list of pieces
    count: int
    open_reports: int


def make_batch(gen: Generator, start: int, stop: int, pg: bool, seed: int) -> Batch:
    """Reports ``start``..``stop - 1``. The random stream is the batch's own (seeded by
    its first number), so batches made in any process, in any order, are the same."""
    gen.rng = random.Random(f"{seed}:{start}")
    opened = gen.open_reports
    reports, facts, events = [], [], []
    for pk in range(start, stop):
        report, fact, pieces = gen.report(pk, pg)
        reports.append(report)
        facts.append(fact)
        events.extend(pieces)
    opened = gen.open_reports - opened
    if pg:
        packed = SEP.join(events)
        return Batch("".join(reports), "".join(facts), packed, stop - start, opened)
    return Batch(reports, facts, events, stop - start, opened)


SEP = "\x00"
"""Between the strings of packed events: a worker hands its batch over as one string,
which crosses between processes in a fraction of the time a list of tuples takes. No
part holds it: JSON writes it escaped, and PostgreSQL's text cannot store it."""


def unpack(packed: str) -> Iterator[Piece]:
    parts = iter(packed.split(SEP) if packed else ())
    return zip(parts, parts, parts, strict=True)


def chain_events(
    pieces: Iterable[Piece], next_id: int, seq: int, prev: str, pg: bool
) -> tuple[list[Any], int, int, str]:
    """Number and hash-chain events as :mod:`aduan.audit.chain` does (the one step that
    must run in order): (rows, next id, last seq, last hash)."""
    rows: list[Any] = []
    sha256 = hashlib.sha256
    for before, after, rest in pieces:
        seq += 1
        digest = sha256(f"{prev}\n{before}{seq}{after}".encode()).hexdigest()
        if pg:
            rows.append(f"{next_id}\t{seq}\t{prev}\t{digest}\t{rest}")
        else:
            rows.append([next_id, seq, prev, digest, *rest])
        next_id += 1
        prev = digest
    return rows, next_id, seq, prev


_WORKER: dict[str, Any] = {}


def _work(args: tuple[int, int]) -> Batch:
    return make_batch(_WORKER["gen"], args[0], args[1], True, _WORKER["seed"])


@contextmanager
def batches(
    gen: Generator, reports: int, *, batch: int, workers: int, pg: bool, seed: int
) -> Iterator[Iterator[Batch]]:
    """The batches in order: made here, or by ``workers`` forked processes (PostgreSQL
    only: they share the prepared generator, and at most two batches each wait in
    memory)."""
    ranges = [(s, min(reports + 1, s + batch)) for s in range(1, reports + 1, batch)]
    if workers <= 1 or len(ranges) < 2 or not pg:
        yield (make_batch(gen, a, b, pg, seed) for a, b in ranges)
        return
    import multiprocessing
    from collections import deque

    from django.db import connections

    # A forked child must not share the parent's database socket: close it here (the
    # parent reconnects when it needs to; a child opens its own if a cache expires).
    connections.close_all()
    _WORKER.update(gen=gen, seed=seed)
    pool = multiprocessing.get_context("fork").Pool(workers)

    def ordered() -> Iterator[Batch]:
        pending: deque[Any] = deque()
        todo = iter(ranges)
        for args in todo:
            pending.append(pool.apply_async(_work, (args,)))
            if len(pending) >= 2 * workers:
                break
        while pending:
            result = pending.popleft().get()
            for args in todo:
                pending.append(pool.apply_async(_work, (args,)))
                break
            yield result

    try:
        yield ordered()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        _WORKER.clear()


# ------------------------------------------------------------------ writing


class Sink:
    """Where rows go: PostgreSQL COPY streams (one connection each, so the server parses
    them in parallel) or SQLite executemany."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.tables = [
            (Report._meta.db_table, REPORT_OWN + REPORT_TEMPLATE),
            (ReportEvent._meta.db_table, EVENT_OWN + EVENT_STATIC),
            (ReportFact._meta.db_table, FACT_COLUMNS),
        ]
        self._stack = ExitStack()
        self._copies: list[Any] = []
        self._conns: list[Any] = []

    def __enter__(self) -> Sink:
        if self.vendor == "postgresql":
            import psycopg

            params = connection.get_connection_params()
            for table, cols in self.tables:
                conn = psycopg.connect(**params)
                conn.execute("SET TIME ZONE 'UTC'")
                self._conns.append(conn)
                names = ", ".join(connection.ops.quote_name(c) for c in cols)
                copy = self._stack.enter_context(
                    conn.cursor().copy(
                        f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN"
                    )
                )
                self._copies.append(copy)
        return self

    def write(self, index: int, rows: str | list[Any]) -> None:
        if not rows:
            return
        if self.vendor == "postgresql":
            self._copies[index].write(rows if isinstance(rows, str) else "".join(rows))
            return
        table, cols = self.tables[index]
        names = ", ".join(connection.ops.quote_name(c) for c in cols)
        marks = ", ".join(["%s"] * len(cols))
        with connection.cursor() as cursor:
            # Identifiers come from the models' metadata; values are parameters.
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({marks})",  # noqa: S608
                rows,
            )

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        try:
            if exc_type is None:
                self._stack.close()  # ends every COPY
                for conn in self._conns:
                    conn.commit()
            else:
                for conn in self._conns:
                    conn.cancel()
        finally:
            for conn in self._conns:
                conn.close()


@contextmanager
def pg_deferred_indexes(log: Callable[[str], None], workers: int = 1) -> Iterator[None]:
    """Drop the secondary indexes, unique constraints and foreign keys of the bulk tables;
    rebuild them after (also after a failure, so the schema is never left without them).

    The rebuild runs on ``workers`` connections at once, the largest tables' first: the
    foreign keys are added ``NOT VALID`` (no scan) before anything else; index builds
    share their table (``CREATE INDEX`` takes a SHARE lock); a foreign key's validation
    waits for its table's builds and other validations only, so it runs beside the next
    table's builds; a unique constraint takes its index, built beside the others, by
    ``ADD CONSTRAINT … USING INDEX`` at the end. No step is started while a running one
    would make it wait. The result is the schema as it was, every constraint
    validated."""
    tables = [m._meta.db_table for m in BULK_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid),
                      c.contype, pg_get_indexdef(c.conindid)
               FROM pg_constraint c WHERE c.conrelid::regclass::text = ANY(%s)
               AND c.contype IN ('f', 'u') ORDER BY c.contype DESC, c.conname""",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text,
                      pg_get_indexdef(i.indexrelid)
               FROM pg_index i WHERE i.indrelid::regclass::text = ANY(%s)
               AND NOT i.indisprimary
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
               ORDER BY 2""",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, *_rest in constraints:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for _table, name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        _rebuild(log, workers, indexes, constraints)


def _rebuild(
    log: Callable[[str], None],
    workers: int,
    indexes: list[tuple[str, str, str]],
    constraints: list[tuple[str, str, str, str, str]],
) -> None:
    unique = [c for c in constraints if c[3] == "u"]
    foreign = [c for c in constraints if c[3] == "f"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.oid::regclass::text, pg_relation_size(c.oid) FROM pg_class c"
            " WHERE c.oid::regclass::text = ANY(%s)",
            [sorted({t for t, *_rest in constraints} | {t for t, *_rest in indexes})],
        )
        rows = dict(cursor.fetchall())
        # Foreign keys first, unchecked (NOT VALID: no scan, and their lock would wait on
        # every index build of either table). They reference primary keys, which stay.
        for table, name, definition, _kind, _index in foreign:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition} NOT VALID')
    # Largest tables first, each table's index builds (SHARE on it) and then its foreign
    # keys' validations (SHARE UPDATE EXCLUSIVE on it): a validation waits for its own
    # table's builds and validations only, so it runs beside the next table's builds.
    jobs = [Job(d, d, table=t, mode=SHARE) for t, _n, d in indexes]
    jobs += [Job(d, f"{n} (unique)", table=t, mode=SHARE) for t, n, _d, _k, d in unique]
    jobs += [
        Job(f'ALTER TABLE "{t}" VALIDATE CONSTRAINT "{n}"', n, table=t, mode=VALIDATE)
        for t, n, *_rest in foreign
    ]
    jobs.sort(key=lambda job: (-rows.get(job.table, 0), job.table, job.mode == VALIDATE))
    run_together(log, workers, jobs)
    with connection.cursor() as cursor:
        for table, name, _definition, _kind, _index in unique:
            cursor.execute(
                f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" UNIQUE USING INDEX "{name}"'
            )


SHARE = "share"  # CREATE INDEX: builds of one table run together
VALIDATE = "validate"  # VALIDATE CONSTRAINT: alone on its table


@dataclass(frozen=True)
class Job:
    sql: str
    label: str
    table: str = ""
    mode: str = SHARE

    def conflicts(self, other: Job) -> bool:
        """Whether PostgreSQL would make one wait for the other (the same table, and not
        both index builds)."""
        return (
            bool(self.table) and self.table == other.table and VALIDATE in (self.mode, other.mode)
        )


def next_job(pending: list[Job], running: Iterable[Job]) -> Job | None:
    """The first pending job that waits for no running one."""
    running = list(running)
    for job in pending:
        if not any(job.conflicts(other) for other in running):
            return job
    return None


def run_together(log: Callable[[str], None], workers: int, jobs: list[Job]) -> None:
    """Run ``jobs`` on up to ``workers`` connections of their own, each taking the first
    in order that no running job's lock would hold up (:func:`next_job`); each logged
    with its time. All run even if one fails; the first failure is raised after."""
    pending = list(jobs)
    running: set[Job] = set()
    changed = threading.Condition()
    failures: list[BaseException] = []
    done = [0]

    def take() -> Job | None:
        with changed:
            while pending:
                job = next_job(pending, running)
                if job is not None:
                    pending.remove(job)
                    running.add(job)
                    return job
                changed.wait()
            return None

    def work() -> None:
        from django.db import connections

        try:
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '1GB'")
                while (job := take()) is not None:
                    t0 = time.perf_counter()
                    try:
                        cursor.execute(job.sql)
                    except Exception as exc:
                        with changed:
                            failures.append(exc)
                        log(f"  FAILED {job.label[:90]}: {exc}")
                    else:
                        with changed:
                            done[0] += 1
                            line = f"{done[0]}/{len(jobs)} ({time.perf_counter() - t0:.0f} s)"
                        log(f"  {line}: {job.label[:90]}")
                    finally:
                        with changed:
                            running.discard(job)
                            changed.notify_all()
        except Exception as exc:  # no connection: the rebuild must not end as if complete
            with changed:
                failures.append(exc)
            log(f"  FAILED to connect: {exc}")
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=work) for _ in range(max(1, min(workers, len(jobs))))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


class Progress:
    """A tqdm bar on a terminal; in a log (no terminal), a line every tenth of the way."""

    def __init__(self, total: int, log: Callable[[str], None]) -> None:
        from tqdm import tqdm

        self.bar = tqdm(
            total=total, unit=" laporan", unit_scale=True, file=sys.stderr, mininterval=1.0,
            smoothing=0.05, disable=None,
        )  # fmt: skip
        self.total, self.done, self.log = total, 0, log
        self.step = max(1, total // 10)
        self.next = self.step
        self.t0 = time.perf_counter()

    def update(self, n: int) -> None:
        self.bar.update(n)
        self.done += n
        if self.bar.disable and self.done >= self.next:
            self.next += self.step
            elapsed = time.perf_counter() - self.t0
            rate = self.done / elapsed if elapsed else 0.0
            left = (self.total - self.done) / rate if rate else 0.0
            self.log(
                _("… %(done)d/%(total)d laporan (%(rate).0f/detik, sisa ±%(left).0f detik)")
                % {"done": self.done, "total": self.total, "rate": rate, "left": left}
            )

    def close(self) -> None:
        self.bar.close()


def bulk_seed(
    *, reports: int, now: datetime | None = None, log: Callable[[str], None] = print,
    progress: bool = True, seed: int = 2021, workers: int | None = None, batch: int = BATCH,
) -> BulkResult:  # fmt: skip
    """Fill an empty report table with ``reports`` demo reports and their history;
    ``workers`` processes make the rows (PostgreSQL; default: one per core)."""
    t0 = time.perf_counter()
    check_reference_data()
    if Report.objects.exists():
        raise CommandError(
            _(
                "Pengisian massal hanya untuk basis data tanpa laporan. Hapus laporan yang "
                "ada atau jalankan tanpa --bulk untuk menambah laporan demo satu per satu."
            )
        )
    horizon = now or timezone.now()
    # Small runs (tests, demos) need fewer texts and paths than ten million reports.
    refs = References(horizon=horizon, log=log, templates=min(TEMPLATES, max(50, reports)))
    gen = Generator(refs, horizon=horizon, seed=seed, shapes=min(SHAPES, max(200, reports)))
    head: Any = chain._head_model()._default_manager.filter(name=chain.EVENTS.name).first()
    seq, prev = (int(head.seq), str(head.hash)) if head else (0, chain.GENESIS)
    last_event = ReportEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    next_event = (last_event or 0) + 1
    pg = connection.vendor == "postgresql"
    workers = (os.cpu_count() or 1) if workers is None else workers
    bar = Progress(reports, log) if progress else None
    log(_("Menulis %(n)d laporan (%(db)s) …") % {"n": reports, "db": connection.vendor})
    events_total = open_reports = 0
    with ExitStack() as stack:
        if pg:
            stack.enter_context(pg_deferred_indexes(log, workers))
        else:
            stack.enter_context(transaction.atomic())
        made = stack.enter_context(
            batches(gen, reports, batch=batch, workers=workers, pg=pg, seed=seed)
        )
        with Sink() as sink:
            for part in made:
                pieces = unpack(part.events) if pg else part.events
                event_rows, next_event, seq, prev = chain_events(pieces, next_event, seq, prev, pg)
                events_total += len(event_rows)
                open_reports += part.open_reports
                sink.write(0, part.reports)
                sink.write(1, event_rows)
                sink.write(2, part.facts)
                if bar is not None:
                    bar.update(part.count)
        if bar is not None:
            bar.close()
        elapsed = time.perf_counter() - t0
        log(_("Baris tertulis dalam %(s).0f detik; membangun indeks …") % {"s": elapsed})
    with transaction.atomic():
        chain._head_model()._default_manager.update_or_create(
            name=chain.EVENTS.name, defaults={"seq": seq, "hash": prev}
        )
        _reset_sequences()
        log(_("Menyusun rekap statistik …"))
        rollups.rebuild_rollups()
    # The planner's statistics: PostgreSQL's for the bulk tables (autovacuum would come
    # much later); SQLite's for the whole database (nothing else would ever make them).
    dbstats.refresh([m._meta.db_table for m in BULK_TABLES] if pg else None)
    return BulkResult(reports, events_total, open_reports, time.perf_counter() - t0)


def _reset_sequences() -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), [Report, ReportEvent])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


__all__ = ["BulkResult", "bulk_seed"]
