"""Phone numbers from SMS and chat gateways, normalised to E.164.

Indonesian numbers arrive as ``+62812…``, ``62812…``, ``0812…``, ``812…`` (the leading
zero dropped by a spreadsheet), ``+62 0812…`` or with spaces, dots and dashes; all become
``+62812…``. Numbers of other countries are accepted in international form (``+…`` or
``00…``): WhatsApp users abroad and roaming phones are real reporters. Alphanumeric
sender IDs ("TELKOMSEL") and short codes are not phone numbers.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s().\-/]")
_ASCII_DIGITS = re.compile(r"[0-9]+")
COUNTRY = "62"
# The national significant number: 8 to 12 digits (landlines with area code 2x/3xx,
# mobile numbers 8xx-xxxx-xxxx).
NATIONAL_MIN, NATIONAL_MAX = 8, 12
E164_MIN, E164_MAX = 8, 15


def normalize_number(raw: str) -> str | None:
    """The E.164 form (``+6281234567890``), or None when ``raw`` is not a phone number."""
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    compact = _SEPARATORS.sub("", raw.strip())
    international = compact.startswith(("+", "00"))
    digits = compact[1:] if compact.startswith("+") else compact
    if compact.startswith("00"):
        digits = compact[2:]
    if not _ASCII_DIGITS.fullmatch(digits):
        return None
    if not international:
        if digits.startswith("0"):
            digits = COUNTRY + digits[1:]
        elif digits.startswith("8"):
            digits = COUNTRY + digits
        elif not digits.startswith(COUNTRY):
            return None
    if digits.startswith(COUNTRY):
        return _indonesian(digits[len(COUNTRY) :])
    if E164_MIN <= len(digits) <= E164_MAX and not digits.startswith("0"):
        return "+" + digits
    return None


def _indonesian(national: str) -> str | None:
    # "+62 0812…" mixes both forms; the trunk zero does not belong after the country code.
    if national.startswith("0"):
        national = national[1:]
    if not NATIONAL_MIN <= len(national) <= NATIONAL_MAX or national.startswith("0"):
        return None
    return "+" + COUNTRY + national


def is_indonesian(e164: str) -> bool:
    return e164.startswith("+" + COUNTRY)
