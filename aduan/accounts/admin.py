from django.contrib import admin

from aduan.accounts.models import AgencySecurityPolicy


@admin.register(AgencySecurityPolicy)
class AgencySecurityPolicyAdmin(admin.ModelAdmin[AgencySecurityPolicy]):
    list_display = ["agency", "require_two_factor", "updated_by", "updated_at"]
    list_filter = ["require_two_factor"]
    search_fields = ["agency__code", "agency__name"]
    raw_id_fields = ["agency", "updated_by"]
    readonly_fields = ["updated_by", "updated_at"]
