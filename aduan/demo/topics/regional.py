"""Topics handled by regional governments and their work units (OPD)."""

from __future__ import annotations

from aduan.demo.topics.base import ASPIRATION, INFO_REQUEST, Issue, Topic

ROADS = Topic(
    key="jalan",
    category="pekerjaan-umum-penataan-ruang",
    route="unit:PUPR",
    weight=12,
    inspection=0.25,
    misroute=("KEMENPU",),
    issues=(
        Issue(
            titles=("Jalan berlubang di {jalan}, {kec}", "Lubang besar di {jalan} dekat {rt}"),
            problem="Jalan di {jalan}, Kecamatan {kec}, berlubang cukup dalam sudah {durasi}. "
            "Diameternya kurang lebih satu meter.",
            impact="Sudah beberapa pengendara motor jatuh, terutama malam hari karena "
            "penerangan jalan kurang.",
            ask="Mohon jalan tersebut segera diperbaiki sebelum memakan korban.",
            response="Penambalan lubang di {jalan} telah dilaksanakan oleh tim pemeliharaan "
            "jalan. Terima kasih atas laporannya.",
        ),
        Issue(
            titles=(
                "Aspal {jalan} rusak lagi setelah diperbaiki",
                "Kualitas perbaikan {jalan} buruk",
            ),
            problem="Perbaikan jalan di {jalan} yang dikerjakan tahun lalu sudah mengelupas "
            "dan kini aspalnya hancur lagi.",
            impact="Kemacetan panjang terjadi setiap pagi karena kendaraan harus bergantian "
            "melintas.",
            ask="Mohon kualitas pekerjaan kontraktor diperiksa dan jalan diperbaiki ulang.",
            response="Ruas {jalan} masih dalam masa pemeliharaan kontraktor; perbaikan ulang "
            "sepanjang 200 meter telah dilaksanakan atas biaya penyedia jasa.",
        ),
        Issue(
            titles=("Jalan lingkungan {rt} rusak dan tergenang",),
            problem="Jalan lingkungan di {rt}, Kecamatan {kec}, rusak dan tergenang setiap "
            "hujan turun.",
            impact="Anak-anak yang berangkat sekolah harus melewati genangan berlumpur.",
            ask="Mohon jalan lingkungan kami masuk program perbaikan.",
            response="Perbaikan jalan lingkungan di {rt} telah dianggarkan melalui program "
            "kelurahan dan dikerjakan bulan ini.",
        ),
    ),
    updates=(
        "Laporan telah diteruskan ke bidang Bina Marga; lokasi dijadwalkan untuk survei "
        "minggu ini.",
        "Tim reaksi cepat sudah meninjau lokasi; perbaikan masuk jadwal pemeliharaan rutin.",
    ),
)

DRAINAGE = Topic(
    key="drainase",
    category="pekerjaan-umum-penataan-ruang",
    route="unit:PUPR",
    weight=5,
    inspection=0.2,
    issues=(
        Issue(
            titles=(
                "Saluran air tersumbat di {rt}, {kec}",
                "Banjir setiap hujan di {jalan}",
            ),
            problem="Saluran drainase di {jalan} tertutup sedimen dan sampah sehingga air "
            "meluap ke jalan setiap hujan deras. Genangan bisa setinggi lutut.",
            impact="Air masuk ke rumah warga dan merusak perabot.",
            ask="Mohon dilakukan normalisasi saluran.",
            response="Pengerukan sedimen saluran di {jalan} sudah selesai dilaksanakan "
            "bersama warga.",
        ),
        Issue(
            titles=("Gorong-gorong ambrol di {jalan}",),
            problem="Gorong-gorong di {jalan} dekat {rt} ambrol dan menyisakan lubang terbuka "
            "di pinggir jalan.",
            impact="Sudah ada anak yang terperosok ke lubang tersebut.",
            ask="Mohon gorong-gorong segera diperbaiki dan ditutup.",
            response="Gorong-gorong telah diganti dengan box culvert baru dan lubang sudah "
            "ditutup.",
        ),
    ),
    updates=("Petugas sudah mendata titik genangan dan menjadwalkan pengerukan saluran.",),
)

PUSKESMAS = Topic(
    key="puskesmas",
    category="kesehatan",
    route="unit:DINKES",
    weight=7,
    misroute=("KEMENKES",),
    issues=(
        Issue(
            titles=("Antrean sangat lama di {puskesmas}",),
            problem="Saya datang ke {puskesmas} pukul 07.00 dan baru dilayani pukul 12.30.",
            impact="Pasien lansia dan ibu hamil menunggu berjam-jam tanpa tempat duduk.",
            ask="Mohon ada sistem antrean daring agar warga tidak menunggu terlalu lama.",
            response="Kepala {puskesmas} telah menambah loket pendaftaran dan menerapkan "
            "antrean daring mulai bulan ini.",
        ),
        Issue(
            titles=("Petugas {puskesmas} tidak ramah", "Pelayanan kasar di {puskesmas}"),
            problem="Petugas pendaftaran di {puskesmas} membentak pasien lansia yang "
            "kebingungan mengisi formulir.",
            ask="Mohon petugas tersebut dibina.",
            response="Petugas yang bersangkutan sudah dibina dan diberi teguran tertulis. "
            "Mohon maaf atas ketidaknyamanannya.",
        ),
        Issue(
            titles=("Obat kosong di {puskesmas}",),
            problem="Obat hipertensi untuk ibu saya sudah {durasi} selalu kosong di {puskesmas}.",
            impact="Kami terpaksa membeli obat sendiri di apotek dengan harga mahal.",
            ask="Mohon ketersediaan obat diperhatikan oleh Dinas Kesehatan.",
            response="Stok obat sudah dipenuhi melalui distribusi dari instalasi farmasi; "
            "pasien dapat mengambil obat di puskesmas.",
        ),
    ),
    updates=(
        "Dinas Kesehatan telah meminta klarifikasi kepada kepala puskesmas.",
        "Tim pembinaan mutu layanan sudah berkunjung ke puskesmas.",
    ),
)

ID_CARDS = Topic(
    key="ktp",
    category="kependudukan",
    route="unit:DISDUKCAPIL",
    weight=8,
    misroute=("KEMENDAGRI",),
    issues=(
        Issue(
            titles=("KTP-el belum jadi setelah {durasi}", "KTP-el tidak kunjung dicetak"),
            problem="Saya sudah merekam data KTP-el di kantor Kecamatan {kec} {durasi} lalu, "
            "tetapi sampai sekarang KTP-el belum dicetak. Setiap datang hanya diberi surat "
            "keterangan dengan alasan blangko habis.",
            impact="Saya tidak bisa membuka rekening bank dan melamar pekerjaan.",
            ask="Mohon KTP-el saya segera dicetak.",
            response="KTP-el atas nama pelapor sudah tercetak dan dapat diambil di kantor "
            "kecamatan dengan membawa bukti perekaman.",
        ),
        Issue(
            titles=("Data Kartu Keluarga salah dan sulit diperbaiki",),
            problem="Nama ibu kandung di Kartu Keluarga saya salah ketik dan permohonan "
            "perbaikan belum diproses sejak {durasi} lalu.",
            impact="Bantuan sosial untuk keluarga kami tertahan karena data tidak padan.",
            ask="Mohon data KK kami segera diperbaiki.",
            response="Perbaikan data KK telah selesai; KK baru dapat dicetak mandiri melalui "
            "aplikasi Identitas Kependudukan Digital.",
        ),
        Issue(
            titles=("Perekaman KTP-el untuk lansia di {kec}",),
            problem="Nenek saya sudah tidak bisa berjalan dan belum pernah merekam KTP-el.",
            ask="Mohon ada layanan jemput bola untuk perekaman warga lansia di {kec}.",
            response="Perekaman KTP-el untuk lansia telah dilaksanakan petugas jemput bola "
            "di rumah pelapor.",
        ),
    ),
    updates=(
        "Data pemohon sudah kami cek di SIAK dan sedang menunggu antrean pencetakan.",
        "Petugas jemput bola dijadwalkan datang ke alamat pelapor.",
    ),
)

CIVIL_REGISTRY_INFO = Topic(
    key="akta",
    category="kependudukan",
    route="unit:DISDUKCAPIL",
    weight=3,
    type=INFO_REQUEST,
    confidential=0.02,
    issues=(
        Issue(
            titles=("Syarat pembuatan akta kelahiran anak",),
            problem="Apa saja syarat membuat akta kelahiran untuk anak yang lahir di rumah "
            "tanpa surat keterangan bidan?",
            ask="Mohon informasinya.",
            response="Akta kelahiran dapat dibuat dengan SPTJM kebenaran data kelahiran yang "
            "ditandatangani dua saksi, beserta KK dan KTP-el orang tua. Layanan gratis.",
        ),
        Issue(
            titles=("Cara pindah domisili ke {kota}",),
            problem="Bagaimana prosedur pindah domisili dari luar provinsi ke {kota} dan "
            "berapa lama prosesnya?",
            ask="Mohon penjelasan persyaratannya.",
            response="Pindah domisili cukup dengan SKPWNI dari daerah asal yang dapat diurus "
            "daring; KK dan KTP-el baru terbit paling lama 14 hari kerja.",
        ),
        Issue(
            titles=("Prosedur aktivasi Identitas Kependudukan Digital",),
            problem="Apakah aktivasi IKD bisa dilakukan di kantor kelurahan atau harus ke "
            "kantor Disdukcapil?",
            ask="Terima kasih atas penjelasannya.",
            response="Aktivasi IKD dapat dilakukan di kantor kelurahan yang memiliki petugas "
            "registrasi, dengan membawa KTP-el dan ponsel.",
        ),
    ),
    updates=("Pertanyaan Anda sedang kami koordinasikan dengan bidang terkait.",),
)

SCHOOLS = Topic(
    key="sekolah",
    category="pendidikan-kebudayaan",
    route="unit:DISDIK",
    weight=5,
    confidential=0.3,
    inspection=0.3,
    misroute=("KEMENDIKDASMEN",),
    issues=(
        Issue(
            titles=("Pungutan uang seragam di {sekolah}",),
            problem="Orang tua murid baru di {sekolah} diminta membayar {nominal} untuk "
            "seragam dan buku, padahal sekolah negeri.",
            impact="Banyak orang tua keberatan tetapi takut anaknya dipersulit.",
            ask="Mohon pungutan ini ditertibkan.",
            response="Kepala sekolah telah menghentikan pungutan dan dana yang terkumpul "
            "dikembalikan kepada orang tua.",
        ),
        Issue(
            titles=("Ruang kelas {sekolah} rusak dan membahayakan siswa",),
            problem="Plafon dua ruang kelas di {sekolah} sudah jebol dan siswa terpaksa "
            "belajar di lorong.",
            ask="Mohon ruang kelas segera direhabilitasi.",
            response="Rehabilitasi ruang kelas {sekolah} masuk program tahun ini; sementara "
            "siswa dipindahkan ke ruang perpustakaan.",
        ),
        Issue(
            titles=("Ijazah ditahan oleh {sekolah}",),
            problem="Ijazah anak saya ditahan oleh {sekolah} karena masih ada tunggakan iuran "
            "komite.",
            impact="Anak saya tidak bisa mendaftar ke jenjang berikutnya.",
            ask="Mohon ijazah anak saya dapat diserahkan.",
            response="Ijazah telah diserahkan kepada orang tua siswa. Sekolah dilarang "
            "menahan ijazah dengan alasan apa pun.",
        ),
    ),
    updates=("Pengawas sekolah telah diminta melakukan klarifikasi ke sekolah.",),
)

ADMISSIONS_INFO = Topic(
    key="spmb",
    category="pendidikan-kebudayaan",
    route="unit:DISDIK",
    weight=3,
    type=INFO_REQUEST,
    confidential=0.02,
    issues=(
        Issue(
            titles=("Jadwal SPMB SMP di {kota}",),
            problem="Kapan jadwal pendaftaran Sistem Penerimaan Murid Baru (SPMB) tingkat SMP "
            "di {kota} tahun ini?",
            ask="Mohon informasinya.",
            response="Jadwal SPMB diumumkan di laman resmi dinas; pendaftaran tahap pertama "
            "dibuka bulan Juni.",
        ),
        Issue(
            titles=("Kuota jalur domisili SPMB",),
            problem="Berapa kuota jalur domisili dan bagaimana jarak rumah ke sekolah dihitung?",
            ask="Terima kasih atas penjelasannya.",
            response="Jalur domisili paling sedikit 40% daya tampung; jarak dihitung dari "
            "titik koordinat alamat di Kartu Keluarga.",
        ),
        Issue(
            titles=("Syarat jalur afirmasi SPMB",),
            problem="Apa saja dokumen untuk jalur afirmasi bagi keluarga penerima bantuan sosial?",
            ask="Mohon informasinya.",
            response="Jalur afirmasi memerlukan bukti keikutsertaan program penanganan "
            "kemiskinan dan Kartu Keluarga.",
        ),
    ),
    updates=("Pertanyaan Anda kami teruskan ke panitia SPMB.",),
)

TRAFFIC = Topic(
    key="angkutan",
    category="perhubungan",
    route="unit:DISHUB",
    weight=4,
    misroute=("KEMENHUB",),
    issues=(
        Issue(
            titles=("Parkir liar di {jalan} menyebabkan macet",),
            problem="Setiap sore puluhan kendaraan parkir di bahu {jalan} dan juru parkir "
            "liar memungut Rp10.000 per kendaraan, dua kali lipat tarif resmi.",
            impact="Kemacetan panjang dan pejalan kaki kesulitan menyeberang.",
            ask="Mohon penertiban oleh Dinas Perhubungan.",
            response="Penertiban parkir liar di {jalan} telah dilakukan bersama Satpol PP "
            "dan rambu larangan parkir dipasang.",
        ),
        Issue(
            titles=("Lampu lalu lintas mati di simpang {jalan}",),
            problem="Lampu lalu lintas di simpang {jalan} sudah mati sejak {durasi} lalu.",
            impact="Hampir setiap hari terjadi senggolan kendaraan.",
            ask="Mohon lampu segera diperbaiki.",
            response="Lampu lalu lintas sudah berfungsi kembali setelah penggantian modul kontrol.",
        ),
        Issue(
            titles=("Angkot ngetem sembarangan di {jalan}",),
            problem="Angkutan kota berhenti lama di tikungan {jalan} menunggu penumpang.",
            ask="Mohon ada penertiban dan halte yang jelas.",
            response="Petugas telah menertibkan angkutan kota dan menetapkan titik henti "
            "resmi di {jalan}.",
        ),
    ),
    updates=("Tim Dinas Perhubungan sudah menjadwalkan patroli di lokasi.",),
)

TRANSPORT_IDEAS = Topic(
    key="usul_transportasi",
    category="perhubungan",
    route="unit:DISHUB",
    weight=2,
    type=ASPIRATION,
    confidential=0.0,
    issues=(
        Issue(
            titles=("Usulan rute bus ke {kec}",),
            problem="Warga {kec} belum terlayani angkutan umum massal; kami mengusulkan rute "
            "bus melewati {jalan}.",
            impact="Banyak warga terpaksa memakai ojek dengan biaya tinggi.",
            ask="Mohon usulan ini dipertimbangkan.",
            response="Usulan rute masuk kajian jaringan trayek; uji coba layanan direncanakan "
            "tahun depan.",
        ),
        Issue(
            titles=("Usulan zebra cross di depan {sekolah}",),
            problem="Siswa {sekolah} menyeberang jalan tanpa zebra cross dan tanpa petugas.",
            ask="Mohon dipasang zebra cross dan rambu zona sekolah.",
            response="Terima kasih. Zebra cross dan rambu zona selamat sekolah akan dipasang "
            "bulan ini.",
        ),
    ),
    updates=("Usulan sedang dikaji dalam rencana pengembangan jaringan trayek.",),
)

WASTE = Topic(
    key="sampah",
    category="lingkungan-hidup-kehutanan",
    route="gov",
    weight=6,
    misroute=("KLH",),
    issues=(
        Issue(
            titles=("Sampah menumpuk di TPS {jalan}", "Sampah tidak diangkut selama {durasi}"),
            problem="Sampah di TPS {jalan} sudah menggunung dan meluber ke jalan; truk "
            "pengangkut tidak datang sejak {durasi} lalu.",
            impact="Bau menyengat dan banyak lalat sampai ke rumah warga.",
            ask="Mohon sampah segera diangkut.",
            response="Sampah di TPS {jalan} telah diangkut dan jadwal pengangkutan ditambah "
            "menjadi setiap hari.",
        ),
        Issue(
            titles=("Pembakaran sampah di {kec}",),
            problem="Warga membakar sampah setiap pagi di lahan kosong dekat {rt}, {kec}.",
            impact="Asapnya membuat anak-anak batuk dan sesak.",
            ask="Mohon penertiban dan solusi pengelolaan sampah.",
            response="Petugas telah memberikan sosialisasi, memasang larangan membakar "
            "sampah, dan menambah jadwal angkut.",
        ),
    ),
    updates=("Laporan telah diteruskan ke Dinas Lingkungan Hidup.",),
)

GREEN_SPACE_IDEAS = Topic(
    key="rth",
    category="lingkungan-hidup-kehutanan",
    route="gov",
    weight=2,
    type=ASPIRATION,
    confidential=0.0,
    issues=(
        Issue(
            titles=("Usulan taman bermain ramah anak di {kec}",),
            problem="Kami mengusulkan lahan kosong milik pemerintah di {kec} dijadikan taman "
            "bermain ramah anak.",
            impact="Ruang terbuka hijau di lingkungan kami sangat kurang.",
            ask="Semoga usulan ini dapat dipertimbangkan.",
            response="Terima kasih atas aspirasinya. Usulan masuk daftar prioritas "
            "musrenbang dan dibahas dalam penyusunan RKPD.",
        ),
        Issue(
            titles=("Usulan pohon peneduh di {jalan}",),
            problem="Trotoar {jalan} sangat panas; kami usulkan penanaman pohon peneduh.",
            ask="Mohon usulan ini ditindaklanjuti.",
            response="Dinas terkait akan menanam pohon peneduh di {jalan} pada musim hujan ini.",
        ),
        Issue(
            titles=("Usulan bank sampah di {rt}",),
            problem="Warga {rt} siap mengelola bank sampah jika ada dukungan sarana.",
            ask="Mohon dukungan timbangan dan tempat penampungan.",
            response="Bank sampah {rt} akan mendapat bantuan sarana dan pendampingan dari dinas.",
        ),
    ),
    updates=("Usulan Anda telah dicatat dalam bahan musrenbang kecamatan.",),
)

REGIONAL_TOPICS: tuple[Topic, ...] = (
    ROADS,
    DRAINAGE,
    PUSKESMAS,
    ID_CARDS,
    CIVIL_REGISTRY_INFO,
    SCHOOLS,
    ADMISSIONS_INFO,
    TRAFFIC,
    TRANSPORT_IDEAS,
    WASTE,
    GREEN_SPACE_IDEAS,
)
