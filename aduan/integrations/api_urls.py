"""Agency API v1, mounted under /api/v1/agency/ (webhook management lives beside it, under
/api/v1/agency/webhooks/)."""

from django.urls import path

from aduan.integrations import docs
from aduan.integrations.api import actions, views
from aduan.triage import api as triage_api

app_name = "agency-api"

R = "reports/<str:tracking_id>"

urlpatterns = [
    path("reports", views.AgencyReportCollectionView.as_view(), name="reports"),
    path(R, views.AgencyReportDetailView.as_view(), name="report"),
    path(f"{R}/accept", actions.AcceptView.as_view(), name="report-accept"),
    path(f"{R}/forward", actions.ForwardView.as_view(), name="report-forward"),
    path(f"{R}/update", actions.UpdateView.as_view(), name="report-update"),
    path(f"{R}/respond", actions.RespondView.as_view(), name="report-respond"),
    path(f"{R}/return-to-desk", actions.ReturnToDeskView.as_view(), name="report-return"),
    path(f"{R}/notes", actions.NoteView.as_view(), name="report-notes"),
    path(f"{R}/triage", triage_api.ReportTriageView.as_view(), name="report-triage"),
    path(
        f"{R}/attachments/<str:token>",
        views.AgencyAttachmentView.as_view(),
        name="report-attachment",
    ),
    path("docs", docs.api_docs, name="docs"),
]
