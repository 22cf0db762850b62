from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@csrf_exempt  # changes nothing; a POST to an unknown address is a 404, not a CSRF page
def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Unknown API paths answer in the API's own error format, not an HTML page."""
    from django.utils.translation import gettext as _

    from aduan.core.api import error_body

    message = _("Alamat API tidak dikenal. Lihat skema di /api/v1/schema.")
    return JsonResponse(error_body("not_found", message), status=404)


# Paths answered in JSON when something fails (machine clients read the body).
MACHINE_PREFIXES = ("/api/", "/open311/", "/channels/", "/healthz")


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database that cannot be reached is a 503 with a retry hint.

    Django calls this inside the ``except`` of the request that failed, wherever it failed
    (a view, a middleware loading the session, DRF), so one place covers every path. A
    connection refused, a server restarting or SQLite staying locked past its busy timeout
    all mean "try again shortly", never "something is broken": clients and load balancers
    act on 503 + ``Retry-After``. The transaction of the request was rolled back, so
    nothing partial is stored. Anything else is the plain 500 page.
    """
    import sys

    from django.conf import settings
    from django.db import InterfaceError, OperationalError
    from django.template import loader
    from django.utils.translation import gettext as _

    from aduan.core.api import error_body

    exc = sys.exc_info()[1]
    unavailable = isinstance(exc, OperationalError | InterfaceError)
    status = 503 if unavailable else 500
    retry_after = settings.ADUAN_RETRY_AFTER_SECONDS
    if request.path.startswith(MACHINE_PREFIXES):
        if unavailable:
            body = error_body(
                "unavailable",
                _("Basis data sedang tidak dapat dihubungi. Kirim ulang dalam %(s)d detik.")
                % {"s": retry_after},
            )
        else:
            body = error_body("server_error", _("Terjadi kesalahan di server."))
        response: HttpResponse = JsonResponse(body, status=status)
    else:
        name = "503.html" if unavailable else "500.html"
        response = HttpResponse(
            loader.get_template(name).render({"retry_after": retry_after}), status=status
        )
    if unavailable:
        response["Retry-After"] = str(retry_after)
    return response
