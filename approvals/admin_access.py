"""Admin of who administers which department (approvals.policy). Superusers only: a
department's administrator must not be able to give themselves another department."""

from django.contrib import admin

from .models import DepartmentAdministrator


@admin.register(DepartmentAdministrator)
class DepartmentAdministratorAdmin(admin.ModelAdmin):
    list_display = ("user", "department")
    list_filter = ("department",)
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name")
    autocomplete_fields = ("user",)
    list_select_related = ("user", "department")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)
