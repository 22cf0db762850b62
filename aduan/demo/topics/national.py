"""Topics handled by national bodies: ministries, institutions and BUMN."""

from __future__ import annotations

from aduan.demo.topics.base import Issue, Topic

BPJS_HEALTH = Topic(
    key="bpjs",
    category="kesehatan",
    route="national:BPJS-KESEHATAN",
    weight=8,
    misroute=("KEMENKES",),
    issues=(
        Issue(
            titles=("Kartu BPJS Kesehatan tidak aktif padahal iuran dibayar",),
            problem="Status kepesertaan JKN saya tiba-tiba nonaktif padahal iuran selalu "
            "dibayar melalui autodebet.",
            impact="Saya harus membayar biaya berobat sebagai pasien umum.",
            ask="Mohon kepesertaan saya diaktifkan kembali.",
            response="Kepesertaan JKN pelapor telah aktif kembali setelah verifikasi data. "
            "Silakan mengakses layanan di fasilitas kesehatan.",
        ),
        Issue(
            titles=("Kepesertaan PBI BPJS Kesehatan dicabut tanpa pemberitahuan",),
            problem="Ayah saya peserta PBI, tetapi saat berobat tanggal {tanggal} kartunya "
            "dinyatakan tidak aktif.",
            impact="Pengobatan rutin cuci darah ayah saya terancam terhenti.",
            ask="Mohon kepesertaan PBI ayah saya dipulihkan.",
            response="Status PBI dinonaktifkan karena pemutakhiran DTSEN; kepesertaan telah "
            "direaktivasi atas usulan Dinas Sosial karena pasien penyakit kronis.",
        ),
        Issue(
            titles=("Diminta bayar obat padahal peserta BPJS kelas 3",),
            problem="Rumah sakit meminta biaya tambahan {nominal} untuk obat yang katanya "
            "tidak ditanggung BPJS.",
            ask="Mohon penjelasan dan pengembalian biaya yang sudah kami bayarkan.",
            response="Obat tersebut termasuk Formularium Nasional; rumah sakit telah "
            "mengembalikan biaya yang dipungut.",
        ),
    ),
    updates=("Kantor cabang BPJS Kesehatan sedang memverifikasi data kepesertaan Anda.",),
)

HOSPITALS = Topic(
    key="rsup",
    category="kesehatan",
    route="national:KEMENKES",
    weight=4,
    units=("KEMENKES.DITJEN-KESLAN",),
    issues=(
        Issue(
            titles=("Jadwal operasi di {rsup} terus ditunda",),
            problem="Ibu saya dijadwalkan operasi di {rsup} sejak {durasi} lalu tetapi terus "
            "ditunda tanpa kepastian.",
            impact="Kondisi ibu saya semakin menurun selama menunggu.",
            ask="Mohon kepastian jadwal dan transparansi daftar tunggu.",
            response="Direksi {rsup} telah menghubungi keluarga pasien dan menetapkan jadwal "
            "operasi.",
        ),
        Issue(
            titles=("Pasien rujukan ditolak di IGD {rsup}",),
            problem="Pasien rujukan dari puskesmas ditolak di IGD {rsup} dengan alasan "
            "ruangan penuh, tanpa dicarikan rumah sakit lain.",
            ask="Mohon pengawasan atas pelayanan rumah sakit vertikal tersebut.",
            response="Rumah sakit telah dievaluasi; IGD wajib menstabilkan pasien dan "
            "mencarikan rujukan melalui sistem rujukan terintegrasi.",
        ),
    ),
    updates=("Laporan telah diteruskan ke direksi rumah sakit untuk klarifikasi.",),
)

EDUCATION_FUNDS = Topic(
    key="pip",
    category="pendidikan-kebudayaan",
    route="national:KEMENDIKDASMEN",
    weight=3,
    units=("KEMENDIKDASMEN.DITJEN-PAUDDASMEN", "KEMENDIKDASMEN.DITJEN-GTKPG"),
    issues=(
        Issue(
            titles=("Dana PIP anak saya belum cair",),
            problem="Anak saya tercatat penerima Program Indonesia Pintar, tetapi dana belum "
            "bisa dicairkan di bank.",
            impact="Kami membutuhkan dana itu untuk membeli perlengkapan sekolah.",
            ask="Mohon bantuan pengecekan.",
            response="Rekening PIP siswa sudah diaktivasi; dana dapat dicairkan di bank "
            "penyalur dengan membawa surat keterangan sekolah.",
        ),
        Issue(
            titles=("Tunjangan profesi guru belum dibayarkan",),
            problem="Tunjangan profesi guru triwulan lalu belum kami terima, padahal data di "
            "Info GTK sudah valid.",
            ask="Mohon kepastian jadwal pencairan.",
            response="Tunjangan profesi telah ditransfer ke rekening guru pada tahap "
            "penyaluran berikutnya.",
        ),
    ),
    updates=("Data siswa dan guru sedang kami padankan dengan Dapodik.",),
)

ELECTRICITY = Topic(
    key="listrik",
    category="energi-sumber-daya-alam",
    route="national:PLN",
    weight=6,
    misroute=("KESDM",),
    units=("PLN.UID-JAYA", "PLN.UID-JABAR", "PLN.UID-JATIM", "PLN.UID-BALI"),
    issues=(
        Issue(
            titles=("Listrik sering padam di {kec}",),
            problem="Dalam {durasi} terakhir listrik di {rt}, {kec} padam hampir setiap "
            "malam selama dua sampai tiga jam.",
            impact="Usaha kecil kami merugi karena freezer mati.",
            ask="Mohon PLN segera memperbaiki jaringan.",
            response="Gangguan disebabkan trafo kelebihan beban; PLN telah memasang trafo "
            "sisip di lokasi.",
        ),
        Issue(
            titles=("Tiang listrik miring di {jalan}",),
            problem="Tiang listrik di {jalan} sudah miring dan kabelnya menjuntai rendah.",
            impact="Truk yang lewat hampir menyangkut kabel.",
            ask="Mohon tiang segera ditegakkan sebelum roboh.",
            response="Tiang listrik di {jalan} telah ditegakkan kembali dan kabel dirapikan.",
        ),
        Issue(
            titles=("Token listrik tidak masuk setelah dibayar",),
            problem="Saya membeli token {nominal} tanggal {tanggal}, tetapi token ditolak "
            "oleh meteran.",
            ask="Mohon token saya diperbaiki atau dananya dikembalikan.",
            response="Token telah dibatalkan dan diterbitkan ulang; silakan cek aplikasi PLN "
            "Mobile.",
        ),
    ),
    updates=("Petugas pelayanan teknik telah dijadwalkan ke lokasi.",),
)

FUEL = Topic(
    key="lpg",
    category="energi-sumber-daya-alam",
    route="national:PERTAMINA",
    weight=3,
    issues=(
        Issue(
            titles=("LPG 3 kg langka di {kec}", "Pangkalan LPG menjual di atas HET"),
            problem="Sudah {durasi} elpiji 3 kg sulit didapat di {kec}; pangkalan resmi di "
            "{jalan} menjualnya seharga Rp35.000, jauh di atas HET.",
            impact="Warga terpaksa membeli di pengecer dengan harga mahal.",
            ask="Mohon pengawasan distribusi dan penindakan pangkalan nakal.",
            response="Pertamina telah menambah pasokan LPG 3 kg ke {kec} dan memberi sanksi "
            "kepada pangkalan yang menjual di atas HET.",
        ),
        Issue(
            titles=("SPBU di {jalan} menolak pembelian Pertalite",),
            problem="Operator SPBU di {jalan} menolak melayani pembelian Pertalite dengan "
            "alasan kuota habis, padahal kendaraan saya sudah terdaftar QR code.",
            ask="Mohon SPBU tersebut diperiksa.",
            response="SPBU telah diberi pembinaan; pembelian BBM bersubsidi dilayani sesuai "
            "kuota QR code.",
        ),
    ),
    updates=("Sales Branch Manager wilayah sedang memeriksa laporan Anda.",),
)

SOCIAL_AID = Topic(
    key="bansos",
    category="sosial-kesejahteraan",
    route="national:KEMENSOS",
    weight=6,
    confidential=0.15,
    units=("KEMENSOS.DITJEN-LINJAMSOS",),
    issues=(
        Issue(
            titles=("Bantuan PKH tidak cair selama {durasi}",),
            problem="Ibu saya penerima PKH, tetapi sudah {durasi} saldo di KKS tidak bertambah.",
            ask="Mohon dicek apakah ibu saya masih terdaftar.",
            response="Penyaluran PKH tahap ini sudah masuk ke rekening KKS penerima.",
        ),
        Issue(
            titles=("Keluarga miskin tidak terdaftar sebagai penerima bansos",),
            problem="Tetangga saya janda dengan tiga anak dan tidak punya penghasilan tetap, "
            "tetapi tidak pernah terdaftar sebagai penerima bantuan.",
            ask="Mohon keluarga tersebut didata.",
            response="Keluarga yang dilaporkan telah diusulkan masuk DTSEN melalui "
            "musyawarah kelurahan dan akan diverifikasi.",
        ),
        Issue(
            titles=("Potongan dana BPNT oleh oknum pendamping",),
            problem="Penerima BPNT di {kec} diminta menyerahkan Rp50.000 kepada oknum "
            "pendamping setiap pencairan.",
            impact="Bantuan tidak diterima utuh oleh warga yang berhak.",
            ask="Mohon oknum tersebut ditindak tegas.",
            response="Pendamping yang bersangkutan telah diberhentikan dan kasusnya "
            "dilimpahkan ke aparat penegak hukum.",
        ),
    ),
    updates=("Data pelapor sedang dicek dalam Data Tunggal Sosial dan Ekonomi Nasional.",),
)

TRAINS = Topic(
    key="kereta",
    category="perhubungan",
    route="national:KAI",
    weight=3,
    misroute=("KEMENHUB",),
    units=("KAI.DAOP2",),
    issues=(
        Issue(
            titles=("Pengembalian dana tiket kereta belum diterima",),
            problem="Saya membatalkan tiket tanggal {tanggal} dan sampai sekarang dana "
            "{nominal} belum dikembalikan.",
            ask="Mohon pengembalian dana segera diproses.",
            response="Dana pembatalan tiket telah ditransfer ke rekening pelapor.",
        ),
        Issue(
            titles=("Toilet kotor di {stasiun}",),
            problem="Toilet di {stasiun} rusak dan sangat kotor.",
            ask="Mohon fasilitas diperbaiki.",
            response="Toilet {stasiun} sudah diperbaiki dan jadwal kebersihan ditambah.",
        ),
        Issue(
            titles=("Kereta terlambat lebih dari dua jam tanpa kompensasi",),
            problem="Kereta yang saya tumpangi dari {stasiun} terlambat lebih dari dua jam "
            "tanpa informasi maupun kompensasi.",
            ask="Mohon penjelasan dan kompensasi sesuai ketentuan.",
            response="Kompensasi keterlambatan sudah diberikan sesuai ketentuan standar "
            "pelayanan minimum.",
        ),
    ),
    updates=("Permintaan Anda sudah kami teruskan ke unit pelayanan pelanggan.",),
)

FREE_MEALS = Topic(
    key="mbg",
    category="makan-bergizi-gratis",
    route="national:BGN",
    weight=5,
    inspection=0.3,
    misroute=("KEMENKES",),
    issues=(
        Issue(
            titles=("Menu MBG di {sekolah} basi", "Siswa mual setelah makan MBG"),
            problem="Tanggal {tanggal} makanan Program Makan Bergizi Gratis di {sekolah} "
            "berbau basi dan beberapa siswa mual setelah memakannya.",
            impact="Orang tua khawatir dengan keamanan pangan anak-anak.",
            ask="Mohon dapur {sppg} diperiksa.",
            response="Hasil uji laboratorium sudah keluar; {sppg} dihentikan sementara untuk "
            "perbaikan sanitasi dan pelatihan penjamah makanan.",
        ),
        Issue(
            titles=("Porsi MBG di {sekolah} tidak sesuai standar",),
            problem="Porsi lauk MBG di {sekolah} sangat sedikit dan sering hanya berupa tahu "
            "dan sayur.",
            ask="Mohon standar gizi diawasi.",
            response="Standar porsi telah disosialisasikan ulang kepada mitra SPPG dan "
            "diawasi ahli gizi.",
        ),
        Issue(
            titles=("Pembayaran pemasok {sppg} tertunggak",),
            problem="Kami pemasok bahan pangan untuk {sppg}; pembayaran {nominal_besar} tertunggak "
            "{durasi}.",
            impact="Usaha kami terancam berhenti.",
            ask="Mohon pembayaran segera diselesaikan.",
            response="Pembayaran kepada pemasok telah dilunasi oleh mitra SPPG.",
        ),
    ),
    updates=("Tim Badan Gizi Nasional bersama dinas kesehatan telah meninjau dapur SPPG.",),
)

SOCIAL_SECURITY = Topic(
    key="jht",
    category="ketenagakerjaan",
    route="national:BPJS-TK",
    weight=3,
    issues=(
        Issue(
            titles=("Klaim JHT BPJS Ketenagakerjaan tidak diproses",),
            problem="Saya mengajukan klaim JHT secara daring {durasi} lalu tetapi statusnya "
            "masih verifikasi.",
            impact="Saya sudah tidak bekerja dan membutuhkan dana tersebut.",
            ask="Mohon klaim saya diproses.",
            response="Klaim JHT sudah dibayarkan ke rekening pelapor.",
        ),
        Issue(
            titles=("Iuran BPJS Ketenagakerjaan tidak disetor perusahaan",),
            problem="Gaji saya dipotong untuk iuran BPJS Ketenagakerjaan, tetapi saldo saya "
            "tidak bertambah sejak {durasi} lalu.",
            ask="Mohon perusahaan diperiksa.",
            response="Perusahaan telah ditegur dan melunasi tunggakan iuran; saldo pelapor "
            "sudah diperbarui.",
        ),
    ),
    updates=("Kantor cabang sedang memverifikasi laporan Anda.",),
)

WAGES = Topic(
    key="upah",
    category="ketenagakerjaan",
    route="national:KEMNAKER",
    weight=3,
    confidential=0.3,
    inspection=0.4,
    units=("KEMNAKER.DITJEN-BINWASNAKER",),
    issues=(
        Issue(
            titles=("Upah di bawah UMK dan lembur tidak dibayar",),
            problem="Perusahaan tempat saya bekerja di {kota} membayar upah Rp1.800.000 per "
            "bulan, jauh di bawah UMK, dan lembur tidak dibayar.",
            impact="Kami takut melapor langsung karena khawatir dipecat.",
            ask="Mohon pengawas ketenagakerjaan turun ke perusahaan.",
            response="Pengawas ketenagakerjaan telah menerbitkan nota pemeriksaan; perusahaan "
            "wajib membayar kekurangan upah.",
        ),
        Issue(
            titles=("THR tidak dibayarkan perusahaan",),
            problem="Sampai H-3 Lebaran THR belum dibayarkan kepada karyawan.",
            ask="Mohon perusahaan ditegur.",
            response="Perusahaan telah membayar THR setelah diberikan nota pemeriksaan.",
        ),
    ),
    updates=("Laporan diteruskan kepada pengawas ketenagakerjaan provinsi.",),
)

POLICE = Topic(
    key="pungli_polisi",
    category="politik-hukum",
    route="national:POLRI",
    weight=2,
    confidential=0.45,
    inspection=0.5,
    units=("POLRI.DIVPROPAM", "POLRI.KORLANTAS"),
    issues=(
        Issue(
            titles=("Pungutan liar pembuatan SIM",),
            problem="Saat membuat SIM C di Satpas {kota_pendek} saya ditawari lulus tanpa "
            "ujian dengan membayar {nominal}.",
            ask="Mohon oknum tersebut ditindak.",
            response="Propam telah memeriksa oknum yang dilaporkan dan menjatuhkan sanksi "
            "disiplin.",
        ),
        Issue(
            titles=("Biaya tambahan pembuatan SKCK",),
            problem="Untuk SKCK di {kota_pendek} saya diminta membayar lebih dari tarif resmi "
            "tanpa kuitansi.",
            ask="Mohon pelayanan SKCK diawasi.",
            response="Pelayanan SKCK telah dievaluasi dan pembayaran kini hanya melalui "
            "kanal PNBP resmi.",
        ),
    ),
    updates=("Laporan sedang ditangani oleh fungsi pengawasan internal.",),
)

DRUGS = Topic(
    key="narkoba",
    category="p4gn",
    route="national:BNN",
    weight=1,
    confidential=0.7,
    inspection=0.5,
    issues=(
        Issue(
            titles=("Dugaan peredaran narkoba di {kec}",),
            problem="Saya curiga ada transaksi narkoba di rumah kos dekat {jalan} setiap malam.",
            impact="Warga resah dan khawatir anak-anak terpengaruh.",
            ask="Mohon BNN menyelidiki. Mohon identitas saya dirahasiakan.",
            response="Terima kasih atas informasinya. Tim telah melakukan penyelidikan dan "
            "tindak lanjut sesuai ketentuan; rinciannya tidak dapat kami sampaikan.",
        ),
    ),
    updates=("Informasi Anda telah diteruskan ke bidang pemberantasan untuk diselidiki.",),
)

CIVIL_SERVICE = Topic(
    key="asn",
    category="netralitas-asn",
    route="national:BKN",
    weight=1,
    confidential=0.4,
    issues=(
        Issue(
            titles=("Dugaan ASN tidak netral menjelang pilkada",),
            problem="Seorang ASN di kantor Kecamatan {kec} mengunggah dukungan kepada salah "
            "satu calon kepala daerah dan mengajak warga memilih.",
            ask="Mohon ditindaklanjuti sesuai aturan netralitas ASN.",
            response="ASN yang bersangkutan telah diperiksa dan dijatuhi sanksi oleh pejabat "
            "pembina kepegawaian.",
        ),
    ),
    updates=("Laporan telah diteruskan kepada pejabat pembina kepegawaian terkait.",),
)

POST = Topic(
    key="paket",
    category="perlindungan-konsumen",
    route="national:POS-IND",
    weight=2,
    issues=(
        Issue(
            titles=("Paket kiriman belum sampai setelah {durasi}",),
            problem="Paket yang dikirim tanggal {tanggal} belum sampai dan status pelacakan "
            "tidak berubah.",
            impact="Isi paket adalah obat yang sangat dibutuhkan.",
            ask="Mohon dicek dan diberi kepastian.",
            response="Paket telah ditemukan di kantor pemrosesan dan sudah diantar ke alamat "
            "tujuan.",
        ),
        Issue(
            titles=("Wesel pos belum bisa dicairkan",),
            problem="Kiriman wesel {nominal} untuk orang tua saya belum bisa dicairkan di "
            "kantor pos {kec}.",
            ask="Mohon dibantu pencairannya.",
            response="Wesel sudah dapat dicairkan di kantor pos terdekat dengan membawa KTP-el.",
        ),
    ),
    updates=("Kiriman Anda sedang kami telusuri di kantor pemrosesan.",),
)

LAND = Topic(
    key="tanah",
    category="topik-lainnya",
    route="national:ATR-BPN",
    weight=2,
    issues=(
        Issue(
            titles=("Sertifikat tanah PTSL belum terbit",),
            problem="Tanah kami di {kec} terdaftar program PTSL {durasi} lalu, tetapi "
            "sertifikatnya belum terbit.",
            impact="Kami tidak bisa mengagunkan tanah untuk modal usaha.",
            ask="Mohon kepastian penerbitan sertifikat.",
            response="Sertifikat telah terbit dan dapat diambil di kantor pertanahan; "
            "sertifikat elektronik juga dapat diakses daring.",
        ),
        Issue(
            titles=("Pengukuran ulang bidang tanah tidak kunjung dilakukan",),
            problem="Permohonan pengukuran ulang sudah dibayar {nominal} tetapi petugas "
            "ukur belum datang sejak {durasi} lalu.",
            ask="Mohon jadwal pengukuran.",
            response="Pengukuran telah dilaksanakan dan peta bidang tanah sudah diterbitkan.",
        ),
    ),
    updates=("Berkas sedang diperiksa di kantor pertanahan setempat.",),
)

NATIONAL_TOPICS: tuple[Topic, ...] = (
    BPJS_HEALTH,
    HOSPITALS,
    EDUCATION_FUNDS,
    ELECTRICITY,
    FUEL,
    SOCIAL_AID,
    TRAINS,
    FREE_MEALS,
    SOCIAL_SECURITY,
    WAGES,
    POLICE,
    DRUGS,
    CIVIL_SERVICE,
    POST,
    LAND,
)
