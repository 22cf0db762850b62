"""Redaction of personal data from text shown to the public.

The original text is kept for authorised staff; the public sees these replacements.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# NIK (national ID) and KK (family card) numbers: 16 digits, sometimes spaced or dotted.
_NIK = re.compile(r"(?<!\d)(?:\d[ .-]?){15}\d(?!\d)")
# Indonesian phone numbers: +62 / 62 / 0 then 8–12 more digits, with common separators.
_PHONE = re.compile(r"(?<![\d\w])(?:\+62|62|0)[\s.-]?8\d{1,3}(?:[\s.-]?\d{2,4}){2,3}(?!\d)")

EMAIL_MARK = "[surel disamarkan]"
NIK_MARK = "[NIK/KK disamarkan]"
PHONE_MARK = "[telepon disamarkan]"


def redact(text: str) -> str:
    text = _EMAIL.sub(EMAIL_MARK, text)
    text = _NIK.sub(NIK_MARK, text)
    return _PHONE.sub(PHONE_MARK, text)


IDENTITY_MARK = "[identitas disamarkan]"
_SEP = r"[\s.\-]?"


def _phone_pattern(phone: str) -> re.Pattern[str] | None:
    """The reporter's number in any common writing: +62 812…, 0812-…, 62812…."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("62"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    if len(digits) < 6:
        return None
    return re.compile(rf"(?<!\d)(?:\+?62{_SEP}|0)?{_SEP.join(digits)}(?!\d)")


def scrub_identity(text: str, *, name: str = "", email: str = "", phone: str = "") -> str:
    """Take the reporter's own name, e-mail and phone out of text they wrote (people sign
    their complaints). Used for all public text, and for what agency staff read of an
    anonymous report."""
    for value in (email.strip(), name.strip()):
        if len(value) >= 3:
            text = re.sub(re.escape(value), IDENTITY_MARK, text, flags=re.IGNORECASE)
    pattern = _phone_pattern(phone) if phone else None
    if pattern is not None:
        text = pattern.sub(IDENTITY_MARK, text)
    return text


def reporter_identity(report: object) -> dict[str, str]:
    """The identity values stored on a report, for :func:`scrub_identity`. (An account's
    e-mail is scrubbed once, at intake; reading it here would cost a query per row.)"""
    return {
        "name": getattr(report, "reporter_name", "") or "",
        "email": getattr(report, "reporter_email", "") or "",
        "phone": getattr(report, "reporter_phone", "") or "",
    }


def public_text(text: str, report: object) -> str:
    """What the public may read of reporter-written text: personal data patterns and the
    reporter's own identity removed."""
    return redact(scrub_identity(text, **reporter_identity(report)))
