"""Regions and districts (API v1), so clients can let people choose where it happened."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.core.api import CodeField, error_responses
from aduan.regions.models import District, Region


class RegionSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display")
    parent = serializers.CharField(source="parent_id", allow_null=True)  # type: ignore[assignment]

    class Meta:
        model = Region
        fields = ["code", "name", "level", "level_label", "parent", "time_zone"]


class DistrictSerializer(serializers.ModelSerializer):
    regency = serializers.CharField(source="regency_id")

    class Meta:
        model = District
        fields = ["code", "name", "regency"]


class RegionListQuerySerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Region.Level.choices, required=False, allow_blank=True)
    parent = CodeField(  # type: ignore[assignment]
        queryset=Region.objects.all(), help_text="Province code: its regencies and cities."
    )


class RegionPagination(LimitOffsetPagination):
    # 38 provinces and 514 regencies: one province always fits on a page.
    default_limit = 100
    max_limit = 1000


class RegionListView(generics.ListAPIView):
    serializer_class = RegionSerializer
    pagination_class = RegionPagination

    def get_queryset(self) -> QuerySet[Region]:
        qs = Region.objects.order_by("code")
        if getattr(self, "swagger_fake_view", False):
            return qs
        query = RegionListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if params.get("level"):
            qs = qs.filter(level=params["level"])
        if params.get("parent") is not None:
            qs = qs.filter(parent=params["parent"])
        return qs

    @extend_schema(
        tags=["catalog"],
        summary="Provinces and regencies/cities (Kemendagri codes)",
        parameters=[RegionListQuerySerializer],
        responses={200: RegionSerializer(many=True), **error_responses(400)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class DistrictListView(generics.ListAPIView):
    serializer_class = DistrictSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[District]:
        if getattr(self, "swagger_fake_view", False):
            return District.objects.none()
        region = generics.get_object_or_404(Region.objects.all(), code=self.kwargs["code"])
        qs = District.objects.order_by("code")
        if region.level == Region.Level.PROVINCE:
            return qs.filter(regency__parent=region)
        return qs.filter(regency=region)

    @extend_schema(
        tags=["catalog"],
        summary="Districts (kecamatan) of a regency/city, or of every regency of a province",
        responses={200: DistrictSerializer(many=True), **error_responses(404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
