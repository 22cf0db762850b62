"""Response templates: agency admins write them; officers pick them on the report page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from aduan.accounts.guards import staff_required
from aduan.backoffice import selectors, services
from aduan.backoffice.forms.templates import ResponseTemplateForm
from aduan.backoffice.models import ResponseTemplate
from aduan.backoffice.views.common import refuse, scope_of
from aduan.reports import access

ADMINS_ONLY = gettext_lazy("Templat tanggapan dikelola oleh admin instansi.")


def _managed_or_404(request: HttpRequest, pk: int) -> ResponseTemplate:
    template = ResponseTemplate.objects.select_related("agency").filter(pk=pk).first()
    if template is None or not access.can_manage_template_of(scope_of(request), template.agency):
        raise Http404
    return template


@require_http_methods(["GET"])
@staff_required
def template_list(request: HttpRequest) -> HttpResponse:
    agencies = access.template_admin_agencies(scope_of(request))
    if not agencies:
        return refuse(request, str(ADMINS_ONLY))
    context = {"templates": selectors.managed_templates(agencies)}
    return render(request, "backoffice/templates_list.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def template_create(request: HttpRequest) -> HttpResponse:
    agencies = access.template_admin_agencies(scope_of(request))
    if not agencies:
        return refuse(request, str(ADMINS_ONLY))
    form = ResponseTemplateForm(request.POST or None, admin_agencies=agencies)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.response_template_create(
            agency=d["agency"], title=d["title"], body=d["body"], created_by=request.user
        )
        messages.success(request, _("Templat “%(title)s” disimpan.") % {"title": d["title"]})
        return redirect("backoffice:templates")
    status = 400 if form.is_bound else 200
    context = {"form": form, "template": None}
    return render(request, "backoffice/template_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = _managed_or_404(request, pk)
    agencies = access.template_admin_agencies(scope_of(request))
    initial = {
        "agency": template.agency.code,
        "title": template.title,
        "body": template.body,
        "is_active": template.is_active,
    }
    form = ResponseTemplateForm(request.POST or None, initial=initial, admin_agencies=agencies)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.response_template_update(
            template=template,
            agency=d["agency"],
            title=d["title"],
            body=d["body"],
            is_active=d["is_active"],
        )
        messages.success(request, _("Templat “%(title)s” diperbarui.") % {"title": d["title"]})
        return redirect("backoffice:templates")
    status = 400 if form.is_bound else 200
    context = {"form": form, "template": template}
    return render(request, "backoffice/template_form.html", context, status=status)


@require_POST
@staff_required
def template_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    template = _managed_or_404(request, pk)
    services.response_template_deactivate(template=template)
    messages.success(request, _("Templat “%(title)s” dinonaktifkan.") % {"title": template.title})
    return redirect("backoffice:templates")
