"""Directory identities in the admin (superusers only): which account signs in as which
directory identity; linking a local account to the directory (add a row for the account: it is
bound at the account's next single sign-on with its user name), and unlinking (delete the row)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import SsoIdentity


@admin.register(SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "linked", "issuer", "subject", "linked_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "subject"]
    autocomplete_fields = ["user"]
    readonly_fields = ["issuer", "subject", "created_at", "linked_at"]
    fields = ["user", "issuer", "subject", "created_at", "linked_at"]

    @admin.display(boolean=True, description=_("knyttet"))
    def linked(self, identity):
        return not identity.awaiting_sign_in

    def get_readonly_fields(self, request, obj=None):
        # An identity belongs to its account: moving it to another account would be a takeover.
        return [*self.readonly_fields, "user"] if obj else self.readonly_fields

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
