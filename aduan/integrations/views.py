"""Staff pages for API keys: list, create (the key is shown once), revoke.

For the desk (any agency) and agency admins (their own subtree); officers and coordinators
get 403, and a key outside the admin's subtree answers 404 as if it did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aduan.accounts.guards import staff_required
from aduan.agencies.models import Agency
from aduan.core.middleware import keep_address_private
from aduan.integrations import selectors, services
from aduan.integrations.forms import ApiKeyCreateForm
from aduan.reports import access
from aduan.reports.access import StaffScope

PAGE_SIZE = 50


def _scope(request: HttpRequest) -> StaffScope:
    scope: StaffScope = request.staff_scope  # type: ignore[attr-defined]
    return scope


def _manageable(request: HttpRequest) -> QuerySet[Agency]:
    agencies = access.api_key_admin_agencies(_scope(request))
    if agencies is None:
        raise PermissionDenied
    return agencies


def _list_page(request: HttpRequest, form: ApiKeyCreateForm, *, status: int = 200) -> HttpResponse:
    keys = selectors.api_keys_for(_scope(request)).order_by("-created_at", "-id")
    page = Paginator(keys, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "keys": page.object_list}
    return render(request, "integrations/keys.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def key_list(request: HttpRequest) -> HttpResponse:
    agencies = _manageable(request)
    if request.method != "POST":
        return _list_page(request, ApiKeyCreateForm(agencies=agencies))
    form = ApiKeyCreateForm(request.POST, agencies=agencies)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    key, raw = services.api_key_issue(
        agency=form.cleaned_data["agency"],
        name=form.cleaned_data["name"],
        scopes=form.cleaned_data["scopes"],
        by=request.user,
        request=request,
    )
    # The raw key lives only in this response: no redirect, no session, no cache.
    response = render(request, "integrations/key_created.html", {"key": key, "raw": raw})
    add_never_cache_headers(response)
    return keep_address_private(response)


@staff_required
@require_POST
def key_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    _manageable(request)
    key = selectors.api_key_by_prefix(_scope(request), prefix)
    if key is None:
        raise Http404
    if services.api_key_withdraw(key=key, by=request.user, request=request):
        messages.success(
            request,
            _("Kunci “%(name)s” (%(prefix)s…) dicabut; sistem yang memakainya langsung ditolak.")
            % {"name": key.name, "prefix": key.prefix},
        )
    else:
        messages.info(request, _("Kunci ini sudah dicabut sebelumnya."))
    return redirect("integrations:keys")
