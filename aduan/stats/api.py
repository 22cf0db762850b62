"""``GET /api/v1/stats``: the performance figures of :mod:`aduan.stats.kpis` as JSON.

Public: every figure is an aggregate (no report is ever listed), computed from the
rollups. Anyone may call it, without a key; a per-address throttle
(``ADUAN_RATE_STATS_PER_MINUTE``, default 120) keeps it cheap.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from aduan.core.api import error_response, error_responses
from aduan.stats import kpis

CACHE_SECONDS = 60


class StatsThrottle(SimpleRateThrottle):
    scope = "stats"

    def get_rate(self) -> str:
        return f"{int(getattr(settings, 'ADUAN_RATE_STATS_PER_MINUTE', 120))}/min"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _kind(values: str) -> serializers.CharField:
    return serializers.CharField(help_text=f"One of: {values}.")


class CrumbSerializer(serializers.Serializer[Any]):
    kind = _kind("national, region, agency")
    code = serializers.CharField()
    name = serializers.CharField()


class ScopeSerializer(serializers.Serializer[Any]):
    kind = _kind("national, region, agency")
    code = serializers.CharField(help_text="Region or agency code; empty for national.")
    name = serializers.CharField()
    level = serializers.CharField(
        help_text="national, province, regency, or the agency kind (ministry, unit, ...)."
    )
    breadcrumbs = CrumbSerializer(many=True)


class PeriodSerializer(serializers.Serializer[Any]):
    kind = _kind("year, month, range")
    start = serializers.DateField()
    end = serializers.DateField(help_text="Inclusive.")
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label


class CountSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    count = serializers.IntegerField()


class DurationsSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(help_text="Reports measured.")
    median = serializers.FloatField(allow_null=True, help_text="Working days.")
    p90 = serializers.FloatField(allow_null=True, help_text="Working days.")


def _rate(help_text: str) -> serializers.FloatField:
    return serializers.FloatField(
        allow_null=True, min_value=0, max_value=1, help_text=f"{help_text} Null: no data."
    )


class StatsSerializer(serializers.Serializer[Any]):
    """All figures of one scope and period: the cohort of reports received in it."""

    scope = ScopeSerializer()
    period = PeriodSerializer()
    received = serializers.IntegerField()
    verified = serializers.IntegerField()
    dispatched = serializers.IntegerField()
    rejected = serializers.IntegerField()
    rejected_by_reason = CountSerializer(many=True)
    followed_up = serializers.IntegerField()
    follow_up_rate = _rate("followed_up / dispatched.")
    first_response_on_time = serializers.IntegerField()
    first_response_measured = serializers.IntegerField(
        help_text="First responses given plus deadlines passed without one."
    )
    on_time_first_response_rate = _rate("first_response_on_time / first_response_measured.")
    completion_on_time = serializers.IntegerField()
    completion_measured = serializers.IntegerField()
    on_time_completion_rate = _rate("completion_on_time / completion_measured.")
    verify_days = DurationsSerializer()
    first_response_days = DurationsSerializer()
    completion_days = DurationsSerializer()
    bounced = serializers.IntegerField(help_text="Reports returned as 'bukan wewenang'.")
    bounces = serializers.IntegerField(help_text="All returns as 'bukan wewenang'.")
    bounce_rate = _rate("bounced / dispatched.")
    rated = serializers.IntegerField()
    satisfaction_avg = serializers.FloatField(allow_null=True, help_text="Mean rating, 1–5.")
    satisfied_rate = _rate("Ratings of 4 or 5 / rated.")
    resolved_answered = serializers.IntegerField()
    resolved_yes = serializers.IntegerField()
    resolved_share = _rate("resolved_yes / resolved_answered.")
    backlog = serializers.IntegerField(help_text="Reports of the period still open.")
    overdue = serializers.IntegerField(help_text="Of those, past their current deadline.")
    by_channel = CountSerializer(many=True)
    by_category = CountSerializer(many=True)
    by_type = CountSerializer(many=True)
    by_status = CountSerializer(many=True)
    computed_at = serializers.DateTimeField()


def represent(figures: kpis.Kpis) -> dict[str, Any]:
    data = asdict(figures)
    scope = data.pop("scope")
    period = data.pop("period")
    head: dict[str, Any] = {}
    head["scope"] = {
        "kind": scope["kind"],
        "code": scope["code"],
        "name": scope["name"],
        "level": scope["level"],
        "breadcrumbs": scope["crumbs"],
    }
    head["period"] = {
        "kind": period["kind"],
        "start": period["start"].isoformat(),
        "end": period["end"].isoformat(),
        "label": period["label"],
    }
    data["computed_at"] = figures.computed_at.isoformat()
    return head | data


QUERY_PARAMETERS = [
    OpenApiParameter(
        "scope",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        enum=["national", "region", "agency"],
        description="Where to count. Default: national.",
    ),
    OpenApiParameter(
        "code",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description="Region code (`32` province, `32.73` regency/city) or agency code; "
        "required for `region` and `agency`. An agency includes its units.",
    ),
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description="`YYYY` or `YYYY-MM`. Default: the current year. Not with from/to.",
    ),
    OpenApiParameter(
        "from", OpenApiTypes.DATE, OpenApiParameter.QUERY, description="First day (inclusive)."
    ),
    OpenApiParameter(
        "to", OpenApiTypes.DATE, OpenApiParameter.QUERY, description="Last day (inclusive)."
    ),
]


class StatsView(APIView):
    throttle_classes = [StatsThrottle]

    @extend_schema(
        tags=["stats"],
        summary="Performance figures",
        operation_id="stats_read",
        description="Performance of government for a scope and period (DESIGN §6): reports "
        "received, verified, dispatched, rejected by reason; follow-up rate; on-time first "
        "response and completion; median and p90 durations in working days; bounce rate "
        "('bukan wewenang'); satisfaction; backlog and overdue; breakdowns by channel, "
        "category, type and status. Figures cover the reports *received* in the period "
        "(a cohort) and what has happened to them so far. Rates are fractions (0–1) or "
        "null when nothing could be measured. Aggregates only, public.",
        parameters=QUERY_PARAMETERS,
        responses={200: StatsSerializer, **error_responses(400, 404)},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        try:
            period = kpis.parse_period(params.get("period"), params.get("from"), params.get("to"))
            scope = kpis.resolve_scope(params.get("scope"), params.get("code"))
        except kpis.StatsInputError as exc:
            return error_response("invalid", exc.message, status_code=400, field=exc.field)
        except kpis.ScopeNotFound as exc:
            return error_response("not_found", exc.message, status_code=404, field=exc.field)
        response = Response(represent(kpis.compute_kpis(scope, period)))
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        return response
