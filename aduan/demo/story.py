"""Playing one demo report through the real lifecycle, back-dated.

The report is submitted through the intake service and every later step goes through
:func:`aduan.reports.lifecycle.transition` with a ``now`` in the past, so events,
deadlines and timestamps are exactly what the system would have written. The clock
only moves forward; a step that would happen after the present stops the story, which
is how recent reports end up still open.
"""

from __future__ import annotations

import contextlib
import random
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aduan.agencies.models import Agency
from aduan.demo import writer as texts
from aduan.demo.accounts import Accounts
from aduan.demo.plans import Plan
from aduan.reports.intake import report_submit
from aduan.reports.lifecycle import Actor, Change, RejectionReason, transition
from aduan.reports.models import Report

OFFICE_TZ = ZoneInfo("Asia/Jakarta")
BANDUNG = "/32.73/"
BANDUNG_DINKES = "/32.73/32.73.DINKES/"
KEMENKES = "/KEMENKES/"
REJECT_WEIGHTS = {
    RejectionReason.INCOMPLETE: 3,
    RejectionReason.OUT_OF_SCOPE: 3,
    RejectionReason.SPAM: 2,
    RejectionReason.ABUSIVE: 1,
}
RETURN_REASONS = ("Bukan kewenangan instansi kami", "Kewenangan instansi lain")
RATINGS = {"prompt": (3, 5, 12, 35, 45), "slow": (15, 20, 30, 25, 10)}  # weights of 1..5


class Stop(Exception):
    """The next step lies in the future: the report stays where it is."""


class Cast:
    """The actors of every story: demo staff (created on demand), reporter, system."""

    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts
        self._actors: dict[int, Actor] = {}
        self.desk = self._staff(accounts.user("desk@demo.aduan.id"))
        self.system = Actor.system()

    def _staff(self, user: Any) -> Actor:
        # Actor.staff reads the memberships; one read per user for the whole run.
        if user.pk not in self._actors:
            self._actors[user.pk] = Actor.staff(user)
        return self._actors[user.pk]

    def officer_for(self, agency: Agency, rng: random.Random) -> Actor:
        path = agency.path
        if path.startswith(BANDUNG_DINKES):
            email = "petugas.dinkes.bandung@demo.aduan.id"
        elif path.startswith(BANDUNG):
            email = (
                "admin.bandung@demo.aduan.id"
                if rng.random() < 0.2
                else "petugas.bandung@demo.aduan.id"
            )
        elif path.startswith(KEMENKES):
            email = "petugas.kemenkes@demo.aduan.id"
        elif agency.kind == Agency.Kind.OMBUDSMAN:
            email = "ombudsman@demo.aduan.id"
        else:
            root_code = path.strip("/").split("/", 1)[0]
            root = agency if root_code == agency.code else Agency.objects.get(code=root_code)
            return self._staff(self.accounts.officer_for_root(root))
        return self._staff(self.accounts.user(email))


class Story:
    def __init__(self, plan: Plan, cast: Cast, *, horizon: datetime) -> None:
        self.plan = plan
        self.cast = cast
        self.horizon = horizon
        self.rng = plan.writer.rng
        self.reporter = Actor.reporter(plan.reporter)
        self.clock = plan.submitted_at
        self.behaviour = "prompt"
        self.report: Report | None = None

    # ---- plumbing ---------------------------------------------------------------
    def play(self) -> Report:
        receipt = report_submit(
            submission=self.plan.submission, reporter=self.plan.reporter, now=self.clock
        )
        self.report = receipt.report
        with contextlib.suppress(Stop):
            self._triage()
        # ``updated_at`` is auto_now: bring it back to the last thing that happened.
        Report.objects.filter(pk=self.report.pk).update(updated_at=self.clock)
        return self.report

    @property
    def r(self) -> Report:
        assert self.report is not None
        return self.report

    def _after(self, hours: float, *, office: bool = True) -> datetime:
        when = self.clock + timedelta(hours=hours)
        return self._check(self._office_hours(when) if office else when)

    def _check(self, when: datetime) -> datetime:
        if when > self.horizon:
            raise Stop
        return max(when, self.clock + timedelta(minutes=1))

    def _office_hours(self, when: datetime) -> datetime:
        """Staff act on working days between 08:00 and 16:00 WIB."""
        local = when.astimezone(OFFICE_TZ)
        minute = self.rng.randint(0, 59)
        if local.hour < 8:
            local = local.replace(hour=8, minute=minute)
        elif local.hour >= 16:
            local = (local + timedelta(days=1)).replace(hour=8, minute=minute)
        while local.weekday() >= 5:
            local += timedelta(days=1)
        return local

    def _do(self, action: str, actor: Actor, when: datetime, **change: Any) -> None:
        transition(self.r, action, actor=actor, change=Change(**change), now=when)
        self.clock = when

    def _officer(self) -> Actor:
        assert self.r.agency is not None
        return self.cast.officer_for(self.r.agency, self.rng)

    def _say(self, options: tuple[str, ...]) -> str:
        return self.plan.writer.pick(options)

    # ---- the desk ---------------------------------------------------------------
    def _desk_delay(self) -> float:
        return self.rng.uniform(60, 150) if self.rng.random() < 0.12 else self.rng.uniform(1, 30)

    def _triage(self) -> None:
        when = self._after(self._desk_delay())
        roll = self.rng.random()
        if roll < 0.07:
            reason = self.rng.choices(list(REJECT_WEIGHTS), weights=list(REJECT_WEIGHTS.values()))
            self._do(
                "reject", self.cast.desk, when, reason=reason[0],
                message=texts.REJECT_MESSAGES[reason[0]],
            )  # fmt: skip
            return
        if roll < 0.19:
            self._do("request_info", self.cast.desk, when, message=self._say(texts.REQUEST_INFO))
            if self.rng.random() >= 0.55:
                # Nobody answers: the sweep rejects it once the reply period is over.
                self._do("expire", self.cast.system, self._check(self._sweep_time()))
                return
            answer = self._after(self.rng.uniform(4, 120), office=False)
            self._do("provide_info", self.reporter, answer, message=self._say(texts.PROVIDE_INFO))
            when = self._after(self._desk_delay())
        self._route(when)

    def _sweep_time(self) -> datetime:
        assert self.r.auto_at is not None
        return self.r.auto_at + timedelta(minutes=self.rng.randint(1, 59))

    def _dispatch(self, agency: Agency, when: datetime) -> None:
        self._do(
            "dispatch",
            self.cast.desk,
            when,
            agency=agency,
            category=self.plan.category,
            needs_inspection=self.plan.needs_inspection or None,
        )

    def _route(self, when: datetime) -> None:
        wrong = self.plan.misroute_to
        if wrong is not None and wrong.pk != self.plan.dispatch_to.pk:
            # Bukan wewenang: the wrong agency sends it back and the desk re-routes.
            self._dispatch(wrong, when)
            officer = self._officer()
            if self.rng.random() < 0.5:
                self._do("accept", officer, self._after(self.rng.uniform(4, 48)))
            self._do(
                "return_to_desk", officer, self._after(self.rng.uniform(4, 72)),
                reason=self.rng.choice(RETURN_REASONS),
                message="Mohon didisposisikan kepada instansi yang berwenang.",
            )  # fmt: skip
            when = self._after(self._desk_delay())
        self._dispatch(self.plan.dispatch_to, when)
        self._agency_work()

    # ---- the agency -------------------------------------------------------------
    def _agency_work(self) -> None:
        rng = self.rng
        self.behaviour = rng.choices(("prompt", "slow", "stalled"), weights=(58, 22, 20))[0]
        if self.behaviour == "stalled" and rng.random() < 0.3:
            self._maybe_escalate()  # never even accepted
            return
        home = self._officer()
        delay = rng.uniform(2, 40) if self.behaviour == "prompt" else rng.uniform(60, 200)
        self._do("accept", home, self._after(delay))
        if self.plan.forward_to is not None:
            target = self.plan.forward_to
            self._do("forward", home, self._after(rng.uniform(0.5, 30)), agency=target)
        if rng.random() < 0.5:
            message = self._say(self.plan.topic.updates + texts.EARLY_UPDATES)
            self._do("update", self._officer(), self._after(rng.uniform(12, 120)), message=message)
        if self.behaviour == "stalled":
            self._maybe_escalate()
            return
        answer = self.plan.writer.fill(self.plan.issue.response)
        self._do("respond", self._officer(), self._response_time(), message=answer)
        self._after_response()

    def _response_time(self) -> datetime:
        start, due = self.r.dispatched_at, self.r.completion_due_at
        assert start is not None and due is not None
        if self.behaviour == "prompt":
            when = start + (due - start) * self.rng.uniform(0.15, 0.9)
        else:
            when = due + timedelta(hours=self.rng.uniform(24, 300))
        return self._check(self._office_hours(max(when, self.clock + timedelta(hours=1))))

    def _maybe_escalate(self) -> None:
        """The completion limit passes without an answer; some reporters then agree to
        hand the report to the Ombudsman, which works it like any agency."""
        if self.rng.random() >= 0.25:
            return
        due = self.r.completion_due_at
        assert due is not None
        when = self._check(max(due, self.clock) + timedelta(hours=self.rng.uniform(24, 360)))
        self._do(
            "escalate", self.reporter, when,
            message="Sudah melewati batas waktu penyelesaian dan belum ada tindak lanjut.",
        )  # fmt: skip
        ombudsman = self._officer()
        self._do("accept", ombudsman, self._after(self.rng.uniform(24, 240)))
        if self.rng.random() < 0.6:
            self._do(
                "update", ombudsman, self._after(self.rng.uniform(48, 240)),
                message=self._say(texts.OMBUDSMAN_UPDATES),
            )  # fmt: skip
        self._do(
            "respond", ombudsman, self._after(self.rng.uniform(120, 480)),
            message=self._say(texts.OMBUDSMAN_RESPONSES),
        )  # fmt: skip
        self._after_response()

    # ---- after the follow-up ----------------------------------------------------
    def _after_response(self) -> None:
        rng = self.rng
        if rng.random() < 0.15:
            reply = self._after(rng.uniform(6, 96), office=False)
            self._do("reporter_reply", self.reporter, reply, message=self._say(texts.REPLIES))
            self._do(
                "respond", self._officer(), self._after(rng.uniform(24, 168)),
                message=self._say(texts.SECOND_RESPONSES),
            )  # fmt: skip
        if rng.random() < 0.4:
            self._do("close", self.reporter, self._after(rng.uniform(2, 120), office=False))
            if rng.random() < 0.85:
                self._rate()
            return
        self._do("auto_close", self.cast.system, self._check(self._sweep_time()))
        if rng.random() < 0.3:
            self._rate()

    def _rate(self) -> None:
        weights = RATINGS["prompt" if self.behaviour == "prompt" else "slow"]
        rating = self.rng.choices((1, 2, 3, 4, 5), weights=weights)[0]
        chance = {5: 0.95, 4: 0.85, 3: 0.5}.get(rating, 0.1)
        when = self._after(self.rng.uniform(0.1, 72), office=False)
        self._do("rate", self.reporter, when, rating=rating, resolved=self.rng.random() < chance)
