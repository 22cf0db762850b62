"""The Open311 service catalogue: report categories as services, grouped, and the optional
attributes every service accepts.

Categories are data (``loadrefdata``), groups are presentation: a small fixed mapping of
the 38 LAPOR! category codes (2025) to eight groups so that Open311 clients can show a
short first menu. A category whose code is not listed here falls into "Lainnya".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from aduan.reports.models import Category, ReportType

# Services are answered as soon as they are filed (the tracking ID comes back at once),
# so every service is "realtime" in the spec's sense.
SERVICE_TYPE = "realtime"

BASIC = _("Layanan dasar")
INFRASTRUCTURE = _("Infrastruktur")
GOVERNMENT = _("Pemerintahan dan hukum")
ECONOMY = _("Ekonomi")
SOCIAL = _("Sosial")
ENVIRONMENT = _("Lingkungan")
FOREIGN = _("Hubungan luar negeri")
OTHER = _("Lainnya")

GROUPS: dict[str, Any] = {
    "kesehatan": BASIC,
    "corona-virus": BASIC,
    "pendidikan-kebudayaan": BASIC,
    "kekerasan-satuan-pendidikan": BASIC,
    "kependudukan": BASIC,
    "makan-bergizi-gratis": BASIC,
    "pekerjaan-umum-penataan-ruang": INFRASTRUCTURE,
    "perhubungan": INFRASTRUCTURE,
    "energi-sumber-daya-alam": INFRASTRUCTURE,
    "teknologi-informasi-komunikasi": INFRASTRUCTURE,
    "pembangunan-desa": INFRASTRUCTURE,
    "srgi": INFRASTRUCTURE,
    "politik-hukum": GOVERNMENT,
    "politisasi-asn": GOVERNMENT,
    "netralitas-asn": GOVERNMENT,
    "ketenteraman-ketertiban": GOVERNMENT,
    "p4gn": GOVERNMENT,
    "seleksi-calon-hakim-agung": GOVERNMENT,
    "peniadaan-mudik": GOVERNMENT,
    "ekonomi-keuangan": ECONOMY,
    "ketenagakerjaan": ECONOMY,
    "pemulihan-ekonomi-nasional": ECONOMY,
    "perlindungan-konsumen": ECONOMY,
    "pertanian-peternakan": ECONOMY,
    "sosial-kesejahteraan": SOCIAL,
    "agama": SOCIAL,
    "kesetaraan-gender-sosial-inklusif": SOCIAL,
    "lingkungan-hidup-kehutanan": ENVIRONMENT,
    "evakuasi-hewan-liar": ENVIRONMENT,
    "perairan": ENVIRONMENT,
    "fasilitas-diplomatik": FOREIGN,
    "kerjasama-bilateral": FOREIGN,
    "kerjasama-multilateral": FOREIGN,
    "legalisasi-konsuler": FOREIGN,
    "pelindungan-wni": FOREIGN,
    "sp4n-lapor": OTHER,
    "topik-khusus": OTHER,
    "topik-lainnya": OTHER,
}


def group_of(code: str) -> str:
    return str(GROUPS.get(code, OTHER))


def keywords_of(name: str) -> str:
    """Comma-separated keywords from a category name: "PEKERJAAN UMUM DAN PENATAAN
    RUANG" → "pekerjaan umum, penataan ruang"."""
    parts: list[str] = []
    for chunk in name.lower().replace(" dan ", ",").split(","):
        word = " ".join(chunk.split())
        if word and word not in parts:
            parts.append(word)
    return ", ".join(parts)


def service_item(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": str(
            _("Pengaduan, aspirasi, atau permintaan informasi tentang %(name)s.")
            % {"name": category.name}
        ),
        # Every service accepts the optional attributes below.
        "metadata": True,
        "type": SERVICE_TYPE,
        "keywords": keywords_of(category.name),
        "group": group_of(category.code),
    }


# ---- attributes (service definitions) -----------------------------------------------------


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str  # string, number, datetime, text, singlevaluelist, multivaluelist
    description: Any
    values: tuple[tuple[str, Any], ...] = ()
    datatype_description: Any = None


YES_NO = (("true", _("Ya")), ("false", _("Tidak")))

ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(
        "report_type",
        "singlevaluelist",
        _("Jenis laporan (bawaan: pengaduan)."),
        values=tuple((str(value), label) for value, label in ReportType.choices),
    ),
    Attribute(
        "is_anonymous",
        "singlevaluelist",
        _(
            "Anonim: identitas pelapor disembunyikan dari publik dan dari instansi; "
            "hanya admin nasional yang dapat melihatnya."
        ),
        values=YES_NO,
    ),
    Attribute(
        "is_confidential",
        "singlevaluelist",
        _("Rahasia: laporan tidak pernah ditampilkan kepada publik."),
        values=YES_NO,
    ),
    Attribute(
        "region",
        "string",
        _("Kode wilayah Kemendagri lokasi kejadian (bila tidak dikirim sebagai address_id)."),
        datatype_description=_(
            "Kode provinsi, kabupaten/kota, atau kecamatan, mis. 32, 32.73, atau 32.73.01."
        ),
    ),
    Attribute(
        "external_id",
        "string",
        _(
            "Nomor laporan di aplikasi instansi Anda. Laporan dengan nomor yang sama "
            "tidak pernah dibuat dua kali: pengiriman ulang mendapat nomor yang sama."
        ),
        datatype_description=_("Paling panjang 100 karakter."),
    ),
)
ATTRIBUTE_CODES = frozenset(a.code for a in ATTRIBUTES)


def attribute_item(attribute: Attribute, order: int) -> dict[str, Any]:
    return {
        "variable": True,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": False,
        "datatype_description": (
            str(attribute.datatype_description) if attribute.datatype_description else None
        ),
        "order": order,
        "description": str(attribute.description),
        "values": [{"key": key, "name": str(name)} for key, name in attribute.values],
    }


def service_definition(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "attributes": [attribute_item(a, order) for order, a in enumerate(ATTRIBUTES, start=1)],
    }
