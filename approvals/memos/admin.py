"""Admin for memos (notater), their deliveries and each process's memo state.

Memos are read-only (an issued memo never changes). Extra admin views, registered through
MemoAdmin.get_urls: an overview of signed-off catalogues with changes not yet told, and per
catalogue a page that shows the pending memo as it will be sent (the same rendering as the
PDF and e-mail), stores an explanatory paragraph for it, or asks for it to be issued now
(the worker or the sweep issues it, never the request). NextMemoInline shows a process's
memo state (when changes were seen, the next memo's paragraph, extra recipients) on the
workflow's process page (approvals/admin.py)."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from proposals.admin_scope import DepartmentScopedAdmin

from .. import policy
from ..outbox import delivery as outbox
from ..outbox.models import Email
from . import detection, issuing, rendering, selectors, tasks
from .models import Memo, MemoDelivery, NextMemo


class MemoDeliveryInline(admin.TabularInline):
    """A memo's recipients with their e-mails' state (the outbox row beside each delivery)."""

    model = MemoDelivery
    extra = 0
    can_delete = False
    fields = ("address", "name", "status", "attempts", "sent_at", "next_attempt_at", "last_error")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("outbox_email")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("e-mail"))
    def address(self, obj):
        return obj.outbox_email.email

    @admin.display(description=gettext_lazy("status"))
    def status(self, obj):
        return obj.outbox_email.get_status_display()

    @admin.display(description=gettext_lazy("forsøg"))
    def attempts(self, obj):
        return obj.outbox_email.attempts

    @admin.display(description=gettext_lazy("sendt"))
    def sent_at(self, obj):
        return obj.outbox_email.sent_at

    @admin.display(description=gettext_lazy("næste forsøg"))
    def next_attempt_at(self, obj):
        return obj.outbox_email.next_attempt_at

    @admin.display(description=gettext_lazy("seneste fejl"))
    def last_error(self, obj):
        return obj.outbox_email.last_error


class NextMemoInline(admin.StackedInline):
    """On the process's change page: the memo state, one row per process (made when first saved)."""

    model = NextMemo
    verbose_name = verbose_name_plural = gettext_lazy("Notater efter godkendelse")
    fields = ("changes_seen_at", "issue_requested_at", "explanation", "extra_recipients")
    readonly_fields = ("changes_seen_at", "issue_requested_at")
    extra = 1
    max_num = 1
    can_delete = False
    classes = ("collapse",)


class MemoIssueForm(forms.Form):
    explanation = forms.CharField(
        label=gettext_lazy("Forklarende afsnit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=gettext_lazy("Valgfrit. Indgår i notatets afsnit om baggrunden."),
    )


@admin.register(Memo)
class MemoAdmin(DepartmentScopedAdmin, admin.ModelAdmin):
    department_path = "process__catalogue__department"
    list_display = ("__str__", "department", "number", "issued_at", "delivery_state", "links")
    list_filter = ("process__catalogue__department", "deliveries__outbox_email__status")
    search_fields = ("process__catalogue__title", "deliveries__outbox_email__email")
    date_hierarchy = "issued_at"
    fields = ("process", "number", "issued_at", "issued_by", "explanation", "change_count", "links")
    readonly_fields = fields
    inlines = [MemoDeliveryInline]
    actions = ["resend_pending"]
    change_list_template = "approvals/memos/admin_change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("process__catalogue__department")
            .defer("pdf", "snapshot", "previous_snapshot", "pages")
            .annotate(
                delivery_count=Count("deliveries", distinct=True),
                sent_count=Count(
                    "deliveries", filter=Q(deliveries__outbox_email__status=Email.Status.SENT), distinct=True
                ),
            )
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("magistratsafdeling"), ordering="process__catalogue__department__code")
    def department(self, obj):
        return obj.process.catalogue.department.code

    @admin.display(description=gettext_lazy("forsendelser"))
    def delivery_state(self, obj):
        return _("%(sent)s af %(total)s sendt") % {"sent": obj.sent_count, "total": obj.delivery_count}

    @admin.display(description=gettext_lazy("ændringer"))
    def change_count(self, obj):
        return len(obj.changes)

    @admin.display(description=gettext_lazy("notat"))
    def links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}?download=1">{}</a>',
            reverse("memos:detail", args=[obj.pk]),
            _("HTML"),
            reverse("memos:pdf", args=[obj.pk]),
            _("PDF"),
        )

    @admin.action(description=gettext_lazy("Send afventende og fejlede forsendelser igen"))
    def resend_pending(self, request, queryset):
        count = outbox.resend(Email.objects.filter(memo_delivery__memo__in=queryset))
        self.message_user(request, _("%(count)s forsendelser er sat i kø igen.") % {"count": count}, messages.SUCCESS)

    # --- "Udsend notat nu" -----------------------------------------------------------

    def get_urls(self):
        extra = [
            path("udsend/", self.admin_site.admin_view(self.issue_overview), name="approvals_memo_issue_overview"),
            path(
                "udsend/<int:process_id>/",
                self.admin_site.admin_view(self.issue_view),
                name="approvals_memo_issue",
            ),
        ]
        return extra + super().get_urls()

    def _may_issue(self, request):
        return request.user.has_perm("approvals.change_catalogueprocess")

    def issue_overview(self, request):
        if not self._may_issue(request):
            return redirect("admin:index")
        rows = []
        for process in selectors.signed_off_processes(request.user):
            rows.append((process, len(detection.pending_changes(process)), detection.due_at(process)))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Udsend notat nu"),
            "opts": self.model._meta,
            "rows": rows,
        }
        return TemplateResponse(request, "approvals/memos/admin_issue_overview.html", context)

    def issue_view(self, request, process_id):
        if not self._may_issue(request):
            return redirect("admin:index")
        processes = policy.instances_user_has_permission_for(request.user, "process.administer")
        process = get_object_or_404(processes.select_related("catalogue__department"), pk=process_id)
        if request.method == "POST":
            form = MemoIssueForm(request.POST)
            if form.is_valid():
                return self._issue_post(request, process, form.cleaned_data["explanation"])
        else:
            form = MemoIssueForm(initial={"explanation": NextMemo.of(process).explanation})
        # The pending memo with the stored paragraph, rendered as the PDF and e-mail render it.
        draft = issuing.draft_memo(process)
        state = NextMemo.of(process)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Udsend notat om ændringer i %(title)s") % {"title": process.catalogue.title},
            "opts": self.model._meta,
            "process": process,
            "form": form,
            "draft": draft,
            "preview": rendering.render_memo_body(draft) if draft is not None and draft.changes else "",
            "recipients": issuing.recipients(process),
            "due_at": detection.due_at(process),
            "issue_requested_at": state.issue_requested_at,
        }
        return TemplateResponse(request, "approvals/memos/admin_issue.html", context)

    def _issue_post(self, request, process, explanation):
        """Save the paragraph, or ask for the memo now: the request is recorded and a worker
        (or, without a broker, the sweep) issues it after this response."""
        here = redirect("admin:approvals_memo_issue", process.pk)
        if "save_explanation" in request.POST:
            issuing.save_explanation(process, explanation)
            self.message_user(request, _("Forklaringen indgår i det næste notat."), messages.SUCCESS)
            return here
        if not detection.pending_changes(process):
            self.message_user(
                request, _("Der er ingen ændringer at meddele; der er ikke udsendt et notat."), messages.WARNING
            )
            return here
        issuing.request_issue(process, actor=request.user, explanation=explanation)
        catalogue_id = process.catalogue_id
        transaction.on_commit(lambda: tasks.enqueue_issue(catalogue_id))
        self.message_user(
            request,
            _(
                "Notat nr. %(number)s udsendes nu i baggrunden. Det står under Notater, når det er "
                "udsendt (normalt inden for et minut)."
            )
            % {"number": issuing.next_memo_number(process)},
            messages.SUCCESS,
        )
        return here
