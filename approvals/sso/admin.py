"""The directory groups' mapping in the admin (superusers; see accounts.backends)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import SsoGroupMapping


@admin.register(SsoGroupMapping)
class SsoGroupMappingAdmin(admin.ModelAdmin):
    list_display = ["group", "committee", "role", "department"]
    list_filter = ["committee__department", "committee__kind", "role"]
    search_fields = ["group", "committee__name", "department__code", "department__name"]
    list_select_related = ["committee", "department"]
    fieldsets = [
        (None, {"fields": ["group"]}),
        (_("Medlemskab"), {"fields": ["committee", "role"]}),
        (_("Administration"), {"fields": ["department"]}),
    ]
