"""OpenAPI pieces shared by the agency endpoints: tag, parameters, error responses."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from aduan.core.api import ErrorSerializer, error_body

TAG = "agency"

TRACKING_ID_PARAM = OpenApiParameter(
    "tracking_id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Tracking ID; hyphens, spaces and case are ignored.",
)

IDEMPOTENCY_PARAM = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Up to 200 printable ASCII characters, e.g. a UUID. A retry with the same "
    "key and body replays the first answer (`Idempotent-Replayed: true`) instead of acting "
    "twice; the same key with another body answers `422`.",
)


def _error(status: int, description: str, code: str, message: str) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer,
        description=description,
        examples=[
            OpenApiExample(
                code,
                value=error_body(code, message),
                response_only=True,
                status_codes=[str(status)],
            )
        ],
    )


AUTH_ERRORS: dict[int, OpenApiResponse] = {
    401: _error(
        401,
        "No key, an unknown or revoked key, or a key of an inactive agency "
        "(`missing_api_key`, `invalid_api_key`); the answer carries `WWW-Authenticate: Bearer`.",
        "invalid_api_key",
        "Kunci API tidak dikenal, sudah dicabut, atau instansinya tidak aktif.",
    ),
    403: _error(
        403,
        "The key lacks the scope this endpoint needs (`insufficient_scope`), or the "
        "lifecycle does not let your agency take this action (`not_permitted`).",
        "insufficient_scope",
        "Kunci API ini tidak memiliki cakupan “write” yang diperlukan di sini.",
    ),
    429: _error(
        429,
        "Too many requests for this key (default 120 per minute); wait `Retry-After` "
        "seconds. Every answer carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and "
        "`X-RateLimit-Reset`.",
        "rate_limited",
        "Terlalu banyak permintaan. Coba lagi dalam 42 detik (lihat header Retry-After).",
    ),
}

CONFLICT_ERROR = _error(
    409,
    "The report's state does not allow this action now (`invalid_state`), or someone "
    "changed it at the same moment (`conflict`): read it again and retry.",
    "invalid_state",
    "Tindakan ini tidak dapat dilakukan pada laporan berstatus “Selesai”.",
)
