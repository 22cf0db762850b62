"""Taking the quoted message out of a reply, so only what the reporter wrote is kept.

Cut at the first separator that mail clients put above a quote: "On … wrote:" (Gmail,
Apple Mail; often wrapped over two lines), "Pada … menulis:" (Indonesian Gmail),
"-----Original Message-----" / "-----Pesan Asli-----", Outlook's "From: … Sent: …"
header block (and its "Dari: … Dikirim: …" Indonesian form), a line of underscores, or
the signature delimiter "-- ". Lines starting with ">" are dropped wherever they are.
"""

from __future__ import annotations

import re

_WROTE = re.compile(
    r"^(on|pada|am|le|el)\b.{4,300}\b(wrote|menulis|schrieb|a écrit|escribió)\s*:\s*$",
    re.IGNORECASE | re.DOTALL,
)
_BANNER = re.compile(
    r"^-{2,}\s*(original message|pesan asli|forwarded message|pesan yang diteruskan|"
    r"pesan terusan|pesan asli yang diteruskan)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\*?(from|dari)\s*:\*?\s", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\*?(sent|date|to|subject|dikirim|tanggal|kepada|subjek|perihal)\s*:", re.IGNORECASE
)
_UNDERSCORES = re.compile(r"^_{10,}\s*$")
SIGNATURE = "-- "


def _is_separator(lines: list[str], index: int) -> bool:
    line = lines[index].strip()
    if not line:
        return False
    if _BANNER.match(line) or _UNDERSCORES.match(line) or lines[index] == SIGNATURE:
        return True
    if _HEADER_FROM.match(line):
        following = [s.strip() for s in lines[index + 1 : index + 4]]
        return any(_HEADER_NEXT.match(s) for s in following)
    # "On Mon, 2 Nov 2026 at 10:00, Dinas <x@y>" + "wrote:" on the next line.
    for span in (1, 2, 3):
        joined = " ".join(s.strip() for s in lines[index : index + span])
        if _WROTE.match(joined):
            return True
    return False


def strip_quoted(text: str) -> str:
    lines = text.split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _is_separator(lines, index):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip()
