"""Turning report text into comparable fingerprints.

Citizens write the same problem very differently on the web form, in an SMS and in an
e-mail ("jln rsk dpn SDN 3" / "Jalan rusak berlubang di depan SD Negeri 3"), so the
fingerprint is a set of *shingles* robust to that: normalised words (common SMS
abbreviations expanded, stop words dropped) plus the character 4-grams inside each word
(catching "berlubang"/"lubang", typos and run-together words). Two texts are compared by
the Jaccard similarity of these sets; MinHash estimates it from a short signature, and
locality-sensitive hashing (bands of the signature) finds likely pairs with an indexed
lookup instead of a scan over all reports.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
from datasketch import MinHash

from aduan.reports import tracking

NUM_PERM = 64
BANDS = 32
ROWS = NUM_PERM // BANDS  # 2 rows a band: pairs with Jaccard ≈ 0.2 and up collide
SEED = 20240901  # fixed: stored signatures must stay comparable across processes

_WORD = re.compile(r"[a-z0-9]+")
_TRACKING = re.compile(r"(?<![0-9A-Za-z])([0-9A-Za-z]{5})[\s-]?([0-9A-Za-z]{5})(?![0-9A-Za-z])")

# SMS and chat shorthand, expanded so both spellings shingle alike.
ABBREVIATIONS = {
    "jln": "jalan",
    "jl": "jalan",
    "jalanan": "jalan",
    "rsk": "rusak",
    "dpn": "depan",
    "blkg": "belakang",
    "sdh": "sudah",
    "sdah": "sudah",
    "udh": "sudah",
    "udah": "sudah",
    "blm": "belum",
    "blum": "belum",
    "tdk": "tidak",
    "gak": "tidak",
    "ga": "tidak",
    "nggak": "tidak",
    "engga": "tidak",
    "gk": "tidak",
    "yg": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "utk": "untuk",
    "krn": "karena",
    "kel": "kelurahan",
    "kec": "kecamatan",
    "kab": "kabupaten",
    "sklh": "sekolah",
    "skolah": "sekolah",
    "rs": "rumah sakit",
    "rsud": "rumah sakit",
    "puskes": "puskesmas",
    "lmp": "lampu",
    "mati2": "mati",
    "bgt": "banget",
    "bnyk": "banyak",
    "byk": "banyak",
    "org": "orang",
    "pdhl": "padahal",
    "hr": "hari",
    "bln": "bulan",
    "mgg": "minggu",
    "smp": "sampai",
    "sampe": "sampai",
    "sdn": "sd negeri",
    "smpn": "smp negeri",
    "pju": "lampu jalan",
    "tpa": "sampah",
    "tps": "sampah",
    "pdam": "air",
}

_STOPWORD_TEXT = """
    yang dan di ke dari ini itu ada untuk dengan pada dalam tidak sudah belum akan juga
    saya kami kita kami mohon tolong agar bisa sangat sekali lagi atau karena sejak oleh
    para pak bu bapak ibu terima kasih selamat pagi siang sore malam min admin lapor
    laporan melaporkan mau ingin hal tersebut sampai masih banget dong nya pun lah kah
    sebagai bahwa jadi kalau kapan apa mengapa kenapa bagaimana hari bulan minggu tahun
    tanggal sekitar dekat depan belakang samping kami segera mohon ditindaklanjuti
    """
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def cited_tracking_ids(text: str) -> list[str]:
    """Valid tracking IDs written in the text ("lanjutan laporan ABCDE-FGHJK"): a
    re-filing that cites an earlier report is a candidate however it is worded. The
    check symbol keeps ordinary ten-letter words out."""
    found: list[str] = []
    for m in _TRACKING.finditer(text):
        raw = m.group(1) + m.group(2)
        hyphenated = "-" in m.group(0)
        if not hyphenated and not any(c.isdigit() for c in raw):
            continue  # "rusak parah", "laporkanlah": words, not IDs (unless written ABCDE-FGHJK)
        tid = tracking.normalize(raw)
        if tid is not None and tid not in found:
            found.append(tid)
    return found


def words(text: str) -> list[str]:
    out: list[str] = []
    for token in _WORD.findall(text.lower()):
        expanded = ABBREVIATIONS.get(token, token)
        for word in expanded.split():
            if word not in STOPWORDS and (len(word) > 1 or word.isdigit()):
                out.append(word)
    return out


def shingles(text: str) -> set[str]:
    result: set[str] = set()
    for word in words(text):
        result.add(word)
        if len(word) > 4 and not word.isdigit():
            padded = f"_{word}_"
            result.update(padded[i : i + 4] for i in range(len(padded) - 3))
    return result


def report_text(title: str, body: str) -> str:
    # The title is a summary of the body: counting it twice would add little.
    return f"{title}\n{body}"


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def signature(items: set[str]) -> np.ndarray:
    m = MinHash(num_perm=NUM_PERM, seed=SEED)
    if items:
        m.update_batch([s.encode() for s in sorted(items)])
    return np.asarray(m.hashvalues, dtype=np.uint64)


def signature_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()  # MinHash values are 32-bit


def signature_from_bytes(raw: bytes) -> np.ndarray:
    return np.frombuffer(bytes(raw), dtype="<u4").astype(np.uint64)


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / len(a)


def band_keys(sig: np.ndarray) -> list[int]:
    """One 63-bit key per band: equal keys mean equal rows in that band. The band index
    is hashed in, so one indexed column serves all bands."""
    values = sig.astype("<u4")
    keys = []
    for band in range(BANDS):
        chunk = values[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big") >> 1)  # fits a signed BIGINT
    return keys


# ---- place anchors -------------------------------------------------------------------
# Two complaints about potholes in the same kecamatan are different problems when they
# name different streets or different RT/RW: the same template words, another place.

_RT_RW = re.compile(r"\bRT\.?\s*0*(\d{1,3})\s*(?:/|,|\s)\s*RW\.?\s*0*(\d{1,3})", re.IGNORECASE)
_STREET_ABBR = re.compile(r"\bJln?\.?\s+((?:[A-Za-z][\w'-]*\.?\s*){1,3})", re.IGNORECASE)
_STREET_WORD = re.compile(r"\bJalan\s+((?:[A-Z][\w'-]*\.?\s*){1,3})")
_STREET_NOISE = frozenset({"raya", "jend", "jenderal", "ir", "dr", "h", "kh", "prof", "dekat"})


def place_anchors(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(RT/RW pairs, street-name words) written in the text."""
    rt_rw = frozenset(f"{int(a)}/{int(b)}" for a, b in _RT_RW.findall(text))
    streets: set[str] = set()
    for pattern in (_STREET_ABBR, _STREET_WORD):
        for m in pattern.finditer(text):
            for word in _WORD.findall(m.group(1).lower()):
                if len(word) > 2 and word not in _STREET_NOISE and word not in STOPWORDS:
                    streets.add(word)
    return rt_rw, frozenset(streets)


def places_conflict(a: str, b: str) -> bool:
    """Both texts name a street (or an RT/RW) and they share none."""
    rt_a, street_a = place_anchors(a)
    rt_b, street_b = place_anchors(b)
    if rt_a and rt_b and not rt_a & rt_b:
        return True
    return bool(street_a and street_b and not street_a & street_b)
