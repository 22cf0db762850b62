from django.contrib import admin

from aduan.regions.models import District, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ["code", "name", "level", "time_zone", "population"]
    list_filter = ["level", "time_zone"]
    search_fields = ["code", "name"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin[District]):
    list_display = ["code", "name", "regency"]
    search_fields = ["code", "name"]
    raw_id_fields = ["regency"]
