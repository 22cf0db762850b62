"""Shared fixtures: a small agency tree with staff of every role, so every view test can
check the owner, the outsider, the coordinator and the anonymous visitor."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.utils import translation
from pytest_django.plugin import blocking_manager_key

from aduan.agencies.models import Agency, Role
from aduan.core.api import forget_kept_codes
from aduan.regions.models import District, Region
from aduan.reports.forms import clear_choices_cache
from aduan.reports.models import Category
from aduan.sla import calendar, deadlines
from tests.factories import staff


def pytest_ignore_collect(collection_path: Any, config: pytest.Config) -> bool | None:
    """tests/browser (a live server and Chromium) runs only when asked for by path:
    ``make test-browser``; plain ``make test`` leaves it out."""
    if collection_path.name == "browser" and collection_path.parent.name == "tests":
        wanted = any("browser" in str(arg) for arg in config.args)
        return None if wanted else True
    return None


@dataclass
class World:
    desk_agency: Agency
    ombudsman: Agency
    ombudsman_jabar: Agency
    kemenkes: Agency
    bandung: Agency
    bandung_dinkes: Agency
    bandung_pupr: Agency
    surabaya: Agency
    jayapura: Agency
    province_jabar: Region
    region_bandung: Region
    region_surabaya: Region
    region_jayapura: Region
    district_bandung: District
    category_health: Category
    category_roads: Category
    desk: Any
    bandung_admin: Any
    bandung_officer: Any
    dinkes_officer: Any
    surabaya_officer: Any
    coordinator: Any
    ombudsman_officer: Any


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A transactional test ends with a flush, which takes the rows data migrations wrote
    (national targets, compliance settings, SLA limits) with it: once its fixtures are
    torn down, put them back so later tests see the database as migrated."""
    yield
    marker = item.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction") or nextitem is None:
        return  # (after the last test the test database itself is gone)
    with item.config.stash[blocking_manager_key].unblock():
        from django.db import connection

        if "stats_nationaltarget" not in connection.introspection.table_names():
            return  # the test swapped in a database of its own
        importlib.import_module("aduan.stats.migrations.0002_defaults").forwards(django_apps, None)
        sla = importlib.import_module("aduan.sla.migrations.0002_default_limits")
        sla.create_limits(django_apps, None)


@pytest.fixture(autouse=True)
def _clean_caches(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Argon2 is deliberately slow; tests need fast, not strong, hashes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Statistics exact after every event (the freshness window has its own test).
    settings.ADUAN_STATS_FRESHNESS_SECONDS = 0
    # Per-process memory cache: parallel test workers must not share rate-limit counters.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    calendar.clear_cache()
    deadlines.clear_cache()
    clear_choices_cache()
    forget_kept_codes()
    cache.clear()
    # A request through LocaleMiddleware leaves its language active in this thread; every
    # test starts in the default language instead of the previous test's.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def world(db: Any) -> World:
    jabar = Region.objects.create(
        code="32", level="province", name="Jawa Barat", time_zone="Asia/Jakarta"
    )
    bdg = Region.objects.create(
        code="32.73", parent=jabar, level="regency", name="Kota Bandung", time_zone="Asia/Jakarta"
    )
    jatim = Region.objects.create(
        code="35", level="province", name="Jawa Timur", time_zone="Asia/Jakarta"
    )
    sby = Region.objects.create(
        code="35.78", parent=jatim, level="regency", name="Kota Surabaya", time_zone="Asia/Jakarta"
    )
    papua = Region.objects.create(
        code="91", level="province", name="Papua", time_zone="Asia/Jayapura"
    )
    jpr = Region.objects.create(
        code="91.71", parent=papua, level="regency", name="Kota Jayapura", time_zone="Asia/Jayapura"
    )
    district = District.objects.create(code="32.73.01", regency=bdg, name="Sukasari")

    desk_agency = Agency.objects.create(
        code="DESK", name="Admin Nasional SP4N-LAPOR!", kind=Agency.Kind.DESK
    )
    ombudsman = Agency.objects.create(
        code="ORI", name="Ombudsman Republik Indonesia", kind=Agency.Kind.OMBUDSMAN
    )
    ombudsman_jabar = Agency.objects.create(
        code="ORI.JABAR",
        name="Ombudsman RI Perwakilan Jawa Barat",
        kind=Agency.Kind.UNIT,
        parent=ombudsman,
    )
    kemenkes = Agency.objects.create(
        code="KEMENKES", name="Kementerian Kesehatan", kind=Agency.Kind.MINISTRY
    )
    bandung = Agency.objects.create(
        code="32.73", name="Pemerintah Kota Bandung", kind=Agency.Kind.CITY, region=bdg
    )
    dinkes = Agency.objects.create(
        code="32.73.DINKES",
        name="Dinas Kesehatan Kota Bandung",
        kind=Agency.Kind.UNIT,
        parent=bandung,
        region=bdg,
    )
    pupr = Agency.objects.create(
        code="32.73.PUPR",
        name="Dinas PUPR Kota Bandung",
        kind=Agency.Kind.UNIT,
        parent=bandung,
        region=bdg,
    )
    surabaya = Agency.objects.create(
        code="35.78", name="Pemerintah Kota Surabaya", kind=Agency.Kind.CITY, region=sby
    )
    jayapura = Agency.objects.create(
        code="91.71",
        name="Pemerintah Kota Jayapura",
        kind=Agency.Kind.CITY,
        region=jpr,
        time_zone="Asia/Jayapura",
    )
    health = Category.objects.create(code="kesehatan", name="Kesehatan")
    roads = Category.objects.create(
        code="pekerjaan-umum-penataan-ruang", name="Pekerjaan Umum dan Penataan Ruang"
    )
    return World(
        desk_agency=desk_agency,
        ombudsman=ombudsman,
        ombudsman_jabar=ombudsman_jabar,
        kemenkes=kemenkes,
        bandung=bandung,
        bandung_dinkes=dinkes,
        bandung_pupr=pupr,
        surabaya=surabaya,
        jayapura=jayapura,
        province_jabar=jabar,
        region_bandung=bdg,
        region_surabaya=sby,
        region_jayapura=jpr,
        district_bandung=district,
        category_health=health,
        category_roads=roads,
        desk=staff(desk_agency, Role.DESK),
        bandung_admin=staff(bandung, Role.AGENCY_ADMIN),
        bandung_officer=staff(bandung, Role.OFFICER),
        dinkes_officer=staff(dinkes, Role.OFFICER),
        surabaya_officer=staff(surabaya, Role.OFFICER),
        coordinator=staff(bandung, Role.COORDINATOR),
        ombudsman_officer=staff(ombudsman, Role.OMBUDSMAN),
    )
