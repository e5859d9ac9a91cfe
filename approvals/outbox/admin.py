"""The outbox in the admin: every e-mail (workflow, password reset, memo), what was sent to
whom, what waits and why it failed, and "send again" for failed or waiting ones. Read-only
otherwise (an e-mail is what was said). A memo's e-mails are also listed on their memo
(approvals.memos.admin)."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from proposals.admin_scope import DepartmentScopedAdmin

from . import delivery
from .models import Email


@admin.register(Email)
class EmailAdmin(DepartmentScopedAdmin, admin.ModelAdmin):
    department_path = "process__catalogue__department"
    list_display = ("queued_at", "kind", "email", "subject", "status", "attempts", "sent_at", "next_attempt_at")
    list_filter = ("status", "kind")
    search_fields = ("email", "subject", "process__catalogue__title")
    date_hierarchy = "queued_at"
    list_select_related = ("process__catalogue",)
    readonly_fields = (
        "process",
        "kind",
        "key",
        "user",
        "email",
        "subject",
        "queued_at",
        "status",
        "attempts",
        "sent_at",
        "next_attempt_at",
        "claimed_until",
        "message_id",
        "last_error",
        "body",
    )
    exclude = ("html",)
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request):
        # The rows are read-only in the form; sending again is a change of their status.
        return request.user.has_perm("approvals.change_email")

    @admin.action(description=gettext_lazy("Send fejlede og afventende e-mails igen"), permissions=["resend"])
    def resend(self, request, queryset):
        count = delivery.resend(queryset)
        self.message_user(request, _("%(count)s e-mails er sat i kø igen.") % {"count": count}, messages.SUCCESS)
