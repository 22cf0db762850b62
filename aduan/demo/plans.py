"""Deciding what demo report number *n* is: topic, place, reporter, channel, and which
agencies the desk and the agency will route it to."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency
from aduan.demo import accounts
from aduan.demo.topics import REGIONAL_TOPICS, TOPICS, Issue, Topic
from aduan.demo.writer import Place, Writer, person_name, phone
from aduan.regions.models import District, Region
from aduan.reports.intake import Submission
from aduan.reports.models import AgeBand, Category, Channel, Gender

FOCUS_REGION = "32.73"  # Kota Bandung: the demo officers' own city gets ~30 % of reports
FOCUS_SHARE = 0.30
HISTORY_DAYS = 365

# Other cities whose governments receive demo reports (each gets one demo officer),
# with a rough centre for the map: (code, weight, latitude, longitude).
POOL: tuple[tuple[str, int, float, float], ...] = (
    ("32.73", 0, -6.9147, 107.6098),
    ("32.04", 6, -7.0251, 107.5197),
    ("32.77", 4, -6.8722, 107.5425),
    ("31.74", 6, -6.2615, 106.8106),
    ("31.75", 5, -6.2250, 106.9004),
    ("35.78", 7, -7.2575, 112.7521),
    ("33.74", 5, -6.9667, 110.4167),
    ("34.71", 4, -7.7956, 110.3695),
    ("12.71", 5, 3.5952, 98.6722),
    ("16.71", 3, -2.9761, 104.7754),
    ("51.71", 3, -8.6705, 115.2126),
    ("73.71", 4, -5.1477, 119.4327),
    ("61.71", 2, -0.0263, 109.3425),
    ("64.72", 2, -0.5022, 117.1536),
    ("53.71", 2, -10.1772, 123.6070),
    ("81.71", 2, -3.6954, 128.1814),
    ("91.71", 2, -2.5337, 140.7181),
    ("11.71", 2, 5.5483, 95.3238),
)
CENTRES = {code: (lat, lon) for code, _w, lat, lon in POOL}
CHANNELS = (Channel.WEB, Channel.MOBILE, Channel.SMS, Channel.EMAIL, Channel.API)
CHANNEL_WEIGHTS = (45, 20, 15, 12, 8)


@dataclass
class Plan:
    seq: int
    topic: Topic
    issue: Issue
    writer: Writer
    submission: Submission
    reporter: Any  # the demo citizen's account, or None
    submitted_at: datetime
    category: Category
    dispatch_to: Agency  # what the desk chooses
    forward_to: Agency | None  # the unit the agency hands it to
    misroute_to: Agency | None  # a wrong first choice of the desk
    needs_inspection: bool


class Catalogue:
    """Reference rows the planner needs, loaded once per seeding run."""

    def __init__(self) -> None:
        self.regions = {r.code: r for r in Region.objects.filter(level=Region.Level.REGENCY)}
        self.districts: dict[str, list[District]] = defaultdict(list)
        for district in District.objects.order_by("code"):
            self.districts[district.regency_id].append(district)
        self.categories = {c.code: c for c in Category.objects.all()}
        self._agencies: dict[str, Agency] = {}
        codes = sorted(self.regions)
        self.national_regions = [self.regions[c] for c in codes]
        self.national_weights = [max(r.population, 1) for r in self.national_regions]

    def agency(self, code: str) -> Agency:
        if code not in self._agencies:
            try:
                self._agencies[code] = Agency.objects.get(code=code)
            except Agency.DoesNotExist:
                raise CommandError(
                    _("Instansi %s tidak ditemukan. Jalankan `aduan loadrefdata` dahulu.") % code
                ) from None
        return self._agencies[code]

    def category(self, code: str) -> Category:
        try:
            return self.categories[code]
        except KeyError:
            raise CommandError(
                _("Kategori %s tidak ditemukan. Jalankan `aduan loadrefdata` dahulu.") % code
            ) from None


def _weighted(rng: random.Random, topics: tuple[Topic, ...]) -> Topic:
    return rng.choices(topics, weights=[t.weight for t in topics])[0]


def _place(rng: random.Random, book: Catalogue, topic: Topic, focus: bool) -> Place:
    if focus:
        code = FOCUS_REGION
    elif topic.is_regional:
        pool = [(c, w) for c, w, _lat, _lon in POOL if w]
        code = rng.choices([c for c, _ in pool], weights=[w for _, w in pool])[0]
    else:
        code = rng.choices(book.national_regions, weights=book.national_weights)[0].code
    region = book.regions[code]
    districts = book.districts.get(code)
    return Place(region, rng.choice(districts) if districts else None)


def _routing(
    rng: random.Random, book: Catalogue, topic: Topic, region: Region
) -> tuple[Agency, Agency | None]:
    if topic.route == "gov":
        return book.agency(region.code), None
    if topic.unit_abbr:
        government = book.agency(region.code)
        unit = book.agency(f"{region.code}.{topic.unit_abbr}")
        # The desk often routes to the government, which hands it to its own unit.
        return (government, unit) if rng.random() < 0.6 else (unit, None)
    body = book.agency(topic.national_code)
    province = region.code.split(".", 1)[0]
    units = [
        unit
        for unit in (book.agency(code) for code in topic.units)
        if unit.region_id is None or unit.region_id == province
    ]
    return body, (rng.choice(units) if units and rng.random() < 0.6 else None)


def _identity(rng: random.Random, channel: str, reporter: Any) -> tuple[str, str, str]:
    """(name, e-mail, phone) as the channel would deliver them."""
    if reporter is not None:
        account = accounts.REPORTER_ACCOUNT
        return f"{account.first_name} {account.last_name}", account.email, ""
    first, last = person_name(rng)
    local = f"{first}.{last}{rng.randint(1, 99)}".lower().replace(" ", "")
    email = f"{local}@{accounts.DOMAIN}"
    if channel == Channel.SMS:
        return ("" if rng.random() < 0.5 else first), "", phone(rng)
    return f"{first} {last}", email, phone(rng) if rng.random() < 0.4 else ""


def _demographics(rng: random.Random) -> dict[str, Any]:
    if rng.random() >= 0.35:
        return {}
    return {
        "demographics_consent": True,
        "gender": rng.choices(
            [Gender.FEMALE, Gender.MALE, Gender.UNDISCLOSED], weights=[46, 46, 8]
        )[0],
        "age_band": rng.choices([a.value for a in AgeBand], weights=[4, 34, 34, 20, 8])[0],
        "has_disability": rng.random() < 0.06,
    }


def _coordinates(
    rng: random.Random, region: Region, channel: str
) -> tuple[Decimal | None, Decimal | None]:
    """A point near the city centre, as a phone's location would give."""
    centre = CENTRES.get(region.code)
    if centre is None or channel not in (Channel.WEB, Channel.MOBILE) or rng.random() > 0.6:
        return None, None
    lat, lon = centre[0] + rng.uniform(-0.04, 0.04), centre[1] + rng.uniform(-0.04, 0.04)
    return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")


REFILE_EVERY = 12  # one report in 12 re-files an earlier one (citizens do; issue 6)
REFILE_LAG = 7


def make_plan(seq: int, *, book: Catalogue, now: datetime, citizen: Any) -> Plan:
    if seq % REFILE_EVERY == REFILE_EVERY - 1:
        return _refiling(seq, seq - REFILE_LAG, book=book, now=now, citizen=citizen)
    rng = random.Random(f"aduan-demo-{seq}")
    focus = rng.random() < FOCUS_SHARE
    topic = _weighted(rng, REGIONAL_TOPICS if focus else TOPICS)
    place = _place(rng, book, topic, focus)
    issue = rng.choice(topic.issues)
    # Volume grows over the year (as it did nationally), so recent months weigh more.
    age = timedelta(days=HISTORY_DAYS * rng.random() ** 1.3, hours=1)
    submitted_at = now - age
    incident = (submitted_at - timedelta(days=rng.randint(0, 14))).date()
    writer = Writer(rng, place, incident)
    channel = rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS)[0]
    reporter = citizen if channel in (Channel.WEB, Channel.MOBILE) and rng.random() < 0.12 else None
    name, email, phone_number = _identity(rng, channel, reporter)
    category = book.category(topic.category)
    dispatch_to, forward_to = _routing(rng, book, topic, place.region)
    misroute = None
    if topic.misroute and rng.random() < 0.10:
        misroute = book.agency(rng.choice(topic.misroute))

    contact = ""
    if rng.random() < 0.25:
        contact = writer.contact_line(with_nik=rng.random() < (0.7 if topic.key == "ktp" else 0.3))
    if channel == Channel.SMS:
        title, body = writer.title(issue), writer.sms_body(issue)
    else:
        title, body = writer.title(issue), writer.body(issue, contact=contact)
    latitude, longitude = _coordinates(rng, place.region, channel)
    chosen_by_reporter = channel in (Channel.WEB, Channel.MOBILE, Channel.API)
    submission = Submission(
        title=title,
        body=body,
        channel=channel,
        type=topic.type,
        incident_date=incident if rng.random() < 0.7 else None,
        region=place.region,
        district=place.district,
        requested_agency=dispatch_to if chosen_by_reporter and rng.random() < 0.3 else None,
        category=category if chosen_by_reporter and rng.random() < 0.6 else None,
        is_anonymous=rng.random() < 0.2,
        is_confidential=rng.random() < topic.confidential,
        reporter_name=name,
        reporter_email=email,
        reporter_phone=phone_number,
        latitude=latitude,
        longitude=longitude,
        **_demographics(rng),
    )
    return Plan(
        seq=seq,
        topic=topic,
        issue=issue,
        writer=writer,
        submission=submission,
        reporter=reporter,
        submitted_at=submitted_at,
        category=category,
        dispatch_to=dispatch_to,
        forward_to=forward_to,
        misroute_to=misroute,
        needs_inspection=topic.type == "complaint" and rng.random() < topic.inspection,
    )


def _refiling(seq: int, source: int, *, book: Catalogue, now: datetime, citizen: Any) -> Plan:
    """Another citizen reports the same problem at the same place a few days later,
    through another channel and in other words (the desk's duplicate finder at work)."""
    base = make_plan(source, book=book, now=now, citizen=citizen)
    rng = random.Random(f"aduan-demo-refile-{seq}")
    submitted_at = min(
        base.submitted_at + timedelta(days=rng.uniform(0.5, 20)), now - timedelta(hours=1)
    )
    writer = Writer(rng, base.writer.place, (submitted_at - timedelta(days=1)).date())
    writer.values = {**base.writer.values, "tanggal": base.writer.values["tanggal"]}
    channel = rng.choice([c for c in CHANNELS if c != base.submission.channel])
    if channel == Channel.SMS:
        title, body = writer.title(base.issue), writer.sms_body(base.issue)
    else:
        title, body = writer.title(base.issue), writer.body(base.issue)
    name, email, phone_number = _identity(rng, channel, None)
    submission = replace(
        base.submission,
        title=title,
        body=body,
        channel=channel,
        requested_agency=None,
        category=None,
        is_anonymous=rng.random() < 0.2,
        reporter_name=name,
        reporter_email=email,
        reporter_phone=phone_number,
        latitude=None,
        longitude=None,
    )
    return replace(
        base, seq=seq, writer=writer, submission=submission, reporter=None,
        submitted_at=submitted_at, misroute_to=None,
    )  # fmt: skip
