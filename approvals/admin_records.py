"""Admin building blocks for what the workflow writes (processes, responses, reviews,
sign-offs): shown and scoped to the user's departments, never added or deleted by hand."""

from django.contrib import admin

from proposals.admin_scope import DepartmentScopedAdmin


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StanceInline(ReadOnlyInline):
    """An LMU's or the HMU's stance on each proposal (models.StanceOnProposal)."""

    fields = ("proposal", "stance", "comment")
    readonly_fields = fields


class WorkflowRecordAdmin(DepartmentScopedAdmin, admin.ModelAdmin):
    """Made by the workflow, not in the admin: no add, no delete."""

    department_path = "process__catalogue__department"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyRecordAdmin(WorkflowRecordAdmin):
    """A record that stays as it was written (a decision): no change either."""

    def has_change_permission(self, request, obj=None):
        return False
