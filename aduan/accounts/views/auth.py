"""Signing in and out, the lockout page, and choosing a password from a one-time link."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from axes.helpers import get_cool_off
from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView, PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.accounts import twofactor
from aduan.accounts.forms import LoginForm, NewPasswordForm
from aduan.agencies.models import Membership


class StaffLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        if twofactor.has_confirmed_device(form.get_user()):
            # Straight on to the code, keeping where the person was going.
            query = urlencode({"next": self.get_success_url()})
            return redirect(f"{reverse('accounts:two-factor-verify')}?{query}")
        return response

    def get_default_redirect_url(self) -> str:
        # Citizens with an account (no staff membership) go to their own reports.
        user = self.request.user
        if user.is_authenticated and not Membership.objects.filter(user_id=user.pk).exists():
            return reverse("reports:mine")
        return str(super().get_default_redirect_url())

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        if getattr(self.request, "axes_locked_out", False):
            # django-axes flagged this attempt; answer with our own page here and tell
            # AxesMiddleware the lockout is handled (it would send a bare text page).
            self.request.axes_locked_out = False  # type: ignore[attr-defined]
            return lockout_response(self.request)
        return super().form_invalid(form)


login_view = StaffLoginView.as_view()


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("Anda telah keluar."))
    return redirect("accounts:login")


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes calls this (``AXES_LOCKOUT_CALLABLE``) when a username + address pair
    has failed too often: a page that says what happened and when to try again."""
    cool_off = get_cool_off(request) or timedelta(minutes=15)
    context = {
        "minutes": max(1, int(cool_off.total_seconds() // 60)),
        "until": timezone.now() + cool_off,
    }
    return render(request, "accounts/locked_out.html", context, status=429)


class SetPasswordView(PasswordResetConfirmView):
    """The one-time set-password link from a new account (or an admin's re-send)."""

    template_name = "accounts/set_password.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form: NewPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # A fresh password ends an earlier lockout of the same account.
        axes_reset(username=form.user.get_username())
        messages.success(self.request, _("Kata sandi tersimpan. Silakan masuk."))
        return response


set_password_view = SetPasswordView.as_view()
