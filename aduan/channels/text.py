"""Text clean-up shared by the inbound channels (SMS, chat, e-mail).

Messages from phones and mail clients arrive with stray control characters, zero-width
marks, odd spaces and broken UTF-16; these helpers make them safe to store (PostgreSQL
refuses NUL and lone surrogates) without changing what the person wrote.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width and direction marks that phones and chat apps insert invisibly.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f"), None)
_HSPACE = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def repair_surrogates(text: str) -> str:
    """Join UTF-16 surrogate halves into their character and replace lone ones.

    A gateway that decodes each part of a concatenated UCS-2 SMS separately can split an
    emoji in two (JSON ``"\\ud83d"`` + ``"\\ude00"``); joined again they are one
    character. A half that stays alone becomes U+FFFD so the text can be stored.
    """
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def clean_text(text: str) -> str:
    """Trimmed, NFC text with single spaces, at most one blank line in a row and no
    control characters. Emoji and non-Latin scripts are kept as written."""
    text = repair_surrogates(text)
    # GSM 03.38 puts "@" at code 0x00; many SMS gateways pass it on as NUL.
    text = text.replace("\x00", "@")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text.translate(_INVISIBLE))
    text = unicodedata.normalize("NFC", text)
    lines = [_HSPACE.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def one_line(text: str) -> str:
    return " ".join(text.split())


def shorten(text: str, limit: int, *, ellipsis: str = "…") -> str:
    """At most ``limit`` characters, cut at a word boundary when there is one."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    room = limit - len(ellipsis)
    cut = text[: room + 1]
    space = cut.rfind(" ")
    # Cut at the last space unless that would throw most of the text away.
    head = cut[:space] if space >= room // 2 else text[:room]
    return head.rstrip(" ,.;:-") + ellipsis


def title_from(text: str, limit: int = 60) -> str:
    """A report title: the first words of the message, cut at a word boundary."""
    return shorten(text, limit)


def truncate(text: str, limit: int, *, marker: str = " […]") -> str:
    """At most ``limit`` characters with line breaks kept, cut at whitespace."""
    if len(text) <= limit:
        return text
    room = limit - len(marker)
    cut = text[:room]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    head = cut[:space] if space >= room // 2 else cut
    return head.rstrip() + marker
