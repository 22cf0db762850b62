"""Redaction of personal data from text shown to the public.

The original text is kept for authorised staff; the public sees these replacements.
"""

from __future__ import annotations

import re

EMAIL_MARK = "[surel disamarkan]"
NIK_MARK = "[NIK/KK disamarkan]"
PHONE_MARK = "[telepon disamarkan]"
BANK_MARK = "[rekening disamarkan]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# "nama [at] gmail [dot] com", "nama(at)gmail(dot)co(dot)id", "nama @ gmail . com":
# people hide addresses from bots; the public page must not undo that.
_AT = r"\s*(?:\[\s*at\s*\]|\(\s*at\s*\)|\{\s*at\s*\}|\s@\s)\s*"
_DOT = r"\s*(?:\[\s*(?:dot|titik)\s*\]|\(\s*(?:dot|titik)\s*\)|\{\s*(?:dot|titik)\s*\}|\s\.\s)\s*"
_EMAIL_OBFUSCATED = re.compile(
    rf"[\w.+-]+{_AT}[\w-]+(?:(?:{_DOT}|\.)[\w-]+)+", re.UNICODE | re.IGNORECASE
)
# NIK (national ID) and KK (family card) numbers: 16 digits, sometimes spaced or dotted.
_NIK = re.compile(r"(?<![\d.,])(?:\d[ .-]?){15}\d(?![\d]|[.,]\d)")
# Mobile numbers: +62 / 62 / 0, then 8xx and 6–9 more digits, with common separators;
# "(+62) 812…" and "+62 (0)812…" too.
_MOBILE = re.compile(
    r"(?<![\w+.,-])(?:\(?\+62\)?|62|0)[\s.-]?(?:\(0\)\s?)?8\d{1,3}(?:[\s.-]?\d{2,4}){2,3}"
    r"(?![\d]|[.,-]\d)"
)
# Landlines: an area code (021, 0274, (022), +62 21) then 5–8 digits.
_LANDLINE = re.compile(
    r"(?<![\w+.,/-])(?:\(0[2-9]\d{1,2}\)|0[2-9]\d{1,2}|\+62[\s.-]?\(?[2-9]\d{1,2}\)?)"
    r"[\s.-]?\d{3,4}[\s.-]?\d{2,4}(?![\d]|[.,-]\d)"
)
# Bank accounts: a number of 8+ digits shortly after a banking word ("no. rek", "rekening
# BRI nomor", "BCA:"), or right before "a.n." (atas nama, the account holder).
_BANKS = (
    r"BRI|BCA|BNI|BSI|BTN|BPD|Mandiri|CIMB(?:\s+Niaga)?|Danamon|Permata|Panin|Mega|OCBC"
    r"|Maybank|Jago|Jenius|SeaBank|Muamalat|Bank\s+\w+"
)
_BANK_WORD = rf"(?:no\.?\s*rek(?:ening)?\.?|norek|rek(?:ening)?\.?|account|a/c|{_BANKS})"
_FILLER = r"(?:(?!Rp|IDR|sebesar|senilai|sejumlah|total)[A-Za-z.:/#]{1,10}\s*){0,3}"
_ACCOUNT = r"\d(?:[ .-]?\d){7,19}"
_BANK = re.compile(
    rf"(?<!\w){_BANK_WORD}\s*[:#]?\s*{_FILLER}[:#]?\s*(?P<num>{_ACCOUNT})(?![\d]|[.,-]\d)"
    rf"|(?<![\d.,])(?P<num2>{_ACCOUNT})\s*(?:a\.\s?n\.?|atas\s+nama)\s",
    re.IGNORECASE,
)

# What must stay: dates, money, plates, tracking IDs (their digits look like the above).
_KEEP = [
    # 12-03-2024, 12/03/2024, 12.03.2024, 1-3-24
    re.compile(
        r"(?<![\d.,/-])(?:0?[1-9]|[12]\d|3[01])([-/.])(?:0?[1-9]|1[0-2])\1(?:\d{4}|\d{2})"
        r"(?![\d]|[.,/-]\d)"
    ),
    # 2024-03-12, 2024/03/12
    re.compile(
        r"(?<![\d.-])(?:19|20)\d{2}([-/.])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])(?!\d)"
    ),
    # Rp 1.500.000,00 / IDR 2,5 juta / Rp1500000
    re.compile(r"(?:Rp\.?|IDR)\s?\d[\d.,]*(?:\s?(?:rb|ribu|jt|juta|miliar|M|T|triliun))?", re.I),
    # 150rb, 2 juta, 1,5 miliar
    re.compile(r"(?<![\w.,])\d[\d.,]*\s?(?:rb|ribu|k|jt|juta|miliar|milyar|triliun)\b", re.I),
    # Plates: B 1234 XYZ, AB 123 CD
    re.compile(r"\b[A-Z]{1,2}\s?\d{1,4}\s?[A-Z]{1,3}\b"),
    # Tracking IDs as shown: ABCDE-FGHJK
    re.compile(r"(?<![0-9A-Za-z])[0-9A-Z]{5}-[0-9A-Z]{5}(?![0-9A-Za-z])"),
]

_DETECTORS: list[tuple[re.Pattern[str], str]] = [
    (_EMAIL, EMAIL_MARK),
    (_EMAIL_OBFUSCATED, EMAIL_MARK),
    (_BANK, BANK_MARK),
    (_NIK, NIK_MARK),
    (_MOBILE, PHONE_MARK),
    (_LANDLINE, PHONE_MARK),
]


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _kept_spans(text: str) -> list[tuple[int, int]]:
    from aduan.reports.tracking import normalize

    spans = []
    for pattern in _KEEP:
        for m in pattern.finditer(text):
            if pattern is _KEEP[-1] and normalize(m.group()) is None:
                continue  # looks like a tracking ID but its check symbol says no
            spans.append(m.span())
    return spans


def redact(text: str) -> str:
    """Replace personal data (e-mail, NIK/KK, phone, bank account numbers) with marks.

    All patterns are matched on the original text; a match that overlaps a date, an
    amount, a plate or a tracking ID is left alone, and the first detector wins where
    two overlap (an e-mail before the digits inside it)."""
    if not text:
        return text
    kept = _kept_spans(text)
    hits: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, mark in _DETECTORS:
        for m in pattern.finditer(text):
            group = next((g for g in ("num", "num2") if m.groupdict().get(g)), None)
            span = m.span(group) if group else m.span()
            if _overlaps(span, taken) or _overlaps(span, kept):
                continue
            hits.append((span[0], span[1], mark))
            taken.append(span)
    if not hits:
        return text
    out, pos = [], 0
    for start, end, mark in sorted(hits):
        out.append(text[pos:start])
        out.append(mark)
        pos = end
    out.append(text[pos:])
    return "".join(out)


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
