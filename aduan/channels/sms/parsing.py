"""What an inbound SMS or chat message asks for. Pure functions: no database.

Formats (keywords are case-insensitive; the keyword may be followed by a space, ``#``
or ``:``):

- ``LAPOR <isi>`` or ``ADUAN <isi>``: a complaint. ``ASPIRASI <isi>``: an aspiration;
  ``TANYA <isi>``: an information request. After the keyword, ``ANONIM`` (identity hidden
  from the agency) and ``RAHASIA`` (never public) may follow, and an agency keyword.
- ``<AGENCY> <isi>``: a complaint addressed to that agency. An agency keyword is the
  abbreviation or code of an active top-level agency (``PLN``, ``BPJS-KESEHATAN``,
  ``KEMENKES``, ``32.73``); purely numeric tokens never count, so "32 rumah terendam"
  stays text.
- ``STATUS <nomor>``, ``CEK <nomor>``, ``CEK STATUS <nomor>``, ``LACAK <nomor>``: the
  status of a report. A message that is only a tracking ID means the same. The ID may be
  written in lower case, with spaces or dashes, with O/I/L for 0/1/1, in full-width or
  Cyrillic/Greek look-alike letters; a keyword one typo away (``STATSU``) is forgiven when
  a valid ID follows. "Cek jalan rusak di desa kami ..." is a report that starts with a
  verb: only text short enough to be a mistyped ID gets the "unknown ID" answer.
- ``BALAS <nomor> <isi>``: the reporter answers the agency's follow-up or the desk's
  request for details. ``BALAS <isi>`` without a number answers the sender's only report
  waiting for an answer.
- ``BANTUAN``, ``HELP``, ``INFO``, ``?``: the format.
- Anything else: missing keywords are the most common mistake, so text of at least
  :data:`MIN_FREE_TEXT` characters in at least three different words is taken as a
  complaint; shorter text gets the format as a reply.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aduan.channels.text import clean_text
from aduan.reports import tracking


class Kind(StrEnum):
    REPORT = "report"
    STATUS = "status"
    REPLY = "reply"
    HELP = "help"


class Problem(StrEnum):
    """Why a message got the format as its answer (or a STATUS without a usable ID)."""

    NONE = ""
    EMPTY = "empty"
    TOO_SHORT = "too_short"
    BAD_ID = "bad_id"
    ASKED = "asked"  # the person asked for help


MIN_FREE_TEXT = 15  # characters of a message without keyword to count as a report
MIN_KEYWORD_TEXT = 10  # characters after LAPOR/ADUAN/an agency keyword
MIN_FREE_WORDS = 3  # different words in a message without keyword

REPORT_KEYWORDS = {
    "lapor": "complaint",
    "aduan": "complaint",
    "aspirasi": "aspiration",
    "tanya": "info_request",
}
STATUS_KEYWORDS = frozenset({"status", "cek", "lacak", "cekstatus", "stat", "sts"})
REPLY_KEYWORDS = frozenset({"balas", "bls", "jawab"})
HELP_KEYWORDS = frozenset({"bantuan", "help", "info", "?", "menu", "format"})
FLAG_ANONYMOUS = frozenset({"anonim", "anonymous"})
FLAG_CONFIDENTIAL = frozenset({"rahasia"})

_FIRST_TOKEN = re.compile(r"^([^\s#:]+)[\s#:]*(.*)$", re.DOTALL)
_TRAILING_PUNCT = ".,;!?\"')]"
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−_"), "-")
# Capital letters from other scripts that look exactly like Latin ones (a phone keyboard
# in Russian or Greek mode, or a copy from a PDF).
_CONFUSABLES = str.maketrans(
    "АВЕКМНОРСТХаеорсхΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "ABEKMHOPCTXaeopcxABEZHIKMNOPTYX",
)


@dataclass(frozen=True)
class Command:
    kind: Kind
    text: str = ""  # the report body or the reply
    tracking_id: str | None = None  # canonical, for STATUS and BALAS
    report_type: str = "complaint"
    agency: Any = None  # the requested agency, resolved by the caller's lookup
    is_anonymous: bool = False
    is_confidential: bool = False
    problem: Problem = Problem.NONE
    # BALAS: everything after the keyword, in case what looked like an ID was not one
    # ("balas makasih pak" reads as the ID MAKAS-1HPAK once in 32 times).
    whole_text: str = ""


AgencyLookup = Callable[[str], Any]


def _no_agency(token: str) -> Any:
    return None


def fold(text: str) -> str:
    """Compatibility-folded, case-folded form for comparing keywords and IDs."""
    return unicodedata.normalize("NFKC", text).translate(_CONFUSABLES).translate(_DASHES).casefold()


def split_first(text: str) -> tuple[str, str]:
    """The first token (without trailing punctuation) and the rest of the message."""
    match = _FIRST_TOKEN.match(text)
    if not match:
        return "", ""
    token = match.group(1)
    return token.rstrip(_TRAILING_PUNCT) or token, match.group(2).strip()


def near(word: str, target: str) -> bool:
    """One typo away: a substitution, insertion, deletion or swap of neighbours."""
    if word == target or abs(len(word) - len(target)) > 1:
        return word == target
    if len(word) == len(target):
        diff = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and word[diff[0]] == target[diff[1]]
            and word[diff[1]] == target[diff[0]]
        )
    short, long_ = sorted((word, target), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _id_chunks(text: str) -> list[tuple[str, int]]:
    """Runs of letters and digits as (folded chunk, end offset in ``text``).

    Each character is folded on its own so offsets stay those of the original text
    (full-width and look-alike letters fold to one ASCII letter each).
    """
    chunks: list[tuple[str, int]] = []
    current = ""
    for index, char in enumerate(text):
        folded = fold(char)
        if folded.isascii() and folded.isalnum():
            current += folded
            continue
        if current:
            chunks.append((current, index))
            current = ""
    if current:
        chunks.append((current, len(text)))
    return chunks


def find_tracking_id(text: str, *, anchored: bool = False, max_words: int = 8) -> str | None:
    """The first tracking ID written in ``text`` (canonical form), or None.

    Readers split IDs in odd places ("ABC DE-FGH JK"), so up to five neighbouring chunks
    are tried joined; the check symbol rejects chance matches. ``anchored`` looks only at
    the start of the text.
    """
    found, _end = _id_at(_id_chunks(text)[:max_words], anchored=anchored)
    return found


def _id_at(chunks: list[tuple[str, int]], *, anchored: bool) -> tuple[str | None, int]:
    for start in range(1) if anchored else range(len(chunks)):
        for size in range(1, 6):
            candidate = "".join(chunk for chunk, _end in chunks[start : start + size])
            if len(candidate) > tracking.LENGTH or start + size > len(chunks):
                break
            found = tracking.normalize(candidate)
            if found:
                return found, chunks[start + size - 1][1]
    return None, 0


def split_tracking_id(text: str) -> tuple[str | None, str]:
    """``BALAS`` arguments: a tracking ID at the start (in up to five chunks) and the rest."""
    found, end = _id_at(_id_chunks(text)[:5], anchored=True)
    if found is None:
        return None, text.strip()
    return found, text[end:].lstrip(" -:#,.").strip()


def parse(raw: str, *, agency_lookup: AgencyLookup = _no_agency) -> Command:
    text = clean_text(raw)
    if not text:
        return Command(Kind.HELP, problem=Problem.EMPTY)
    token, rest = split_first(text)
    word = fold(token)
    if word in HELP_KEYWORDS and len(rest) < MIN_FREE_TEXT:
        return Command(Kind.HELP, problem=Problem.ASKED)
    if word in REPORT_KEYWORDS:
        return _report(rest, REPORT_KEYWORDS[word], agency_lookup)
    status = _status(word, rest, text)
    if status is not None:
        return status
    if word in REPLY_KEYWORDS:
        tracking_id, reply = split_tracking_id(rest)
        return Command(Kind.REPLY, text=reply, tracking_id=tracking_id, whole_text=rest)
    agency = _agency(token, agency_lookup)
    if agency is not None:
        return _report(rest, "complaint", agency_lookup, agency=agency)
    return _free_text(text)


def _status(word: str, rest: str, text: str) -> Command | None:
    if word == "cek" and fold(split_first(rest)[0]) == "status":
        rest = split_first(rest)[1]
    if word in STATUS_KEYWORDS:
        found = find_tracking_id(rest)
        if found:
            return Command(Kind.STATUS, tracking_id=found)
        # "Cek jalan rusak di desa kami ..." is a report that starts with a verb; only
        # something short enough to be a mistyped ID gets the "unknown ID" answer.
        if len(rest) <= 2 * tracking.LENGTH:
            return Command(Kind.STATUS, problem=Problem.BAD_ID)
    # A typo in the keyword counts only when a valid ID follows right away.
    if any(near(word, keyword) for keyword in ("status", "lacak")):
        found = find_tracking_id(rest, anchored=True)
        if found:
            return Command(Kind.STATUS, tracking_id=found)
    # A message that is nothing but a tracking ID asks for its status.
    if len(text) <= 16:
        found = find_tracking_id(text, anchored=True)
        if found:
            return Command(Kind.STATUS, tracking_id=found)
    return None


def _agency(token: str, lookup: AgencyLookup) -> Any:
    # Numbers alone are text ("32 rumah terendam"); codes like "32.73" still count.
    if not token or token.isdigit() or len(token) > 40:
        return None
    return lookup(token)


def _report(rest: str, report_type: str, lookup: AgencyLookup, *, agency: Any = None) -> Command:
    anonymous = confidential = False
    for _ in range(3):  # ANONIM, RAHASIA and an agency keyword, in any order
        token, after = split_first(rest)
        word = fold(token)
        if word in FLAG_ANONYMOUS:
            anonymous = True
        elif word in FLAG_CONFIDENTIAL:
            confidential = True
        elif agency is None and (found := _agency(token, lookup)) is not None:
            agency = found
        else:
            break
        rest = after
    if len(rest) < MIN_KEYWORD_TEXT:
        return Command(Kind.HELP, problem=Problem.EMPTY if not rest else Problem.TOO_SHORT)
    return Command(
        Kind.REPORT,
        text=rest,
        report_type=report_type,
        agency=agency,
        is_anonymous=anonymous,
        is_confidential=confidential,
    )


def _free_text(text: str) -> Command:
    words = {w for w in re.findall(r"\w+", fold(text)) if not w.isdigit()}
    if len(text) >= MIN_FREE_TEXT and len(words) >= MIN_FREE_WORDS:
        return Command(Kind.REPORT, text=text)
    return Command(Kind.HELP, problem=Problem.TOO_SHORT)
