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
import time
from collections.abc import Callable, Iterator
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
from aduan.demo import accounts
from aduan.demo import writer as texts
from aduan.demo.plans import Catalogue, make_plan
from aduan.demo.seeding import check_reference_data
from aduan.regions.models import District, Region
from aduan.reports.lifecycle import TRANSITIONS
from aduan.reports.models import Report, ReportEvent, Status
from aduan.reports.redaction import redact, scrub_identity
from aduan.reports.tracking import ALPHABET
from aduan.reports.tracking import _check_symbol as check_symbol
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
    """UTC seconds → the strings the database and the hash chain take, cached per day."""

    def __init__(self) -> None:
        self._days: dict[int, str] = {}

    def day(self, ts: int) -> str:
        d = ts // DAY
        text = self._days.get(d)
        if text is None:
            text = self._days[d] = (EPOCH + timedelta(days=d)).strftime("%Y-%m-%d")
        return text

    def sql(self, ts: int | datetime | None) -> str | None:
        if ts is None:
            return None
        if isinstance(ts, datetime):
            ts = int(ts.timestamp())
        rest = ts % DAY
        return f"{self.day(ts)} {rest // HOUR:02d}:{rest % HOUR // 60:02d}:{rest % 60:02d}"

    def iso(self, ts: int) -> str:
        """As :func:`aduan.audit.chain._canonical_value` writes a datetime."""
        rest = ts % DAY
        hms = f"{rest // HOUR:02d}:{rest % HOUR // 60:02d}:{rest % 60:02d}"
        return f"{self.day(ts)}T{hms}.000000+00:00"


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

    def __init__(self, *, horizon: datetime, log: Callable[[str], None]) -> None:
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
        self.templates = self._templates(book, horizon, log)

    @staticmethod
    def _templates(
        book: accounts.Accounts, horizon: datetime, log: Callable[[str], None]
    ) -> list[Template]:
        log(_("Menyiapkan %(n)d naskah laporan contoh …") % {"n": TEMPLATES})
        catalogue = Catalogue()
        citizen = book.user(accounts.REPORTER_EMAIL)
        out = []
        for seq in range(TEMPLATES):
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


# ------------------------------------------------------------------ one report's story


class Stop(Exception):
    """The next step lies in the future: the report stays where it is."""


class Story:
    """One report's path through the lifecycle, as rows (no database access)."""

    __slots__ = ("clock", "due", "events", "horizon", "prompt", "refs", "rng", "row")

    def __init__(self, refs: References, rng: random.Random, due: Deadlines, horizon: int):
        self.refs, self.rng, self.due, self.horizon = refs, rng, due, horizon

    # -- plumbing
    def _at(self, hours: float, office_hours: bool = True) -> int:
        when = self.clock + int(hours * HOUR)
        if office_hours:
            when = office(when, self.rng)
        if when > self.horizon:
            raise Stop
        return max(when, self.clock + 60)

    def _tz(self) -> str:
        agency = self.row["agency_id"]
        return self.refs.tz.get(agency, DESK_TZ) if agency else DESK_TZ

    def _event(
        self, action: str, when: int, *, actor: str, user: int | None = None,
        actor_agency: int | None = None, reason: str = "", message: str = "",
        public: str = "", target: str | None = None,
    ) -> None:  # fmt: skip
        rule = TRANSITIONS.get(action)
        old = self.row["status"] if action != "submit" else ""
        new = target or (rule.target if rule and rule.target else old)
        self.events.append(
            (action, old, new, user, actor, actor_agency, self.row["agency_id"], reason,
             message, public, rule.visibility if rule else "public", when)
        )  # fmt: skip
        self.row["status"] = new
        self.clock = when

    def _staff(self) -> tuple[int | None, int | None]:
        agency = self.row["agency_id"]
        return self.refs.officers.get(agency), agency

    def _set_deadlines(self, state: str, action: str) -> None:
        row, tz, now = self.row, self._tz(), self.clock
        if state == S.SUBMITTED:
            row["due_at"], row["auto_at"] = self.due.due(K.VERIFY, now, DESK_TZ), None
        elif state == S.NEEDS_INFO:
            row["due_at"], row["auto_at"] = None, self.due.due(K.NEEDS_INFO_EXPIRY, now, tz)
        elif state in (S.DISPATCHED, S.ESCALATED):
            key = deadlines.completion_key(
                report_type=row["type"], needs_inspection=row["needs_inspection"]
            )
            first = self.due.due(K.FIRST_RESPONSE, now, tz)
            row["first_response_due_at"] = row["due_at"] = first
            row["completion_due_at"] = self.due.due(key, now, tz)
            row["auto_at"] = None
        elif state == S.IN_PROGRESS:
            if action == "reporter_reply":
                reply = self.due.due(K.FIRST_RESPONSE, now, tz)
                previous = row["completion_due_at"]
                row["due_at"] = max(reply, previous) if previous else reply
            else:
                row["due_at"] = (
                    row["completion_due_at"]
                    if row["first_response_at"]
                    else row["first_response_due_at"]
                )
            row["auto_at"] = None
        elif state == S.RESPONDED:
            row["due_at"], row["auto_at"] = None, self.due.due(K.AUTO_CLOSE, now, tz)
        else:
            row["due_at"] = row["auto_at"] = None

    def _do(self, action: str, when: int, **event: Any) -> None:
        self._event(action, when, **event)
        self._set_deadlines(self.row["status"], action)

    # -- the paths
    def play(self, row: dict[str, Any], tpl: Template, destination: tuple[int, int | None]) -> None:
        self.row, self.clock = row, row["submitted_at"]
        self.events: list[tuple[Any, ...]] = []
        self._event(
            "submit", self.clock, actor="reporter", user=row["reporter_id"], target=S.SUBMITTED
        )
        self._set_deadlines(S.SUBMITTED, "submit")
        with suppress(Stop):
            self._desk(tpl, destination)
        row["updated_at"] = self.clock

    def _desk_delay(self) -> float:
        rng = self.rng
        return rng.uniform(60, 150) if rng.random() < 0.12 else rng.uniform(1, 30)

    def _desk(self, tpl: Template, destination: tuple[int, int | None]) -> None:
        rng, row, desk = self.rng, self.row, self.refs.desk_user
        when = self._at(self._desk_delay())
        roll = rng.random()
        as_desk = {"actor": "staff", "user": desk, "actor_agency": self.refs.desk_agency}
        if roll < 0.07:
            reason = rng.choices(REJECT_CODES, REJECT_WEIGHTS)[0]
            message = texts.REJECT_MESSAGES[reason]
            self._do("reject", when, reason=reason, message=message, **as_desk)
            row["rejection_reason"], row["closed_at"] = reason, when
            return
        if roll < 0.19:
            self._do("request_info", when, message=rng.choice(texts.REQUEST_INFO), **as_desk)
            if rng.random() >= 0.55:
                expiry = row["auto_at"] + rng.randrange(60, 3600)
                if expiry > self.horizon:
                    raise Stop
                self._do("expire", expiry, actor="system")
                row["rejection_reason"], row["closed_at"] = "incomplete", expiry
                return
            answer = self._at(rng.uniform(4, 120), office_hours=False)
            reporter = {"actor": "reporter", "user": row["reporter_id"]}
            self._do("provide_info", answer, message=rng.choice(texts.PROVIDE_INFO), **reporter)
            when = self._at(self._desk_delay())
        target, unit = destination
        if rng.random() < 0.05:
            wrong = self.refs.national[rng.randrange(len(self.refs.national))]
            if wrong != target:
                self._dispatch(wrong, when)
                if rng.random() < 0.5:
                    self._do("accept", self._at(rng.uniform(4, 48)), actor="staff",
                             user=self._staff()[0], actor_agency=wrong)  # fmt: skip
                back = self._at(rng.uniform(4, 72))
                row["agency_id"] = None
                row["bounce_count"] += 1
                row["first_response_due_at"] = row["completion_due_at"] = None
                self._do("return_to_desk", back, actor="staff", actor_agency=wrong,
                         reason=rng.choice(RETURN_REASONS), message=RETURN_MESSAGE)  # fmt: skip
                when = self._at(self._desk_delay())
        self._dispatch(target, when)
        self._agency(tpl, unit)

    def _dispatch(self, agency: int, when: int) -> None:
        row = self.row
        row["agency_id"], row["dispatched_at"] = agency, when
        row["verified_at"] = row["verified_at"] or when
        row["first_response_at"] = None
        self.clock = when
        self._do("dispatch", when, actor="staff", user=self.refs.desk_user,
                 actor_agency=self.refs.desk_agency)  # fmt: skip

    def _agency(self, tpl: Template, unit: int | None) -> None:
        rng, row = self.rng, self.row
        behaviour = rng.choices(("prompt", "slow", "stalled"), weights=(62, 25, 13))[0]
        self.prompt = behaviour == "prompt"
        if behaviour == "stalled" and rng.random() < 0.3:
            self._maybe_escalate(tpl)
            return
        user, home = self._staff()
        delay = rng.uniform(2, 40) if self.prompt else rng.uniform(60, 200)
        self._do("accept", self._at(delay), actor="staff", user=user, actor_agency=home)
        if unit is not None:
            when = self._at(rng.uniform(0.5, 30))
            row["agency_id"] = unit
            self._do("forward", when, actor="staff", user=user, actor_agency=home)
        if rng.random() < 0.5:
            self._message("update", self._at(rng.uniform(12, 120)), rng.choice(tpl.updates))
        if behaviour == "stalled":
            self._maybe_escalate(tpl)
            return
        self._message("respond", self._response_time(), tpl.response)
        self._after_response()

    def _message(self, action: str, when: int, message: str) -> None:
        row = self.row
        if row["first_response_at"] is None:
            row["first_response_at"] = when
        if action == "respond":
            row["responded_at"] = when
        user, agency = self._staff()
        self._do(action, when, actor="staff", user=user, actor_agency=agency,
                 message=message, public=_public(message))  # fmt: skip

    def _response_time(self) -> int:
        start, due = self.row["dispatched_at"], self.row["completion_due_at"]
        if self.prompt:
            when = start + int((due - start) * self.rng.uniform(0.15, 0.9))
        else:
            when = due + int(self.rng.uniform(24, 300) * HOUR)
        when = office(max(when, self.clock + HOUR), self.rng)
        if when > self.horizon:
            raise Stop
        return when

    def _maybe_escalate(self, tpl: Template) -> None:
        rng, row = self.rng, self.row
        if rng.random() >= 0.25 or self.refs.ombudsman is None:
            return
        when = max(row["completion_due_at"], self.clock) + int(rng.uniform(24, 360) * HOUR)
        if when > self.horizon:
            raise Stop
        row["agency_id"], row["dispatched_at"], row["first_response_at"] = (
            self.refs.ombudsman, when, None,
        )  # fmt: skip
        self._do("escalate", when, actor="reporter", user=row["reporter_id"],
                 message=ESCALATE_MESSAGE)  # fmt: skip
        user, home = self._staff()
        self._do("accept", self._at(rng.uniform(24, 240)), actor="staff", user=user,
                 actor_agency=home)  # fmt: skip
        if rng.random() < 0.6:
            self._message("update", self._at(rng.uniform(48, 240)),
                          rng.choice(texts.OMBUDSMAN_UPDATES))  # fmt: skip
        self._message("respond", self._at(rng.uniform(120, 480)),
                      rng.choice(texts.OMBUDSMAN_RESPONSES))  # fmt: skip
        self._after_response()

    def _after_response(self) -> None:
        rng, row = self.rng, self.row
        reporter = {"actor": "reporter", "user": row["reporter_id"]}
        if rng.random() < 0.15:
            reply = self._at(rng.uniform(6, 96), office_hours=False)
            self._do("reporter_reply", reply, message=rng.choice(texts.REPLIES), **reporter)
            self._message("respond", self._at(rng.uniform(24, 168)),
                          rng.choice(texts.SECOND_RESPONSES))  # fmt: skip
        if rng.random() < 0.4:
            when = self._at(rng.uniform(2, 120), office_hours=False)
            row["closed_at"] = when
            self._do("close", when, **reporter)
            if rng.random() < 0.85:
                self._rate()
            return
        when = row["auto_at"] + rng.randrange(60, 3600)
        if when > self.horizon:
            raise Stop
        row["closed_at"] = when
        self._do("auto_close", when, actor="system")
        if rng.random() < 0.3:
            self._rate()

    def _rate(self) -> None:
        rng, row = self.rng, self.row
        rating = rng.choices((1, 2, 3, 4, 5), weights=RATING_WEIGHTS[self.prompt])[0]
        chance = {5: 0.95, 4: 0.85, 3: 0.5}.get(rating, 0.1)
        when = self._at(rng.uniform(0.1, 72), office_hours=False)
        row["rating"], row["resolved"] = rating, rng.random() < chance
        self._event("rate", when, actor="reporter", user=row["reporter_id"])


_PUBLIC: dict[str, str] = {}


def _public(message: str) -> str:
    found = _PUBLIC.get(message)
    if found is None:
        found = _PUBLIC[message] = redact(message)
    return found


# ------------------------------------------------------------------ rows


REPORT_COLUMNS = [f.attname for f in Report._meta.concrete_fields]
EVENT_COLUMNS = [f.attname for f in ReportEvent._meta.concrete_fields]
FACT_COLUMNS = ["report_id", *rollups.FACT_FIELDS]
_DATETIMES = {
    f.attname for m in BULK_TABLES for f in m._meta.concrete_fields
    if f.get_internal_type() == "DateTimeField"
}  # fmt: skip


class Generator:
    def __init__(self, refs: References, *, horizon: datetime, seed: int = 2021) -> None:
        self.refs = refs
        self.rng = random.Random(seed)
        self.clock = Clock()
        self.deadlines = Deadlines()
        self.horizon = _ts(horizon)
        self.start = _ts(horizon - timedelta(days=365 * YEARS))
        self.story = Story(refs, self.rng, self.deadlines, self.horizon)
        self.secret_key = settings.SECRET_KEY.encode()
        self.json: dict[Any, str] = {}
        self.open_reports = 0
        self.salt = self.rng.getrandbits(45)

    def tracking_id(self, pk: int) -> str:
        """Unique by construction: an odd multiplier is a bijection modulo 2**45, so
        report numbers map to distinct 9-symbol payloads (random draws would collide
        about once in ten million)."""
        x = (pk * 0x1F3D5B79A3C1 + self.salt) % (1 << 45)
        payload = "".join(ALPHABET[(x >> shift) & 31] for shift in range(40, -1, -5))
        return payload + check_symbol(payload)

    def report(self, pk: int) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
        rng, refs = self.rng, self.refs
        tpl = refs.templates[rng.randrange(len(refs.templates))]
        region = refs.pick_region(rng)
        districts = refs.districts.get(region)
        # Volume grows over the years (as it did nationally): later times weigh more.
        submitted = self.start + int((self.horizon - 7200 - self.start) * rng.random() ** 0.7)
        consent, gender, age, disability = tpl.demographics
        incident = (
            None
            if tpl.incident_days is None
            else (EPOCH + timedelta(seconds=submitted - tpl.incident_days * DAY)).date()
        )
        row: dict[str, Any] = {
            "id": pk,
            "tracking_id": self.tracking_id(pk),
            "secret_hash": hmac.new(self.secret_key, os.urandom(12), hashlib.sha256).hexdigest(),
            "type": tpl.type,
            "needs_inspection": tpl.needs_inspection,
            "title": tpl.title,
            "body": tpl.body,
            "public_title": tpl.public_title,
            "public_body": tpl.public_body,
            "incident_date": incident,
            "region_id": region,
            "district_id": rng.choice(districts) if districts else None,
            "latitude": tpl.latitude,
            "longitude": tpl.longitude,
            "requested_agency_id": None,
            "agency_id": None,
            "category_id": tpl.category_id,
            "is_anonymous": tpl.is_anonymous,
            "is_confidential": tpl.is_confidential,
            "channel": tpl.channel,
            "source_agency_id": None,
            "external_id": "",
            "language": tpl.language,
            "reporter_id": tpl.reporter_id,
            "reporter_name": tpl.reporter_name,
            "reporter_email": tpl.reporter_email,
            "reporter_phone": tpl.reporter_phone,
            "demographics_consent": consent,
            "gender": gender,
            "age_band": age,
            "has_disability": disability,
            "status": S.SUBMITTED,
            "rejection_reason": "",
            "merged_into_id": None,
            "submitted_at": submitted,
            "updated_at": submitted,
            "verified_at": None,
            "dispatched_at": None,
            "first_response_at": None,
            "responded_at": None,
            "closed_at": None,
            "due_at": None,
            "first_response_due_at": None,
            "completion_due_at": None,
            "auto_at": None,
            "bounce_count": 0,
            "rating": None,
            "resolved": None,
        }
        self.story.play(row, tpl, refs.destination(rng, region))
        if row["status"] in (S.SUBMITTED, S.NEEDS_INFO, S.DISPATCHED, S.IN_PROGRESS,
                             S.RESPONDED, S.ESCALATED):  # fmt: skip
            self.open_reports += 1
        return row, self.story.events

    def fact(self, row: dict[str, Any]) -> list[Any]:
        """:func:`aduan.stats.rollups.compute_fact` of the report as the database has it."""
        values: dict[str, Any] = {name: row.get(name) for name in rollups.REPORT_FIELDS}
        for name in rollups.REPORT_FIELDS:
            value = values[name]
            if name in _DATETIMES and value is not None:
                values[name] = datetime.fromtimestamp(value, UTC)
        values["pk"] = row["id"]
        agency = row["agency_id"]
        values["agency__path"] = self.refs.path.get(agency) if agency else None
        values["agency__time_zone"] = self.refs.tz.get(agency) if agency else None
        fact = rollups.compute_fact(values)
        return [row["id"], *(fact[f] for f in rollups.FACT_FIELDS)]

    def quoted(self, value: Any) -> str:
        found = self.json.get(value)
        if found is None:
            found = json.dumps(value, ensure_ascii=False)
            if len(self.json) < 100_000:
                self.json[value] = found
        return found


def _int(value: int | None) -> str:
    return "null" if value is None else str(value)


def chained_events(
    gen: Generator, report_id: int, events: list[tuple[Any, ...]], seq: int, prev: str,
    next_id: int,
) -> tuple[list[list[Any]], int, str]:  # fmt: skip
    """Event rows with ``seq``, ``prev_hash`` and ``hash`` as :func:`chain.row_hash`
    computes them (the canonical JSON written by hand for speed; tests compare it with
    :func:`chain.canonical`)."""
    rows = []
    q, iso = gen.quoted, gen.clock.iso
    for offset, (action, old, new, user, kind, actor_agency, agency, reason, message,
                 public, visibility, when) in enumerate(events):  # fmt: skip
        seq += 1
        label = ""
        canon = (
            f'{{"action":{q(action)},"actor_agency_id":{_int(actor_agency)},'
            f'"actor_id":{_int(user)},"actor_kind":{q(kind)},"actor_label":{q(label)},'
            f'"agency_id":{_int(agency)},"chain":"events","created_at":"{iso(when)}",'
            f'"from_status":{q(old)},"message":{q(message)},"public_message":{q(public)},'
            f'"reason":{q(reason)},"report_id":{report_id},"seq":{seq},'
            f'"to_status":{q(new)},"visibility":{q(visibility)}}}'
        )
        digest = hashlib.sha256(prev.encode("ascii") + b"\n" + canon.encode()).hexdigest()
        rows.append([next_id + offset, seq, prev, digest, report_id, action, old, new, user,
                     kind, label, actor_agency, agency, reason, message, public, visibility,
                     when])  # fmt: skip
        prev = digest
    return rows, seq, prev


# ------------------------------------------------------------------ writing


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any, clock: Clock, is_datetime: bool) -> str:
    if value is None:
        return "\\N"
    if is_datetime:
        return clock.sql(value)  # type: ignore[return-value]
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    return str(value)


class Sink:
    """Where rows go: PostgreSQL COPY streams or SQLite executemany."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.vendor = connection.vendor
        self.tables = [(m._meta.db_table, cols) for m, cols in
                       ((Report, REPORT_COLUMNS), (ReportEvent, EVENT_COLUMNS),
                        (ReportFact, FACT_COLUMNS))]  # fmt: skip
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
                cursor = conn.cursor()
                copy = self._stack.enter_context(
                    cursor.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN")
                )
                self._copies.append(copy)
        return self

    def write(self, index: int, rows: list[list[Any]]) -> None:
        table, cols = self.tables[index]
        flags = [c in _DATETIMES for c in cols]
        if self.vendor == "postgresql":
            clock = self.clock
            self._copies[index].write(
                "".join(
                    "\t".join([_copy_text(v, clock, f) for v, f in zip(row, flags, strict=True)])
                    + "\n"
                    for row in rows
                )
            )
            return
        clock = self.clock
        adapted = [
            [clock.sql(v) if f and v is not None else v for v, f in zip(row, flags, strict=True)]
            for row in rows
        ]
        names = ", ".join(connection.ops.quote_name(c) for c in cols)
        marks = ", ".join(["%s"] * len(cols))
        with connection.cursor() as cursor:
            # Identifiers come from the models' metadata; values are parameters.
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({marks})",  # noqa: S608
                adapted,
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
def pg_deferred_indexes(log: Callable[[str], None]) -> Iterator[None]:
    """Drop the secondary indexes and foreign keys of the bulk tables; rebuild them after
    (also after a failure, so the schema is never left without them)."""
    tables = [m._meta.db_table for m in BULK_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
               FROM pg_constraint c WHERE c.conrelid::regclass::text = ANY(%s)
               AND c.contype IN ('f', 'u') ORDER BY c.contype DESC, c.conname""",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
               FROM pg_index i WHERE i.indrelid::regclass::text = ANY(%s)
               AND NOT i.indisprimary
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
               ORDER BY 1""",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            total = len(indexes) + len(constraints)
            for done, (_name, definition) in enumerate(indexes, start=1):
                t0 = time.perf_counter()
                cursor.execute(definition)
                log(f"  index {done}/{total} ({time.perf_counter() - t0:.0f} s): {definition[:90]}")
            for done, (table, name, definition) in enumerate(constraints, start=len(indexes) + 1):
                t0 = time.perf_counter()
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
                log(f"  constraint {done}/{total} ({time.perf_counter() - t0:.0f} s): {name}")


def _progress(total: int) -> Any:
    from tqdm import tqdm

    return tqdm(
        total=total, unit=" laporan", unit_scale=True, file=sys.stderr, mininterval=1.0,
        smoothing=0.05, disable=None,
    )  # fmt: skip


def bulk_seed(
    *, reports: int, now: datetime | None = None, log: Callable[[str], None] = print,
    progress: bool = True, seed: int = 2021,
) -> BulkResult:  # fmt: skip
    """Fill an empty report table with ``reports`` demo reports and their history."""
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
    refs = References(horizon=horizon, log=log)
    gen = Generator(refs, horizon=horizon, seed=seed)
    head: Any = chain._head_model()._default_manager.filter(name=chain.EVENTS.name).first()
    seq, prev = (int(head.seq), str(head.hash)) if head else (0, chain.GENESIS)
    last_event = ReportEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    first_event = (last_event or 0) + 1
    bar = _progress(reports) if progress else None
    log(_("Menulis %(n)d laporan (%(db)s) …") % {"n": reports, "db": connection.vendor})
    events_total = 0
    with ExitStack() as stack:
        if connection.vendor == "postgresql":
            stack.enter_context(pg_deferred_indexes(log))
        else:
            stack.enter_context(transaction.atomic())
        with Sink(gen.clock) as sink:
            for batch_start in range(1, reports + 1, BATCH):
                report_rows, event_rows, fact_rows = [], [], []
                for pk in range(batch_start, min(reports, batch_start + BATCH - 1) + 1):
                    row, events = gen.report(pk)
                    report_rows.append([row[c] for c in REPORT_COLUMNS])
                    fact_rows.append(gen.fact(row))
                    rows, seq, prev = chained_events(
                        gen, pk, events, seq, prev, first_event + events_total
                    )
                    events_total += len(rows)
                    event_rows.extend(rows)
                sink.write(0, report_rows)
                sink.write(1, event_rows)
                sink.write(2, fact_rows)
                if bar is not None:
                    bar.update(len(report_rows))
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
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in BULK_TABLES:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return BulkResult(reports, events_total, gen.open_reports, time.perf_counter() - t0)


def _reset_sequences() -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), [Report, ReportEvent])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


__all__ = ["BulkResult", "bulk_seed", "chained_events"]
