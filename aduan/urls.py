from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView

from aduan.core.views import api_not_found, healthz
from aduan.integrations.docs import api_docs

handler500 = "aduan.core.views.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/schema", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/", include("aduan.agencies.api_urls")),
    path("api/v1/", include("aduan.reports.api_urls")),
    path("api/v1/docs", api_docs, name="api-docs"),
    path("api/v1/agency/", include("aduan.integrations.api_urls")),
    path("api/v1/agency/webhooks/", include("aduan.webhooks.api_urls")),
    path("api/v1/", include("aduan.stats.api_urls")),
    re_path(r"^api/(?P<path>.*)$", api_not_found),
    path("open311/v2/", include("aduan.open311.urls")),
    path("channels/sms/", include("aduan.channels.sms.urls")),
    path("channels/email/", include("aduan.channels.email.urls")),
    path("admin/", admin.site.urls),
    path("akun/", include("aduan.accounts.urls")),
    path("audit/", include("aduan.audit.urls")),
    path("petugas/notifikasi/", include("aduan.notifications.urls")),
    path("petugas/kunci-api/", include("aduan.integrations.urls")),
    path("petugas/webhook/", include("aduan.webhooks.urls")),
    path("petugas/statistik/", include("aduan.stats.staff_urls")),
    path("petugas/triase/", include("aduan.triage.urls")),
    path("petugas/duplikat/", include("aduan.dedup.urls")),
    path("petugas/", include("aduan.backoffice.urls")),
    path("statistik/inklusi/", include("aduan.stats.inclusion_urls")),
    path("statistik/", include("aduan.stats.urls")),
    path("data-terbuka/", include("aduan.stats.opendata_urls")),
    path("", include("aduan.reports.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
