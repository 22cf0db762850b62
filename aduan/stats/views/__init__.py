"""Statistics pages: the public dashboards (/statistik/) and the staff versions with
internals (/petugas/statistik/)."""

from aduan.stats.views.public import agency, compliance_index, national, region
from aduan.stats.views.staff import (
    coordinator,
    print_report,
    staff_agency,
    staff_national,
    staff_region,
)

__all__ = [
    "agency",
    "compliance_index",
    "coordinator",
    "national",
    "print_report",
    "region",
    "staff_agency",
    "staff_national",
    "staff_region",
]
