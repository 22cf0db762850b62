"""What demo reports are about: one topic per kind of problem citizens report.

A topic says which category it belongs to and who handles it (a regional work unit, the
regional government itself, or a national body). Each of its issues is one coherent
story (title, problem, request, the agency's answer); the writer
(:mod:`aduan.demo.writer`) wraps it in varied openings, closings, places and dates, so
no two reports read alike. Placeholders in braces are filled from the report's place
and time.
"""

from __future__ import annotations

from aduan.demo.topics.base import ASPIRATION, COMPLAINT, INFO_REQUEST, Issue, Topic
from aduan.demo.topics.national import NATIONAL_TOPICS
from aduan.demo.topics.regional import REGIONAL_TOPICS

TOPICS: tuple[Topic, ...] = REGIONAL_TOPICS + NATIONAL_TOPICS

__all__ = [
    "ASPIRATION",
    "COMPLAINT",
    "INFO_REQUEST",
    "NATIONAL_TOPICS",
    "REGIONAL_TOPICS",
    "TOPICS",
    "Issue",
    "Topic",
]
