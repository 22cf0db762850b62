"""Account pages: sign-in, second factor, staff and unit management."""

from aduan.accounts.views.auth import login_view, logout_view, set_password_view
from aduan.accounts.views.staff import (
    staff_create,
    staff_detail,
    staff_list,
    staff_password_link,
    staff_role_add,
    staff_role_remove,
    staff_status,
    staff_two_factor_reset,
)
from aduan.accounts.views.twofactor import two_factor_setup, two_factor_verify
from aduan.accounts.views.units import unit_create, unit_detail, unit_list, unit_policy

__all__ = [
    "login_view",
    "logout_view",
    "set_password_view",
    "staff_create",
    "staff_detail",
    "staff_list",
    "staff_password_link",
    "staff_role_add",
    "staff_role_remove",
    "staff_status",
    "staff_two_factor_reset",
    "two_factor_setup",
    "two_factor_verify",
    "unit_create",
    "unit_detail",
    "unit_list",
    "unit_policy",
]
