from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Unknown API paths answer in the API's own error format, not an HTML page."""
    from django.utils.translation import gettext as _

    from aduan.core.api import error_body

    message = _("Alamat API tidak dikenal. Lihat skema di /api/v1/schema.")
    return JsonResponse(error_body("not_found", message), status=404)
