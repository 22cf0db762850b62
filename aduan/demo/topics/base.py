"""The shapes of demo topics and issues (see :mod:`aduan.demo.topics`)."""

from __future__ import annotations

from dataclasses import dataclass

COMPLAINT = "complaint"
ASPIRATION = "aspiration"
INFO_REQUEST = "info_request"


@dataclass(frozen=True)
class Issue:
    titles: tuple[str, ...]
    problem: str
    ask: str
    response: str
    impact: str = ""


@dataclass(frozen=True)
class Topic:
    key: str
    category: str  # Category.code
    # "unit:PUPR" a work unit of the regional government, "gov" the regional government,
    # "national:CODE" a national body.
    route: str
    weight: int
    issues: tuple[Issue, ...]
    updates: tuple[str, ...]  # interim progress notes of the agency
    type: str = COMPLAINT
    inspection: float = 0.0  # share needing a field inspection (berkadar pengawasan)
    confidential: float = 0.08
    misroute: tuple[str, ...] = ()  # where a hurried desk sends it first
    units: tuple[str, ...] = ()  # national: work units it may be forwarded to

    @property
    def is_regional(self) -> bool:
        return not self.route.startswith("national:")

    @property
    def national_code(self) -> str:
        return self.route.removeprefix("national:")

    @property
    def unit_abbr(self) -> str | None:
        return self.route.removeprefix("unit:") if self.route.startswith("unit:") else None
