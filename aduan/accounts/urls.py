"""Account pages under /akun/ (Bahasa Indonesia paths)."""

from django.urls import path

from aduan.accounts import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.login_view, name="login"),
    path("keluar/", views.logout_view, name="logout"),
    path("atur-sandi/<uidb64>/<token>/", views.set_password_view, name="set-password"),
    path("2fa/", views.two_factor_setup, name="two-factor"),
    path("2fa/verifikasi/", views.two_factor_verify, name="two-factor-verify"),
    path("staf/", views.staff_list, name="staff-list"),
    path("staf/tambah/", views.staff_create, name="staff-create"),
    path("staf/<int:user_id>/", views.staff_detail, name="staff-detail"),
    path("staf/<int:user_id>/peran/", views.staff_role_add, name="staff-role-add"),
    path(
        "staf/<int:user_id>/peran/<int:membership_id>/cabut/",
        views.staff_role_remove,
        name="staff-role-remove",
    ),
    path("staf/<int:user_id>/status/", views.staff_status, name="staff-status"),
    path(
        "staf/<int:user_id>/2fa/hapus/",
        views.staff_two_factor_reset,
        name="staff-two-factor-reset",
    ),
    path("staf/<int:user_id>/tautan-sandi/", views.staff_password_link, name="staff-password-link"),
    path("unit/", views.unit_list, name="unit-list"),
    path("unit/tambah/", views.unit_create, name="unit-create"),
    path("unit/<str:code>/", views.unit_detail, name="unit-detail"),
    path("unit/<str:code>/keamanan/", views.unit_policy, name="unit-policy"),
]
