"""A labelled, noisy, multi-agency set of Indonesian complaints for evaluating triage.

Self-written text (no real reports, no personal data): twelve agencies that a national
desk confuses in practice — PLN and Dinas Perhubungan both get "lampu mati", PDAM and
Dinas PU both get "air meluap di jalan", Dinas Kesehatan and BPJS Kesehatan both get
"rumah sakit", Dinas Pendidikan and Kemenag both get "sekolah", Dinas Sosial and
Disdukcapil both get "NIK". Reports are written the way citizens write: chat spellings
("gk", "yg", "tlg", "jln"), typos, capitals, phone numbers, links, sums of money,
English words, and sentences about something else than the complaint (a hospital near
a broken road, a bus stop next to a blocked drain).

    aduan triage make-dataset --out var/triage/bench.csv --size 10000 --seed 7

writes ``text,agency,category,fold`` rows with balanced classes.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

# agency -> (category, complaint sentences). "{x}" slots are filled from SLOTS.
AGENCIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "PLN": (
        "energi",
        (
            "listrik di rumah kami padam sejak {jam} dan belum menyala",
            "tiap malam listrik mati hidup, alat elektronik rusak",
            "token listrik sudah dibeli {uang} tapi tidak bisa dimasukkan ke meteran",
            "tagihan listrik bulan ini naik jadi {uang} padahal pemakaian sama",
            "tiang listrik miring di depan rumah dan kabelnya menjuntai ke jalan",
            "kabel listrik putus kena pohon tumbang, warga takut kesetrum",
            "pasang baru listrik sudah bayar sejak {durasi} tapi meteran belum dipasang",
            "gardu listrik di gang kami berbunyi keras dan berasap",
            "tegangan listrik turun naik, lampu rumah redup kalau malam",
            "petugas yang mengaku dari pln minta uang untuk ganti meteran",
            "pemadaman bergilir tanpa pemberitahuan, usaha laundry kami rugi",
            "kwh meter berbunyi terus padahal pulsa listrik masih ada",
        ),
    ),
    "PDAM": (
        "air-bersih",
        (
            "air pdam tidak mengalir ke rumah kami sejak {durasi}",
            "air ledeng keruh dan berbau, tidak bisa dipakai masak",
            "pipa air bersih bocor di pinggir jalan, air terbuang percuma",
            "tagihan air bulan ini {uang} padahal air sering mati",
            "meteran air rusak tapi tetap ditagih pemakaian tinggi",
            "pasang sambungan air baru sudah bayar tapi belum dipasang",
            "air pdam cuma ngalir tengah malam, itupun kecil sekali",
            "pipa distribusi pecah sampai jalan tergenang air bersih",
            "air keran berwarna kuning dan ada cacingnya",
            "petugas pencatat meter air tidak pernah datang, tagihan ditaksir",
            "tekanan air sangat lemah, lantai dua tidak kebagian air",
        ),
    ),
    "DINAS-PU": (
        "infrastruktur",
        (
            "jalan di depan {tempat} berlubang besar dan sudah banyak yang jatuh",
            "aspal jalan kabupaten rusak parah sepanjang {jarak}",
            "jembatan penghubung desa retak dan papannya lapuk",
            "drainase tersumbat sehingga jalan banjir tiap hujan",
            "saluran air di pinggir jalan ambles dan belum diperbaiki",
            "proyek pengaspalan baru {durasi} sudah mengelupas lagi",
            "galian proyek dibiarkan terbuka tanpa rambu di tengah jalan",
            "trotoar rusak dan gorong gorong tidak ditutup",
            "tanggul sungai jebol, air masuk ke pemukiman",
            "jalan desa masih tanah, kalau hujan berlumpur dan tidak bisa dilewati",
            "perbaikan jalan ditambal asal asalan, seminggu sudah berlubang lagi",
            "talud di tepi jalan longsor dan menutup separuh badan jalan",
        ),
    ),
    "DINKES": (
        "kesehatan",
        (
            "puskesmas di kecamatan kami sering tutup sebelum jam layanan",
            "dokter di puskesmas jarang ada, pasien cuma dilayani perawat",
            "stok obat di puskesmas kosong, kami disuruh beli di apotek",
            "banyak warga kena demam berdarah tapi belum ada fogging",
            "posyandu tidak jalan lagi, bayi tidak ditimbang dan imunisasi",
            "petugas puskesmas ketus dan membentak pasien lansia",
            "ambulans desa tidak bisa dipakai karena rusak",
            "ada klinik yang buka tanpa izin dan dokternya diragukan",
            "makanan jajanan di sekolah membuat anak keracunan, mohon diperiksa",
            "kasus diare meningkat di kampung kami, sumur tercemar",
            "bidan desa minta bayaran untuk imunisasi yang seharusnya gratis",
            "antrian di rumah sakit daerah sangat panjang dan tidak ada sistem nomor",
        ),
    ),
    "BPJS-KESEHATAN": (
        "kesehatan",
        (
            "kartu bpjs saya tidak aktif padahal iuran rutin dibayar",
            "iuran bpjs terus ditagih padahal peserta sudah meninggal",
            "rumah sakit menolak pasien bpjs dengan alasan kamar penuh",
            "disuruh bayar obat {uang} padahal ditanggung jkn",
            "kepesertaan pbi ibu saya dicabut tanpa pemberitahuan",
            "denda bpjs rawat inap terlalu besar setelah menunggak",
            "pindah faskes tingkat pertama di aplikasi mobile jkn gagal terus",
            "klaim rujukan ditolak, rumah sakit minta pasien bayar umum",
            "autodebet iuran jkn terpotong dua kali bulan ini",
            "pasien kelas tiga bpjs diminta naik kelas dan bayar selisih",
            "nomor kartu kis anak saya tidak terdaftar di faskes",
        ),
    ),
    "DISDUKCAPIL": (
        "kependudukan",
        (
            "ktp elektronik saya belum jadi padahal sudah rekam {durasi} lalu",
            "blanko ktp kosong terus di kecamatan",
            "kartu keluarga salah tulis nama dan tanggal lahir anak",
            "mengurus akta kelahiran dipungut biaya {uang}",
            "nik saya dipakai orang lain dan terdaftar ganda",
            "pindah domisili sudah diajukan tapi data belum berubah",
            "akta kematian ayah saya belum terbit sampai sekarang",
            "antrian disdukcapil dibatasi, datang subuh tetap tidak kebagian",
            "calo menawarkan ktp cepat jadi dengan bayaran",
            "data kependudukan nik tidak ditemukan waktu daftar sekolah anak",
            "perubahan status perkawinan di kk belum diproses",
            "kartu identitas anak tidak bisa dicetak karena sistem error",
        ),
    ),
    "DISDIK": (
        "pendidikan",
        (
            "sekolah negeri memungut uang seragam dan buku {uang}",
            "ppdb zonasi tidak adil, anak kami yang dekat sekolah tidak diterima",
            "gedung sekolah dasar rusak, atap kelas bocor dan hampir roboh",
            "guru honorer belum menerima honor selama {durasi}",
            "ijazah anak saya ditahan sekolah karena belum lunas spp",
            "dana bos tidak jelas penggunaannya, orang tua tetap ditarik iuran",
            "guru sering tidak masuk, murid dibiarkan belajar sendiri",
            "pip kip siswa tidak cair padahal namanya terdaftar",
            "anak dibully di sekolah dan guru diam saja",
            "sekolah menjual lks wajib ke murid",
            "komite sekolah menarik sumbangan pembangunan tiap bulan",
            "kepala sekolah menahan rapor karena orang tua menunggak",
        ),
    ),
    "POLRI": (
        "keamanan",
        (
            "motor saya dicuri di depan {tempat}, laporan polisi belum ditindaklanjuti",
            "ada peredaran narkoba di gang kami, warga resah",
            "geng motor balap liar tiap malam minggu dan membawa senjata tajam",
            "oknum polisi meminta uang damai saat razia tilang",
            "penipuan online, uang {uang} sudah ditransfer tapi barang tidak dikirim",
            "rumah tetangga dibobol maling, pelaku belum ditangkap",
            "judi online dan sabung ayam terang terangan di kampung",
            "kasus penganiayaan yang saya laporkan tidak ada kabar",
            "pembuatan skck dipersulit dan diminta biaya tambahan",
            "debt collector pinjol meneror dan mengancam keluarga saya",
            "tawuran pelajar di dekat {tempat} sering terjadi",
            "pungli oleh oknum berseragam di pos jaga",
        ),
    ),
    "DISHUB": (
        "transportasi",
        (
            "lampu lalu lintas di perempatan mati sehingga macet parah",
            "parkir liar di bahu jalan memakan separuh badan jalan",
            "juru parkir minta tarif {uang} padahal resminya lebih murah",
            "angkot ngetem sembarangan di depan {tempat}",
            "rambu lalu lintas tertutup pohon dan tidak terlihat",
            "uji kir kendaraan dipungut biaya di luar ketentuan",
            "halte bus rusak dan dipakai pedagang",
            "truk bertonase besar lewat jalan kampung setiap malam",
            "lampu penerangan jalan umum mati sepanjang {jarak}, rawan kecelakaan",
            "trayek angkutan umum dihapus, warga tidak ada kendaraan ke pasar",
            "zebra cross pudar di depan sekolah, anak sulit menyeberang",
            "jalur sepeda dipakai parkir mobil",
        ),
    ),
    "DLH": (
        "lingkungan",
        (
            "sampah menumpuk di tps dan tidak diangkut {durasi}",
            "truk sampah tidak datang lagi, sampah di pinggir jalan bau",
            "pabrik membuang limbah ke sungai, air berwarna hitam",
            "asap pembakaran sampah pabrik mengganggu pernapasan warga",
            "pembuangan sampah liar di lahan kosong dekat {tempat}",
            "bau menyengat dari peternakan ayam di kampung kami",
            "pohon besar ditebang tanpa izin di taman kota",
            "iuran sampah dibayar tapi sampah tidak diangkut",
            "sungai penuh sampah plastik dan menyebabkan banjir",
            "kebisingan mesin pabrik sampai larut malam",
            "tambang pasir ilegal merusak lingkungan dan sungai",
            "limbah medis dibuang sembarangan di tempat sampah umum",
        ),
    ),
    "DINSOS": (
        "sosial",
        (
            "bansos pkh keluarga kami tiba tiba berhenti",
            "bantuan sembako tidak tepat sasaran, yang mampu malah dapat",
            "nama kami tidak masuk dtks padahal keluarga miskin",
            "bantuan langsung tunai dipotong {uang} oleh pendamping",
            "ada orang dengan gangguan jiwa terlantar di {tempat}",
            "anak jalanan dan pengemis makin banyak di perempatan",
            "lansia sebatang kara di kampung kami tidak pernah dapat bantuan",
            "kartu sembako tidak bisa dicairkan di e-warong",
            "penyandang disabilitas belum menerima alat bantu yang dijanjikan",
            "korban kebakaran belum menerima bantuan logistik",
            "data penerima bansos tidak diperbarui, orang meninggal masih terdaftar",
            "pendamping pkh meminta uang kepada penerima bantuan",
        ),
    ),
    "KEMENAG": (
        "agama",
        (
            "pendaftaran haji reguler sudah lunas tapi jadwal keberangkatan tidak jelas",
            "biro umrah menipu jamaah, uang {uang} tidak kembali",
            "biaya nikah di kua diminta lebih dari tarif resmi",
            "buku nikah kami salah cetak nama dan belum diganti",
            "madrasah ibtidaiyah kekurangan guru dan ruang kelas",
            "tunjangan sertifikasi guru madrasah belum cair {durasi}",
            "penyuluh agama tidak pernah hadir di desa",
            "pip siswa madrasah tidak cair padahal sudah diusulkan",
            "pendaftaran nikah di kua dipersulit karena berkas",
            "sertifikasi halal umkm lama sekali prosesnya",
            "pondok pesantren tidak mendapat bantuan operasional yang dijanjikan",
            "pengangkatan guru agama di sekolah umum tertunda",
        ),
    ),
}

# Sentences that mention another agency's vocabulary without being its complaint: the
# reason word-spotting fails and a classifier must weigh the whole text.
CONTEXT: tuple[str, ...] = (
    "jalan menuju rumah sakit juga jadi susah dilewati",
    "di dekat situ ada sekolah dan puskesmas",
    "kami sudah lapor ke kelurahan dan rt tapi belum ada hasil",
    "lampu jalan di sekitar situ juga sering mati",
    "saya peserta bpjs dan punya ktp setempat",
    "lokasinya di samping tps dan halte angkot",
    "kejadiannya pas listrik padam dan hujan deras",
    "anak saya pulang sekolah lewat jalan itu tiap hari",
    "sudah viral di media sosial tapi belum ada tindakan",
    "warga sudah iuran untuk perbaikan tapi tidak cukup",
    "air hujan menggenang karena selokan mampet",
    "polisi lalu lintas yang lewat juga diam saja",
    "kami keluarga tidak mampu dan penerima bantuan",
    "dulu pernah diperbaiki pemerintah desa tapi rusak lagi",
    "ada masjid dan madrasah di dekat lokasi",
)

# Complaints that honestly belong to more than one agency, depending on details the
# citizen did not give (whose street light, whose road, which school). Each is filed
# under every agency listed, so no classifier can get all of them right: a realistic
# ceiling rather than a puzzle with one answer.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "lampu jalan mati sudah lama dan gelap sekali": ("DISHUB", "PLN", "DINAS-PU"),
    "genangan air di jalan tidak surut surut": ("DINAS-PU", "PDAM", "DLH"),
    "pungutan liar waktu mengurus berkas": ("DISDUKCAPIL", "POLRI", "KEMENAG"),
    "bantuan untuk siswa tidak mampu belum cair": ("DISDIK", "KEMENAG", "DINSOS"),
    "pasien miskin ditolak berobat": ("BPJS-KESEHATAN", "DINKES", "DINSOS"),
    "pohon tumbang menimpa kabel dan menutup jalan": ("PLN", "DLH", "DINAS-PU"),
    "bau busuk dari saluran air di pemukiman": ("DLH", "DINAS-PU", "PDAM"),
    "data nik ganda sehingga bantuan tidak cair": ("DISDUKCAPIL", "DINSOS", "BPJS-KESEHATAN"),
}

OPENINGS: tuple[str, ...] = (
    "",
    "selamat pagi admin,",
    "assalamualaikum, mohon ijin melapor.",
    "yth bapak ibu,",
    "halo min,",
    "saya warga {tempat} mau mengadukan",
    "permisi pak, bu,",
    "tolong dibantu,",
    "dengan hormat, saya ingin menyampaikan keluhan.",
    "sy mau lapor",
    "urgent!!",
    "sorry ganggu min,",
)
CLOSINGS: tuple[str, ...] = (
    "",
    "mohon segera ditindaklanjuti.",
    "terima kasih atas perhatiannya.",
    "tolong cepat ditangani ya pak.",
    "kami tunggu responnya, thanks.",
    "jangan cuma janji, please follow up.",
    "hubungi saya di {telepon}.",
    "foto ada di {url}",
    "sudah lapor berkali kali tapi tidak ada respon.",
    "mohon perhatiannya bapak ibu yang terhormat.",
)
IMPACTS: tuple[str, ...] = (
    "",
    "warga sangat dirugikan.",
    "sudah berlangsung lama sekali.",
    "kami sangat kecewa dengan pelayanannya.",
    "banyak warga mengeluh hal yang sama.",
    "ini membahayakan anak anak dan lansia.",
    "kami sudah sabar menunggu.",
    "so frustrating, sudah capek lapor.",
)
SLOTS: dict[str, tuple[str, ...]] = {
    "tempat": (
        "pasar induk",
        "sd negeri 3",
        "masjid al ikhlas",
        "kantor kelurahan",
        "perumahan griya asri",
        "terminal lama",
        "rt 04 rw 02",
        "jl. merdeka no 12",
        "desa sukamaju",
        "alun alun",
        "stasiun kota",
    ),
    "jam": ("jam 7 pagi", "kemarin sore", "pukul 21.00", "tadi subuh", "2 hari lalu"),
    "durasi": ("3 hari", "2 minggu", "sebulan", "6 bulan", "1 tahun", "berbulan bulan"),
    "uang": ("rp 150.000", "rp50rb", "Rp 1.250.000", "500 ribu", "rp 2 jt", "rp 75.000"),
    "jarak": ("500 meter", "2 km", "1,5 kilometer", "300 m"),
    "telepon": ("081234567890", "0857 1122 3344", "+6281398765432"),
    "url": ("https://bit.ly/foto-aduan", "drive.google.com/abc123", "instagram.com/p/xyz"),
}

# Standard word -> the chat spellings citizens use for it (the reverse of the normaliser).
CHAT: dict[str, tuple[str, ...]] = {
    "tidak": ("gk", "ga", "gak", "tdk", "nggak", "g"),
    "yang": ("yg",),
    "sudah": ("sdh", "udah", "udh"),
    "belum": ("blm", "blom"),
    "dengan": ("dgn",),
    "karena": ("krn", "karna"),
    "tolong": ("tlg", "tolongin"),
    "jalan": ("jln", "jl"),
    "saya": ("sy", "aku", "gw"),
    "untuk": ("utk",),
    "banget": ("bgt",),
    "sekali": ("bgt", "bngt"),
    "sekarang": ("skrg",),
    "kalau": ("kalo", "klo"),
    "tapi": ("tp", "tpi"),
    "lagi": ("lg",),
    "juga": ("jg",),
    "mohon": ("mhn",),
    "rumah": ("rmh",),
    "sampai": ("sampe",),
    "bapak": ("pak",),
    "ibu": ("bu",),
}


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.33:  # swap two letters
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind < 0.66:  # drop one
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]  # double one


def _fill(sentence: str, rng: random.Random) -> str:
    for key, values in SLOTS.items():
        while "{" + key + "}" in sentence:
            sentence = sentence.replace("{" + key + "}", rng.choice(values), 1)
    return sentence


def _noisy(text: str, rng: random.Random, informality: float) -> str:
    words = []
    for word in text.split(" "):
        bare = word.strip(".,!?")
        if bare in CHAT and rng.random() < informality:
            word = word.replace(bare, rng.choice(CHAT[bare]))
        elif rng.random() < 0.04:
            word = _typo(word, rng)
        words.append(word)
    text = " ".join(words)
    style = rng.random()
    if style < 0.1:
        text = text.upper()
    elif style < 0.45:
        text = ". ".join(s.strip().capitalize() for s in text.split("."))
    if rng.random() < 0.1:
        text = text.replace("!!", "!!!").replace(".", "..")
    return text


def make_report(agency: str, rng: random.Random) -> str:
    _category, sentences = AGENCIES[agency]
    main = rng.choice(sentences)
    shared = [text for text, owners in AMBIGUOUS.items() if agency in owners]
    if shared and rng.random() < 0.06:
        main = rng.choice(shared)
    elif rng.random() < 0.3:  # SMS brevity: a few words of the complaint dropped
        words = main.split(" ")
        main = " ".join(w for w in words if rng.random() > 0.25) or main
    parts = [rng.choice(OPENINGS), main]
    if rng.random() < 0.3:
        parts.append(rng.choice(sentences))  # a second symptom of the same problem
    if rng.random() < 0.45:
        parts.insert(rng.randrange(1, len(parts) + 1), rng.choice(CONTEXT))
    parts += [rng.choice(IMPACTS), rng.choice(CLOSINGS)]
    text = ". ".join(p for p in (_fill(p, rng) for p in parts) if p)
    return _noisy(text, rng, informality=rng.choice((0.0, 0.3, 0.7)))


def rows(size: int, *, seed: int = 7, folds: int = 10) -> Iterator[dict[str, str]]:
    """``size`` reports, classes balanced (round-robin), each with a stratified fold."""
    rng = random.Random(seed)
    names = sorted(AGENCIES)
    for i in range(size):
        agency = names[i % len(names)]
        yield {
            "text": make_report(agency, rng),
            "agency": agency,
            "category": AGENCIES[agency][0],
            "fold": str((i // len(names)) % folds),
        }


def write_csv(path: Path, size: int, *, seed: int = 7, folds: int = 10) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["text", "agency", "category", "fold"])
        writer.writeheader()
        count = 0
        for row in rows(size, seed=seed, folds=folds):
            writer.writerow(row)
            count += 1
    return count
