"""Writes the text of demo reports and of the messages exchanged about them.

Everything is drawn from a caller-supplied ``random.Random`` so the same seed always
writes the same words.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from aduan.demo.topics import Issue
from aduan.regions.models import District, Region

MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember",
)  # fmt: skip
STREETS = (
    "Jl. Merdeka", "Jl. Jenderal Sudirman", "Jl. Ahmad Yani", "Jl. Diponegoro",
    "Jl. Pahlawan", "Jl. Gatot Subroto", "Jl. Melati", "Jl. Kenanga", "Jl. Cempaka",
    "Jl. Hasanuddin", "Jl. Imam Bonjol", "Jl. Veteran", "Jl. Pemuda", "Jl. Kartini",
)  # fmt: skip
BANDUNG_STREETS = (
    "Jl. Soekarno-Hatta", "Jl. Ir. H. Juanda", "Jl. Cihampelas", "Jl. Buah Batu",
    "Jl. Kiaracondong", "Jl. Dr. Djunjunan", "Jl. Setiabudi", "Jl. Terusan Jakarta",
    "Jl. Cicaheum", "Jl. Caringin", "Jl. Riau", "Jl. Gegerkalong Hilir",
)  # fmt: skip
DURATIONS = (
    "dua minggu", "hampir sebulan", "tiga bulan", "lebih dari enam bulan",
    "seminggu", "lima bulan",
)  # fmt: skip
LARGE_AMOUNTS = ("Rp12.500.000", "Rp27.300.000", "Rp48.000.000", "Rp85.750.000")
AMOUNTS = ("Rp50.000", "Rp150.000", "Rp350.000", "Rp750.000", "Rp1.200.000", "Rp2.500.000")
RSUP = {
    "32": "RSUP Dr. Hasan Sadikin Bandung",
    "34": "RSUP Dr. Sardjito",
    "33": "RSUP Dr. Kariadi",
    "31": "RSUP Persahabatan",
    "73": "RSUP Dr. Wahidin Sudirohusodo",
    "51": "RSUP Prof. dr. I.G.N.G. Ngoerah",
    "12": "RSUP H. Adam Malik",
}
STATIONS = {
    "32": ("Stasiun Bandung", "Stasiun Kiaracondong", "Stasiun Cimahi"),
    "31": ("Stasiun Gambir", "Stasiun Pasar Senen", "Stasiun Jatinegara"),
    "33": ("Stasiun Semarang Tawang", "Stasiun Semarang Poncol"),
    "34": ("Stasiun Yogyakarta", "Stasiun Lempuyangan"),
    "35": ("Stasiun Surabaya Gubeng", "Stasiun Surabaya Pasarturi"),
}
OPENINGS = (
    "",
    "Yth. Bapak/Ibu petugas,",
    "Selamat pagi.",
    "Assalamualaikum, saya warga Kecamatan {kec}.",
    "Mohon izin melapor.",
    "Saya ingin menyampaikan keluhan.",
)
CLOSINGS = (
    "",
    "Terima kasih.",
    "Atas perhatiannya saya ucapkan terima kasih.",
    "Mohon segera ditindaklanjuti.",
    "Semoga cepat ditangani.",
)
FIRST_NAMES = (
    "Andi", "Budi", "Citra", "Dedi", "Eka", "Fajar", "Gita", "Hadi", "Intan", "Joko",
    "Kurnia", "Lestari", "Mira", "Nanda", "Oki", "Putri", "Rahmat", "Sri", "Taufik",
    "Umi", "Wahyu", "Yanti", "Zainal", "Ayu", "Bayu", "Dian", "Endang", "Ujang", "Neng",
    "Ketut", "Wayan", "Nyoman", "Yosef", "Maria", "Ahmad", "Nur",
)  # fmt: skip
LAST_NAMES = (
    "Saputra", "Wijaya", "Kusuma", "Hidayat", "Siregar", "Nasution", "Lubis", "Pratama",
    "Permana", "Rahayu", "Suryani", "Setiawan", "Gunawan", "Sihombing", "Tanjung",
    "Mahendra", "Rumbewas", "Lumban Gaol", "Daeng", "Manurung", "Nugroho", "Purnama",
)  # fmt: skip
REQUEST_INFO = (
    "Mohon lengkapi lokasi kejadian secara rinci (nama jalan, RT/RW, kelurahan).",
    "Mohon lampirkan foto atau dokumen pendukung agar laporan dapat diteruskan.",
    "Mohon jelaskan waktu kejadian dan nama unit layanan yang dimaksud.",
)
PROVIDE_INFO = (
    "Lokasinya di {jalan}, {rt}, Kecamatan {kec}. Foto sudah saya kirim.",
    "Kejadiannya tanggal {tanggal} sekitar pukul 10 pagi.",
    "Unit layanannya di Kecamatan {kec}, {kota}. Terima kasih.",
)
REJECT_MESSAGES = {
    "incomplete": "Laporan tidak memuat informasi yang cukup untuk ditindaklanjuti.",
    "out_of_scope": "Permasalahan ini merupakan sengketa perdata antarwarga, bukan "
    "pelayanan publik.",
    "abusive": "Laporan berisi kata-kata kasar; silakan kirim ulang dengan bahasa yang santun.",
    "spam": "Pesan tidak berisi laporan.",
}
REPLIES = (
    "Terima kasih atas tanggapannya, tetapi sampai hari ini belum ada perubahan di lapangan.",
    "Petugas memang sudah datang, namun masalahnya muncul lagi minggu ini.",
    "Mohon maaf, jawaban ini belum menjawab pertanyaan saya.",
)
SECOND_RESPONSES = (
    "Kami sudah meninjau ulang lokasi dan melakukan perbaikan lanjutan. Terima kasih atas "
    "kesabarannya.",
    "Tindak lanjut tambahan telah dilakukan; petugas akan memantau selama satu bulan.",
)
EARLY_UPDATES = (
    "Laporan sudah kami terima dan sedang dikoordinasikan dengan unit teknis.",
    "Terima kasih, laporan Anda sedang kami verifikasi di lapangan.",
)
OMBUDSMAN_UPDATES = (
    "Ombudsman telah meminta klarifikasi tertulis kepada instansi terlapor.",
    "Ombudsman menjadwalkan pemeriksaan lapangan atas dugaan maladministrasi.",
)
OMBUDSMAN_RESPONSES = (
    "Ombudsman telah menyampaikan tindakan korektif kepada instansi terlapor dan instansi "
    "telah menyelesaikan permasalahan pelapor.",
    "Berdasarkan pemeriksaan, ditemukan penundaan berlarut; instansi diminta menyelesaikan "
    "layanan dalam 14 hari dan telah melaksanakannya.",
)


@dataclass(frozen=True)
class Place:
    region: Region
    district: District | None


def indonesian_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def phone(rng: random.Random) -> str:
    return f"08{rng.choice('1257')}{rng.randint(1, 9)}-{rng.randint(1000, 9999)}-" + str(
        rng.randint(1000, 9999)
    )


def nik(rng: random.Random, place: Place) -> str:
    """A made-up NIK: district code (6 digits), birth date (DDMMYY), serial (4 digits)."""
    code = place.district.code if place.district else place.region.code + ".01"
    area = code.replace(".", "")[:6].ljust(6, "0")
    born = f"{rng.randint(1, 28) + rng.choice((0, 40)):02d}{rng.randint(1, 12):02d}"
    return f"{area}{born}{rng.randint(60, 99):02d}{rng.randint(1, 9999):04d}"


class Writer:
    def __init__(self, rng: random.Random, place: Place, incident: date) -> None:
        self.rng = rng
        self.place = place
        self.values = self._values(incident)

    def _values(self, incident: date) -> dict[str, str]:
        rng, region = self.rng, self.place.region
        province = region.code.split(".", 1)[0]
        kec = self.place.district.name if self.place.district else region.name
        short = region.name.removeprefix("Kabupaten ").removeprefix("Kota ")
        short = short.removeprefix("Administrasi ")
        streets = BANDUNG_STREETS if region.code == "32.73" else STREETS
        n = rng.randint(1, 60)
        school = rng.choice(
            (f"SD Negeri {n} {short}", f"SMP Negeri {n % 20 + 1} {short}", f"SDN {kec} {n}")
        )
        return {
            "kec": kec,
            "kota": region.name,
            "kota_pendek": short,
            "jalan": rng.choice(streets),
            "rt": f"RT {rng.randint(1, 12):02d}/RW {rng.randint(1, 15):02d}",
            "durasi": rng.choice(DURATIONS),
            "nominal": rng.choice(AMOUNTS),
            "nominal_besar": rng.choice(LARGE_AMOUNTS),
            "tanggal": indonesian_date(incident),
            "puskesmas": f"Puskesmas {kec}",
            "rsup": RSUP.get(province, rng.choice(list(RSUP.values()))),
            "stasiun": rng.choice(STATIONS.get(province, STATIONS["32"])),
            "sekolah": school,
            "sppg": f"SPPG {kec} {rng.randint(1, 5)}",
        }

    def fill(self, template: str) -> str:
        return template.format_map(self.values)

    def pick(self, options: tuple[str, ...]) -> str:
        return self.fill(self.rng.choice(options))

    def title(self, issue: Issue) -> str:
        return self.pick(issue.titles)[:200]

    def body(self, issue: Issue, *, contact: str = "") -> str:
        parts = [self.pick(OPENINGS), self.fill(issue.problem)]
        if issue.impact and self.rng.random() < 0.7:
            parts.append(self.fill(issue.impact))
        parts.append(self.fill(issue.ask))
        if contact:
            parts.append(contact)
        parts.append(self.pick(CLOSINGS))
        return " ".join(p for p in parts if p)

    def sms_body(self, issue: Issue) -> str:
        # SMS to 1708 is short and to the point: "LAPOR <problem>".
        text = f"LAPOR {self.fill(issue.problem)}"
        return text if len(text) <= 300 else text[:297] + "..."

    def contact_line(self, *, with_nik: bool) -> str:
        """A sentence with personal data, so the redaction of public text shows."""
        if with_nik:
            return f"NIK saya {nik(self.rng, self.place)} untuk pengecekan data."
        return f"Saya bisa dihubungi di {phone(self.rng)}."


def person_name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
