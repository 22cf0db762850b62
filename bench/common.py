"""Shared by the bench scripts (run as ``python bench/<script>.py``)."""

from __future__ import annotations

import json

# All traffic of a benchmark comes from one loopback address: the per-client limits that
# protect production (tracking lookups, submissions per hour, API keys, SMS senders)
# would measure the limiter, not the system.
NO_RATE_LIMITS = {
    "ADUAN_API_RATE_PER_MINUTE": "1000000000",
    "ADUAN_RATE_TRACK_PER_MINUTE": "1000000000",
    "ADUAN_RATE_TRACK_MISSES_PER_HOUR": "1000000000",
    "ADUAN_RATE_SUBMISSIONS_PER_HOUR": "1000000000",
    "ADUAN_RATE_LOGIN_PER_10_MINUTES": "1000000000",
    "ADUAN_RATE_STATS_PER_MINUTE": "1000000000",
    "ADUAN_SMS_PER_NUMBER_PER_HOUR": "1000000",
}


def submission(i: int) -> str:
    """The JSON body of the i-th benchmark submission (``POST /api/v1/reports``), the same
    for the bare insert: a title and text of a real report's length, and a regency."""
    return json.dumps(
        {
            "title": f"Lampu jalan padam {i}",
            "body": "Lampu penerangan jalan di depan pasar padam sejak seminggu, rawan "
            f"kecelakaan malam hari. Mohon segera diperbaiki. ({i})",
            "region": "32.73",
        }
    )
