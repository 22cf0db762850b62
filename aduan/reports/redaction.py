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
