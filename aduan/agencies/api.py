"""Public directory of agencies (API v1): who can receive reports, and their units."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.agencies.models import Agency
from aduan.agencies.serializers import (
    AgencyDetailSerializer,
    AgencyListQuerySerializer,
    AgencySerializer,
)
from aduan.core.api import error_responses


class AgencyPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 500


def directory_agencies() -> QuerySet[Agency]:
    """Agencies a report can go to: active ones; the national desk routes, it is not one."""
    return (
        Agency.objects.filter(is_active=True)
        .exclude(kind=Agency.Kind.DESK)
        .select_related("parent")
        .order_by("code")
    )


def filter_agencies(qs: QuerySet[Agency], params: dict[str, Any]) -> QuerySet[Agency]:
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(abbreviation__icontains=q))
    if params.get("kind"):
        qs = qs.filter(kind=params["kind"])
    if params.get("parent") is not None:
        qs = qs.filter(parent=params["parent"])
    if params.get("region") is not None:
        qs = qs.filter(region=params["region"])
    if params.get("top_level"):
        qs = qs.filter(parent__isnull=True)
    return qs


class AgencyListView(generics.ListAPIView):
    serializer_class = AgencySerializer
    pagination_class = AgencyPagination

    def get_queryset(self) -> QuerySet[Agency]:
        qs = directory_agencies()
        if getattr(self, "swagger_fake_view", False):
            return qs
        query = AgencyListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return filter_agencies(qs, query.validated_data)

    @extend_schema(
        tags=["catalog"],
        summary="List agencies",
        parameters=[AgencyListQuerySerializer],
        responses={200: AgencySerializer(many=True), **error_responses(400)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class AgencyDetailView(generics.RetrieveAPIView):
    serializer_class = AgencyDetailSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Agency]:
        return directory_agencies()

    @extend_schema(
        tags=["catalog"],
        summary="One agency and its work units",
        responses={200: AgencyDetailSerializer, **error_responses(404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
