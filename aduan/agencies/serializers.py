"""Serializers of the public agency directory (API v1)."""

from __future__ import annotations

from rest_framework import serializers

from aduan.agencies.models import Agency
from aduan.core.api import CodeField
from aduan.regions.models import Region


class AgencySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    parent = serializers.SlugRelatedField[Agency](  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True
    )
    region = serializers.CharField(source="region_id", allow_null=True)

    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "abbreviation",
            "kind",
            "kind_label",
            "parent",
            "region",
            "time_zone",
        ]


class AgencyDetailSerializer(AgencySerializer):
    children = serializers.SerializerMethodField(help_text="Codes of active work units.")

    class Meta(AgencySerializer.Meta):
        fields = [*AgencySerializer.Meta.fields, "children"]

    def get_children(self, obj: Agency) -> list[str]:
        return list(
            obj.children.filter(is_active=True).order_by("code").values_list("code", flat=True)
        )


class AgencyListQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Part of the name, code or abbreviation.",
    )
    kind = serializers.ChoiceField(
        choices=[c for c in Agency.Kind.choices if c[0] != Agency.Kind.DESK],
        required=False,
        allow_blank=True,
    )
    parent = CodeField(  # type: ignore[assignment]
        queryset=Agency.objects.all(), help_text="Code of the parent agency."
    )
    region = CodeField(queryset=Region.objects.all(), help_text="Kemendagri region code.")
    top_level = serializers.BooleanField(
        required=False, default=False, help_text="Only agencies without a parent."
    )
