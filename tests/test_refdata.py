"""`aduan loadrefdata`: real CSVs and the agency catalogue, loaded once per module."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aduan.agencies import refdata
from aduan.agencies.management.loaders.agencies import load_agencies
from aduan.agencies.management.loaders.calendar import describe
from aduan.agencies.management.loaders.categories import nice_case
from aduan.agencies.models import Agency
from aduan.regions.models import WIB, WIT, WITA, District, Region
from aduan.reports.models import Category
from aduan.sla.models import CollectiveLeave, SlaLimit

NATIONAL_KINDS = (Agency.Kind.MINISTRY, Agency.Kind.INSTITUTION, Agency.Kind.BUMN)


def clear_reference_data() -> None:
    """Undo a module-scoped load so other test modules start from an empty database."""
    CollectiveLeave.objects.all().delete()
    while Agency.objects.exists():
        # Parents are protected: remove leaves first.
        Agency.objects.filter(children__isnull=True).delete()
    District.objects.all().delete()
    Region.objects.filter(level=Region.Level.REGENCY).delete()
    Region.objects.all().delete()
    Category.objects.all().delete()


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock():
        out = StringIO()
        call_command("loadrefdata", stdout=out)
        yield out.getvalue()
        clear_reference_data()


pytestmark = pytest.mark.usefixtures("loaded")


def count_rows() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "districts": District.objects.count(),
        "categories": Category.objects.count(),
        "agencies": Agency.objects.count(),
        "leave": CollectiveLeave.objects.count(),
        "limits": SlaLimit.objects.count(),
    }


@pytest.mark.django_db
def test_regions_districts_and_categories_are_complete() -> None:
    assert Region.objects.filter(level=Region.Level.PROVINCE).count() == 38
    assert Region.objects.filter(level=Region.Level.REGENCY).count() == 514
    assert District.objects.count() == 7285
    assert Category.objects.count() == 38
    bandung = Region.objects.get(code="32.73")
    assert bandung.name == "Kota Bandung"
    assert bandung.parent_id == "32"
    assert bandung.population == 2591763
    assert District.objects.get(code="32.73.01").regency_id == "32.73"
    # The source abbreviates two regency names; they are stored in full.
    assert Region.objects.get(code="53.02").name == "Kabupaten Timor Tengah Selatan"
    assert not Region.objects.filter(name__startswith="Kab ").exists()


@pytest.mark.django_db
def test_time_zones_follow_the_province() -> None:
    zones = dict(
        Region.objects.filter(code__in=["51", "61", "91.71", "73.71"]).values_list(
            "code", "time_zone"
        )
    )
    assert zones == {"51": WITA, "61": WIB, "91.71": WIT, "73.71": WITA}
    assert Agency.objects.get(code="51.71").time_zone == WITA
    assert Agency.objects.get(code="61.71").time_zone == WIB
    # Units inherit their government's region and time zone.
    unit = Agency.objects.get(code="91.71.DINKES")
    assert (unit.region_id, unit.time_zone) == ("91.71", WIT)
    # A national unit serving one province takes that province's zone.
    assert Agency.objects.get(code="PLN.UID-BALI").time_zone == WITA


@pytest.mark.django_db
def test_category_names_are_nicely_cased() -> None:
    names = set(Category.objects.values_list("name", flat=True))
    for expected in (
        "Ekonomi dan Keuangan",
        "Ketenteraman, Ketertiban Umum, dan Pelindungan Masyarakat",
        "SP4N-LAPOR!",
        "Netralitas ASN",
        "Pelindungan WNI",
        "Program Makan Bergizi Gratis (MBG)",
        "P4GN (Pencegahan dan Pemberantasan Narkotika)",
        "Seleksi Calon Hakim Agung RI",
        "Kekerasan di Satuan Pendidikan",
        "SRGI",
    ):
        assert expected in names
    assert not any(name.isupper() and len(name) > 5 for name in names - {"SP4N-LAPOR!"})


def test_nice_case_keeps_acronyms_and_lowers_function_words() -> None:
    assert nice_case("PELINDUNGAN WNI DI LUAR NEGERI") == "Pelindungan WNI di Luar Negeri"
    assert nice_case("DAN LAIN-LAIN") == "Dan Lain-lain"


@pytest.mark.django_db
def test_regional_governments_and_units() -> None:
    bandung = Agency.objects.get(code="32.73")
    assert bandung.name == "Pemerintah Kota Bandung"
    assert (bandung.kind, bandung.region_id, bandung.parent_id) == (Agency.Kind.CITY, "32.73", None)
    assert Agency.objects.get(code="11").name == "Pemerintah Aceh"
    assert Agency.objects.get(code="32").name == "Pemerintah Provinsi Jawa Barat"
    assert Agency.objects.get(code="31").name == (
        "Pemerintah Provinsi Daerah Khusus Ibukota Jakarta"
    )
    regency = Agency.objects.get(code="32.04")
    assert (regency.name, regency.kind) == ("Pemerintah Kabupaten Bandung", Agency.Kind.REGENCY)

    dinkes = Agency.objects.get(code="32.73.DINKES")
    assert dinkes.parent == bandung
    assert dinkes.name == "Dinas Kesehatan Kota Bandung"
    assert dinkes.kind == Agency.Kind.UNIT
    assert dinkes.path == "/32.73/32.73.DINKES/"
    assert dinkes.is_within(bandung)
    assert Agency.objects.get(code="32.DINKES").name == "Dinas Kesehatan Provinsi Jawa Barat"
    # Every government has the typical units.
    governments = Agency.objects.filter(
        kind__in=[Agency.Kind.PROVINCE, Agency.Kind.REGENCY, Agency.Kind.CITY]
    )
    assert governments.count() == 38 + 514
    for unit in refdata.REGIONAL_UNITS:
        assert Agency.objects.filter(code__endswith=f".{unit.abbr}").count() == 38 + 514


@pytest.mark.django_db
def test_jakarta_administrative_cities_sit_under_the_province() -> None:
    city = Agency.objects.get(code="31.74")
    assert city.parent is not None and city.parent.code == "31"
    assert city.path == "/31/31.74/"
    assert Agency.objects.get(code="31.74.DINKES").name.startswith("Suku Dinas Kesehatan")


@pytest.mark.django_db
def test_national_catalogue() -> None:
    desk = Agency.objects.get(code="LAPOR")
    assert (desk.kind, desk.name) == (Agency.Kind.DESK, "Admin Nasional SP4N-LAPOR!")
    ombudsman = Agency.objects.get(code="ORI")
    assert ombudsman.kind == Agency.Kind.OMBUDSMAN
    assert ombudsman.parent is None  # the lifecycle escalates to the top-level Ombudsman
    assert ombudsman.name == "Ombudsman Republik Indonesia"
    assert Agency.objects.filter(kind__in=NATIONAL_KINDS, parent=None).count() >= 30
    expected = {
        "KEMENKES": ("Kementerian Kesehatan", Agency.Kind.MINISTRY),
        "KEMENDIKDASMEN": ("Kementerian Pendidikan Dasar dan Menengah", Agency.Kind.MINISTRY),
        "POLRI": ("Kepolisian Negara Republik Indonesia", Agency.Kind.INSTITUTION),
        "BPJS-KESEHATAN": (
            "Badan Penyelenggara Jaminan Sosial Kesehatan",
            Agency.Kind.INSTITUTION,
        ),
        "PLN": ("PT PLN (Persero)", Agency.Kind.BUMN),
    }
    for code, (name, kind) in expected.items():
        agency = Agency.objects.get(code=code)
        assert (agency.name, agency.kind) == (name, kind)
    unit = Agency.objects.get(code="KEMENKES.DITJEN-KESLAN")
    assert unit.parent is not None and unit.parent.code == "KEMENKES"
    assert unit.path == "/KEMENKES/KEMENKES.DITJEN-KESLAN/"


@pytest.mark.django_db
def test_every_path_is_what_save_would_compute() -> None:
    agencies = {a.pk: a for a in Agency.objects.all()}
    for agency in agencies.values():
        parent = agencies.get(agency.parent_id) if agency.parent_id else None
        assert agency.path == f"{parent.path if parent else '/'}{agency.code}/"
    assert all(len(a.abbreviation) <= 40 for a in agencies.values())


@pytest.mark.django_db
def test_collective_leave_is_loaded_in_indonesian() -> None:
    idulfitri = CollectiveLeave.objects.get(date=date(2025, 4, 2))
    assert idulfitri.description == "Cuti bersama Idulfitri"
    years = set(CollectiveLeave.objects.dates("date", "year").values_list("date__year", flat=True))
    assert {2019, 2024, 2025, date.today().year}.issubset(years)
    assert not CollectiveLeave.objects.filter(description__icontains="holiday").exists()


def test_holiday_names_are_translated() -> None:
    assert describe("Eid al-Fitr Joint Holiday", "") == "Cuti bersama Idulfitri"
    assert describe("Eid al-Fitr Joint Holiday (observed)", "") == (
        "Cuti bersama Idulfitri (pengganti)"
    )
    assert describe("Some New Joint Holiday", "Cuti Bersama Baru") == "Cuti Bersama Baru"


@pytest.mark.django_db
def test_second_run_changes_nothing() -> None:
    before = count_rows()
    out = StringIO()
    call_command("loadrefdata", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 6
    assert all(" 0 dibuat, 0 diperbarui" in line for line in lines), lines
    assert count_rows() == before


@pytest.mark.django_db
def test_reload_restores_catalogue_but_keeps_admin_edited_leave() -> None:
    CollectiveLeave.objects.filter(date=date(2025, 4, 2)).update(description="Diubah admin")
    Agency.objects.filter(code="32.73").update(name="Nama keliru")
    District.objects.filter(code="32.73.01").delete()
    out = StringIO()
    call_command("loadrefdata", stdout=out)
    assert CollectiveLeave.objects.get(date=date(2025, 4, 2)).description == "Diubah admin"
    assert Agency.objects.get(code="32.73").name == "Pemerintah Kota Bandung"
    assert District.objects.filter(code="32.73.01").exists()
    assert "Instansi: 0 dibuat, 1 diperbarui" in out.getvalue()
    assert "Kecamatan: 1 dibuat, 0 diperbarui" in out.getvalue()


@pytest.mark.django_db
def test_catalogue_with_unknown_parent_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = [*refdata.NATIONAL_AGENCIES, refdata.CatalogueEntry("X.Y", "X", "X", "unit", "NOPE")]
    monkeypatch.setattr(refdata, "NATIONAL_AGENCIES", broken)
    before = Agency.objects.count()
    with pytest.raises(CommandError, match="NOPE"):
        load_agencies()
    assert Agency.objects.count() == before
