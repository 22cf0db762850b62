from django.contrib import admin

from aduan.reports.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ["code", "name", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["code", "name"]


# Reports are deliberately not editable here: every change goes through the lifecycle
# (aduan.reports.lifecycle.transition) so that it is guarded, evented and notified.
