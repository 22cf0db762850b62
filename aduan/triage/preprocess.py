"""Normalising Indonesian complaint text before it is turned into n-gram features.

Complaints arrive by SMS, WhatsApp and hurried web forms: mixed case, chat
abbreviations ("yg", "gk", "tlg"), stretched letters ("rusakkk"), phone numbers,
tracking numbers and links. The normaliser maps those to one spelling so word n-grams
from different writers meet; the character n-grams (see :mod:`aduan.triage.classifier`)
then absorb the typos that are left.
"""

from __future__ import annotations

import re
import unicodedata

# Chat and SMS spellings common in Indonesian complaints -> standard word. Only forms that
# are unambiguous in a complaint are listed ("bu" stays: it is a form of address).
SLANG: dict[str, str] = {
    "gk": "tidak",
    "ga": "tidak",
    "gak": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "enggak": "tidak",
    "tdk": "tidak",
    "tak": "tidak",
    "kagak": "tidak",
    "blm": "belum",
    "blom": "belum",
    "sdh": "sudah",
    "udh": "sudah",
    "udah": "sudah",
    "dah": "sudah",
    "yg": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "krn": "karena",
    "karna": "karena",
    "tlg": "tolong",
    "tolongin": "tolong",
    "mhn": "mohon",
    "bgt": "banget",
    "bngt": "banget",
    "sy": "saya",
    "sya": "saya",
    "gw": "saya",
    "gue": "saya",
    "aku": "saya",
    "kmi": "kami",
    "kmrn": "kemarin",
    "skrg": "sekarang",
    "skrng": "sekarang",
    "sampe": "sampai",
    "smp": "sampai",
    "jln": "jalan",
    "jl": "jalan",
    "jl.": "jalan",
    "tp": "tapi",
    "tpi": "tapi",
    "utk": "untuk",
    "untk": "untuk",
    "org": "orang",
    "bkn": "bukan",
    "lg": "lagi",
    "lgi": "lagi",
    "jg": "juga",
    "aja": "saja",
    "aj": "saja",
    "hrs": "harus",
    "bs": "bisa",
    "bsa": "bisa",
    "dr": "dari",
    "dri": "dari",
    "pd": "pada",
    "sm": "sama",
    "kalo": "kalau",
    "klo": "kalau",
    "klu": "kalau",
    "gimana": "bagaimana",
    "gmn": "bagaimana",
    "knp": "kenapa",
    "rmh": "rumah",
    "rs": "rumah sakit",
    "puskes": "puskesmas",
    "sklh": "sekolah",
    "kel": "kelurahan",
    "kec": "kecamatan",
    "kab": "kabupaten",
    "pemkot": "pemerintah kota",
    "pemkab": "pemerintah kabupaten",
    "ktp": "ktp",
    "e-ktp": "ktp",
    "ektp": "ktp",
    "kk": "kartu keluarga",
    "pju": "lampu jalan",
    "bpjs": "bpjs",
    "jkn": "bpjs",
    "kis": "bpjs",
    "pdam": "pdam",
    "perumda": "pdam",
    "tks": "terima kasih",
    "makasih": "terima kasih",
    "trims": "terima kasih",
    "thx": "terima kasih",
    "pls": "tolong",
    "please": "tolong",
    "plis": "tolong",
    "min": "admin",
    "mimin": "admin",
}

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|id|go\.id|co\.id|net|org)\S*")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_PHONE = re.compile(r"(?:\+?62|0)8\d{7,12}\b")
_MONEY = re.compile(r"\brp\.?\s?\d[\d.,]*(?:\s?(?:rb|ribu|jt|juta))?\b")
_NUMBER = re.compile(r"\d+")
_STRETCH = re.compile(r"([a-z])\1{2,}")
_REDUP = re.compile(r"\b([a-z]{2,})2\b")  # "jalan2" -> "jalan jalan" (reduplication)
_TOKEN = re.compile(r"[a-z]+|<[a-z]+>")


def normalise(text: str) -> str:
    """Lower-case, map links/numbers/phones to placeholders, expand chat spellings."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _URL.sub(" <url> ", _EMAIL.sub(" <email> ", text))
    text = _PHONE.sub(" <telepon> ", text)
    text = _MONEY.sub(" <uang> ", text)
    text = _REDUP.sub(r"\1 \1", text)
    text = _NUMBER.sub(" <angka> ", text)
    text = _STRETCH.sub(r"\1\1", text)
    words = []
    for token in _TOKEN.findall(text):
        words.append(SLANG.get(token, token))
    return " ".join(words)
