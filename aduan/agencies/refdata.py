"""The catalogue of national agencies loaded by ``aduan loadrefdata``.

Data, not code: one tuple per agency, ``(code, abbreviation, name, kind, parent_code,
region_code)``. Codes follow one rule across the system:

* regional governments use their Kemendagri region code (``32.73``), generated from the
  region table by the loader, not listed here;
* national bodies use their official abbreviation in capitals (``KEMENKES``, ``POLRI``);
* work units use ``<parent code>.<ABBR>`` (``KEMENKES.DITJEN-KESLAN``, ``32.73.DINKES``).

``region_code`` is set only for units that serve one region (a PLN distribution unit);
other units inherit their parent's region and time zone.

Names follow the cabinet structure in force since October 2024 (Perpres 139/2024 and
the ministries' organisation regulations); a deployment edits its own rows in the
admin when the structure changes again.
"""

from __future__ import annotations

from typing import NamedTuple

DESK = "desk"
OMBUDSMAN = "ombudsman"
MINISTRY = "ministry"
INSTITUTION = "institution"
BUMN = "bumn"
UNIT = "unit"

# The national desk and the Ombudsman: the two agencies the lifecycle looks up by kind.
DESK_CODE = "LAPOR"
OMBUDSMAN_CODE = "ORI"


class CatalogueEntry(NamedTuple):
    code: str
    abbreviation: str
    name: str
    kind: str
    parent_code: str | None = None
    region_code: str | None = None


_E = CatalogueEntry

# The desk is operated by KemenPAN-RB (Deputi Bidang Pelayanan Publik) but stays a
# top-level agency: reports are never dispatched to it, and KemenPAN-RB's own staff
# must not inherit the desk's view of every report through the agency tree.
NATIONAL_AGENCIES: list[CatalogueEntry] = [
    _E(DESK_CODE, "SP4N-LAPOR!", "Admin Nasional SP4N-LAPOR!", DESK),
    _E(OMBUDSMAN_CODE, "ORI", "Ombudsman Republik Indonesia", OMBUDSMAN),
    # --- Kementerian (Kabinet Merah Putih) ---
    _E("KEMENSETNEG", "Kemensetneg", "Kementerian Sekretariat Negara", MINISTRY),
    _E("KEMENDAGRI", "Kemendagri", "Kementerian Dalam Negeri", MINISTRY),
    _E("KEMENLU", "Kemenlu", "Kementerian Luar Negeri", MINISTRY),
    _E("KEMHAN", "Kemhan", "Kementerian Pertahanan", MINISTRY),
    _E("KEMENAG", "Kemenag", "Kementerian Agama", MINISTRY),
    _E("KEMENKUM", "Kemenkum", "Kementerian Hukum", MINISTRY),
    _E("KEMENHAM", "KemenHAM", "Kementerian Hak Asasi Manusia", MINISTRY),
    _E("KEMENIMIPAS", "Kemenimipas", "Kementerian Imigrasi dan Pemasyarakatan", MINISTRY),
    _E("KEMENKEU", "Kemenkeu", "Kementerian Keuangan", MINISTRY),
    _E(
        "KEMENDIKDASMEN",
        "Kemendikdasmen",
        "Kementerian Pendidikan Dasar dan Menengah",
        MINISTRY,
    ),
    _E(
        "KEMDIKTISAINTEK",
        "Kemdiktisaintek",
        "Kementerian Pendidikan Tinggi, Sains, dan Teknologi",
        MINISTRY,
    ),
    _E("KEMENBUD", "Kemenbud", "Kementerian Kebudayaan", MINISTRY),
    _E("KEMENKES", "Kemenkes", "Kementerian Kesehatan", MINISTRY),
    _E("KEMENSOS", "Kemensos", "Kementerian Sosial", MINISTRY),
    _E("KEMNAKER", "Kemnaker", "Kementerian Ketenagakerjaan", MINISTRY),
    _E("KP2MI", "KP2MI", "Kementerian Pelindungan Pekerja Migran Indonesia", MINISTRY),
    _E("KEMENPERIN", "Kemenperin", "Kementerian Perindustrian", MINISTRY),
    _E("KEMENDAG", "Kemendag", "Kementerian Perdagangan", MINISTRY),
    _E("KESDM", "KESDM", "Kementerian Energi dan Sumber Daya Mineral", MINISTRY),
    _E("KEMENPU", "Kementerian PU", "Kementerian Pekerjaan Umum", MINISTRY),
    _E("KEMENPKP", "Kementerian PKP", "Kementerian Perumahan dan Kawasan Permukiman", MINISTRY),
    _E(
        "KEMENDESA",
        "Kemendesa PDT",
        "Kementerian Desa dan Pembangunan Daerah Tertinggal",
        MINISTRY,
    ),
    _E("KEMENTRANS", "Kementrans", "Kementerian Transmigrasi", MINISTRY),
    _E("KEMENHUB", "Kemenhub", "Kementerian Perhubungan", MINISTRY),
    _E("KOMDIGI", "Komdigi", "Kementerian Komunikasi dan Digital", MINISTRY),
    _E("KEMENTAN", "Kementan", "Kementerian Pertanian", MINISTRY),
    _E("KEMENHUT", "Kemenhut", "Kementerian Kehutanan", MINISTRY),
    _E("KKP", "KKP", "Kementerian Kelautan dan Perikanan", MINISTRY),
    _E(
        "ATR-BPN",
        "ATR/BPN",
        "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional",
        MINISTRY,
    ),
    _E(
        "BAPPENAS",
        "Bappenas",
        "Kementerian Perencanaan Pembangunan Nasional/Bappenas",
        MINISTRY,
    ),
    _E(
        "KEMENPANRB",
        "KemenPAN-RB",
        "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
        MINISTRY,
    ),
    _E("KEMENKOP", "Kemenkop", "Kementerian Koperasi", MINISTRY),
    _E("KEMENUMKM", "KemenUMKM", "Kementerian Usaha Mikro, Kecil, dan Menengah", MINISTRY),
    _E("KEMENPAR", "Kemenpar", "Kementerian Pariwisata", MINISTRY),
    _E("KEMENEKRAF", "Kemenekraf", "Kementerian Ekonomi Kreatif", MINISTRY),
    _E(
        "KEMENPPPA",
        "KemenPPPA",
        "Kementerian Pemberdayaan Perempuan dan Perlindungan Anak",
        MINISTRY,
    ),
    _E("KEMENPORA", "Kemenpora", "Kementerian Pemuda dan Olahraga", MINISTRY),
    _E(
        "KLH",
        "KLH/BPLH",
        "Kementerian Lingkungan Hidup/Badan Pengendalian Lingkungan Hidup",
        MINISTRY,
    ),
    _E(
        "KEMENDUKBANGGA",
        "Kemendukbangga/BKKBN",
        "Kementerian Kependudukan dan Pembangunan Keluarga/BKKBN",
        MINISTRY,
    ),
    # --- Lembaga ---
    _E("POLRI", "Polri", "Kepolisian Negara Republik Indonesia", INSTITUTION),
    _E("KEJAGUNG", "Kejaksaan RI", "Kejaksaan Republik Indonesia", INSTITUTION),
    _E("BKN", "BKN", "Badan Kepegawaian Negara", INSTITUTION),
    _E("BPOM", "BPOM", "Badan Pengawas Obat dan Makanan", INSTITUTION),
    _E("BNN", "BNN", "Badan Narkotika Nasional", INSTITUTION),
    _E("BGN", "BGN", "Badan Gizi Nasional", INSTITUTION),
    _E("BNPB", "BNPB", "Badan Nasional Penanggulangan Bencana", INSTITUTION),
    _E("BMKG", "BMKG", "Badan Meteorologi, Klimatologi, dan Geofisika", INSTITUTION),
    _E("BPS", "BPS", "Badan Pusat Statistik", INSTITUTION),
    _E("BASARNAS", "Basarnas", "Badan Nasional Pencarian dan Pertolongan", INSTITUTION),
    _E("BRIN", "BRIN", "Badan Riset dan Inovasi Nasional", INSTITUTION),
    _E("BPKP", "BPKP", "Badan Pengawasan Keuangan dan Pembangunan", INSTITUTION),
    _E("BSSN", "BSSN", "Badan Siber dan Sandi Negara", INSTITUTION),
    _E("LKPP", "LKPP", "Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah", INSTITUTION),
    _E(
        "BPJS-KESEHATAN",
        "BPJS Kesehatan",
        "Badan Penyelenggara Jaminan Sosial Kesehatan",
        INSTITUTION,
    ),
    _E(
        "BPJS-TK",
        "BPJS Ketenagakerjaan",
        "Badan Penyelenggara Jaminan Sosial Ketenagakerjaan",
        INSTITUTION,
    ),
    _E("OJK", "OJK", "Otoritas Jasa Keuangan", INSTITUTION),
    _E("KPK", "KPK", "Komisi Pemberantasan Korupsi", INSTITUTION),
    _E("KOMNAS-HAM", "Komnas HAM", "Komisi Nasional Hak Asasi Manusia", INSTITUTION),
    # --- BUMN ---
    _E("PLN", "PLN", "PT PLN (Persero)", BUMN),
    _E("PERTAMINA", "Pertamina", "PT Pertamina (Persero)", BUMN),
    _E("KAI", "KAI", "PT Kereta Api Indonesia (Persero)", BUMN),
    _E("POS-IND", "Pos Indonesia", "PT Pos Indonesia (Persero)", BUMN),
    _E("TELKOM", "Telkom", "PT Telkom Indonesia (Persero) Tbk", BUMN),
    _E("BRI", "BRI", "PT Bank Rakyat Indonesia (Persero) Tbk", BUMN),
    _E("PELNI", "Pelni", "PT Pelayaran Nasional Indonesia (Persero)", BUMN),
    _E("ASDP", "ASDP", "PT ASDP Indonesia Ferry (Persero)", BUMN),
    _E("JASA-MARGA", "Jasa Marga", "PT Jasa Marga (Persero) Tbk", BUMN),
    _E("BULOG", "Bulog", "Perum Bulog", BUMN),
    _E("DAMRI", "DAMRI", "Perum DAMRI", BUMN),
    # --- Unit kerja of national bodies ---
    _E(
        "KEMENKES.DITJEN-KESPRIMKOM",
        "Ditjen Kesprimkom",
        "Direktorat Jenderal Kesehatan Primer dan Komunitas",
        UNIT,
        "KEMENKES",
    ),
    _E(
        "KEMENKES.DITJEN-KESLAN",
        "Ditjen Keslan",
        "Direktorat Jenderal Kesehatan Lanjutan",
        UNIT,
        "KEMENKES",
    ),
    _E(
        "KEMENKES.DITJEN-FARMALKES",
        "Ditjen Farmalkes",
        "Direktorat Jenderal Farmasi dan Alat Kesehatan",
        UNIT,
        "KEMENKES",
    ),
    _E(
        "KEMENDAGRI.DUKCAPIL",
        "Ditjen Dukcapil",
        "Direktorat Jenderal Kependudukan dan Pencatatan Sipil",
        UNIT,
        "KEMENDAGRI",
    ),
    _E(
        "KEMENKEU.DJP",
        "DJP",
        "Direktorat Jenderal Pajak",
        UNIT,
        "KEMENKEU",
    ),
    _E(
        "KEMENKEU.DJBC",
        "DJBC",
        "Direktorat Jenderal Bea dan Cukai",
        UNIT,
        "KEMENKEU",
    ),
    _E(
        "KEMENSOS.DITJEN-LINJAMSOS",
        "Ditjen Linjamsos",
        "Direktorat Jenderal Perlindungan dan Jaminan Sosial",
        UNIT,
        "KEMENSOS",
    ),
    _E(
        "KEMENDIKDASMEN.DITJEN-PAUDDASMEN",
        "Ditjen PAUD Dikdasmen",
        "Direktorat Jenderal Pendidikan Anak Usia Dini, Pendidikan Dasar, dan Pendidikan Menengah",
        UNIT,
        "KEMENDIKDASMEN",
    ),
    _E(
        "KEMENDIKDASMEN.DITJEN-GTKPG",
        "Ditjen GTKPG",
        "Direktorat Jenderal Guru, Tenaga Kependidikan, dan Pendidikan Guru",
        UNIT,
        "KEMENDIKDASMEN",
    ),
    _E(
        "KEMENAG.DITJEN-PENDIS",
        "Ditjen Pendis",
        "Direktorat Jenderal Pendidikan Islam",
        UNIT,
        "KEMENAG",
    ),
    _E(
        "KEMENHUB.DITJEN-HUBDAT",
        "Ditjen Hubdat",
        "Direktorat Jenderal Perhubungan Darat",
        UNIT,
        "KEMENHUB",
    ),
    _E(
        "KEMENHUB.DITJEN-HUBUD",
        "Ditjen Hubud",
        "Direktorat Jenderal Perhubungan Udara",
        UNIT,
        "KEMENHUB",
    ),
    _E(
        "KEMENPU.DITJEN-BM",
        "Ditjen Bina Marga",
        "Direktorat Jenderal Bina Marga",
        UNIT,
        "KEMENPU",
    ),
    _E(
        "KEMENPU.DITJEN-SDA",
        "Ditjen SDA",
        "Direktorat Jenderal Sumber Daya Air",
        UNIT,
        "KEMENPU",
    ),
    _E(
        "KEMNAKER.DITJEN-BINWASNAKER",
        "Ditjen Binwasnaker dan K3",
        "Direktorat Jenderal Pembinaan Pengawasan Ketenagakerjaan dan Keselamatan dan "
        "Kesehatan Kerja",
        UNIT,
        "KEMNAKER",
    ),
    _E("POLRI.KORLANTAS", "Korlantas", "Korps Lalu Lintas Polri", UNIT, "POLRI"),
    _E("POLRI.DIVPROPAM", "Divpropam", "Divisi Profesi dan Pengamanan Polri", UNIT, "POLRI"),
    _E(
        "PLN.UID-JAYA",
        "PLN UID Jakarta Raya",
        "PT PLN (Persero) Unit Induk Distribusi Jakarta Raya",
        UNIT,
        "PLN",
        "31",
    ),
    _E(
        "PLN.UID-JABAR",
        "PLN UID Jawa Barat",
        "PT PLN (Persero) Unit Induk Distribusi Jawa Barat",
        UNIT,
        "PLN",
        "32",
    ),
    _E(
        "PLN.UID-JATIM",
        "PLN UID Jawa Timur",
        "PT PLN (Persero) Unit Induk Distribusi Jawa Timur",
        UNIT,
        "PLN",
        "35",
    ),
    _E(
        "PLN.UID-BALI",
        "PLN UID Bali",
        "PT PLN (Persero) Unit Induk Distribusi Bali",
        UNIT,
        "PLN",
        "51",
    ),
    _E(
        "KAI.DAOP2",
        "Daop 2 Bandung",
        "PT Kereta Api Indonesia (Persero) Daerah Operasi 2 Bandung",
        UNIT,
        "KAI",
        "32",
    ),
]


class RegionalUnit(NamedTuple):
    abbr: str  # the code suffix: 32.73.DINKES
    abbreviation: str
    name: str  # followed by the government's area: "Dinas Kesehatan Kota Bandung"


# Typical work units (OPD) of every provincial and regency/city government.
REGIONAL_UNITS: list[RegionalUnit] = [
    RegionalUnit("DINKES", "Dinkes", "Dinas Kesehatan"),
    RegionalUnit("DISDUKCAPIL", "Disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil"),
    RegionalUnit("PUPR", "Dinas PUPR", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    RegionalUnit("DISDIK", "Disdik", "Dinas Pendidikan"),
    RegionalUnit("DISHUB", "Dishub", "Dinas Perhubungan"),
]

# The administrative cities and regency of Jakarta are not autonomous (UU 2/2024 on
# DKJ, formerly UU 29/2007): they are parts of the provincial government, and their
# offices are "suku dinas" of the provincial departments.
NON_AUTONOMOUS_PROVINCES = frozenset({"31"})
