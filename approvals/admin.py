"""Admin for committees and the workflow. Memo admin is in memos/admin.py.

The workflow actions exist here too: one per rule of approvals.transitions (generated from the
table, with the rule's form on an intermediate page when it asks for more than a note), plus
reopening a response. They call services.perform like the pages' buttons, so the same rules
hold, and a refusal is shown as a message. Hearing
responses, HMU reviews and sign-offs are read-only here: they are written by their bodies."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from proposals.admin_scope import DepartmentScopedAdmin
from proposals.figures import CatalogueFigures

from . import (
    admin_access,  # noqa: F401  (who administers which department)
    policy,
    services,
    transitions,
)
from .admin_actions import ReasonForm, ReopenForm, reopen_responses, transition_action
from .admin_records import ReadOnlyInline, ReadOnlyRecordAdmin, StanceInline, WorkflowRecordAdmin
from .exceptions import WorkflowError
from .memos import admin as memo_admin  # noqa: F401  (memos and their deliveries)
from .models import (
    CatalogueProcess,
    Committee,
    HearingReminder,
    HearingResponse,
    HmuPosition,
    HmuReview,
    Membership,
    ProposalStance,
    SignOff,
    Transition,
)
from .outbox import admin as outbox_admin  # noqa: F401  (the workflow's e-mails)
from .sso import admin as sso_admin  # noqa: F401  (the single sign-on group mapping)

State = CatalogueProcess.State


# --- committees ---------------------------------------------------------------------------------


MEMBER_FIELD = ("approvals", "membership", "user")  # the search's source, as Django's autocomplete names it


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ("user",)


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class UserAdmin(auth_admin.UserAdmin):
    """Django's user admin (superusers only); and the search behind the user field of a
    committee's membership rows (admin/autocomplete/), which the policy opens to a department's
    administrators, who administer its committees' memberships: who may search
    and whom it finds (the policy's ``user.add_to_committee``)."""

    def _member_search(self, request):
        match = request.resolver_match
        source = (request.GET.get("app_label"), request.GET.get("model_name"), request.GET.get("field_name"))
        return match is not None and match.view_name == "admin:autocomplete" and source == MEMBER_FIELD

    def has_view_permission(self, request, obj=None):
        if obj is None and self._member_search(request):
            return policy.user_has_permission(request.user, "user.add_to_committee")
        return super().has_view_permission(request, obj)

    def get_queryset(self, request):
        if self._member_search(request):
            return policy.instances_user_has_permission_for(
                request.user, "user.add_to_committee", super().get_queryset(request)
            )
        return super().get_queryset(request)


@admin.register(Committee)
class CommitteeAdmin(DepartmentScopedAdmin, admin.ModelAdmin):
    scoped_choices = {"department": ""}
    list_display = ("name", "kind", "department", "member_count")
    list_filter = ("kind", "department")
    search_fields = ("name", "members__username", "members__email")
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department").annotate(n_members=Count("memberships"))

    @admin.display(description=gettext_lazy("medlemmer"), ordering="n_members")
    def member_count(self, obj):
        return obj.n_members


# --- catalogue process --------------------------------------------------------------------------------


class TransitionInline(ReadOnlyInline):
    model = Transition
    fields = ("at", "from_state", "to_state", "actor", "note")
    readonly_fields = fields
    ordering = ("at", "id")
    verbose_name_plural = gettext_lazy("Statusskift (log)")


class HearingResponseInline(ReadOnlyInline):
    model = HearingResponse
    fields = ("link", "status", "submitted_at", "submitted_by", "updated_at")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("udvalg"))
    def link(self, obj):
        url = reverse("admin:approvals_hearingresponse_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.committee)


class CatalogueProcessForm(forms.ModelForm):
    class Meta:
        model = CatalogueProcess
        fields = (
            "heard_committees",
            "hearing_deadline",
            "hmu_meeting",
            "signoff_meeting",
        )
        widgets = {"heard_committees": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("heard_committees")
        if field is not None and self.instance.pk:
            field.queryset = Committee.objects.filter(
                kind=Committee.Kind.LMU, department_id=self.instance.catalogue.department_id
            )

    def clean(self):
        data = super().clean()
        if "heard_committees" in self.fields:
            try:
                services.check_hearing_configuration(
                    self.instance,
                    committees=list(data.get("heard_committees") or []),
                    hearing_deadline=data.get("hearing_deadline"),
                    hmu_meeting=data.get("hmu_meeting"),
                    signoff_meeting=data.get("signoff_meeting"),
                )
            except WorkflowError as exc:
                raise ValidationError(exc.message) from exc
        return data


HEARING_FIELDS = ("heard_committees", "hearing_deadline", "hmu_meeting", "signoff_meeting")


@admin.register(CatalogueProcess)
class CatalogueProcessAdmin(WorkflowRecordAdmin):  # every catalogue has exactly one, made for it
    department_path = "catalogue__department"
    form = CatalogueProcessForm
    list_display = ("catalogue", "department", "state", "hearing_deadline", "hmu_meeting", "signoff_meeting")
    list_filter = ("state", "catalogue__department")
    search_fields = ("catalogue__title", "catalogue__slug")
    date_hierarchy = "hearing_deadline"
    inlines = [HearingResponseInline, TransitionInline, memo_admin.NextMemoInline]
    actions = [*(transition_action(rule) for rule in transitions.RULES.values()), "reopen_response_action"]
    fieldsets = (
        (None, {"fields": ("catalogue", "state", "workflow_link")}),
        (gettext_lazy("Høring"), {"fields": HEARING_FIELDS}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("catalogue__department")

    def get_readonly_fields(self, request, obj=None):
        readonly = ["catalogue", "state", "workflow_link"]
        if obj is not None and obj.state not in (State.DRAFT, State.HEARING):
            readonly += HEARING_FIELDS
        return readonly

    @admin.display(description=gettext_lazy("magistratsafdeling"), ordering="catalogue__department__code")
    def department(self, obj):
        return obj.catalogue.department.code

    @admin.display(description=gettext_lazy("side"))
    def workflow_link(self, obj):
        url = reverse("approvals:catalogue", kwargs={"slug": obj.catalogue.slug})
        return format_html('<a href="{}">{}</a>', url, _("Åbn godkendelsesforløbet"))

    def save_model(self, request, obj, form, change):
        # The hearing set-up goes through the service (the same rules as everywhere); the memo
        # state is its inline's (memos/admin.py).
        if any(f in form.changed_data for f in HEARING_FIELDS) and "heard_committees" in form.cleaned_data:
            data = form.cleaned_data
            services.configure_hearing(
                obj,
                actor=request.user,
                committees=data["heard_committees"],
                hearing_deadline=data["hearing_deadline"],
                hmu_meeting=data["hmu_meeting"],
                signoff_meeting=data["signoff_meeting"],
            )

    def save_related(self, request, form, formsets, change):
        # heard_committees is saved by configure_hearing; the inlines are read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description=gettext_lazy("Genåbn et indsendt høringssvar (med begrundelse)"))
    def reopen_response_action(self, request, queryset):
        responses = HearingResponse.objects.filter(process__in=queryset).select_related(
            "committee", "process__catalogue"
        )
        if not responses.exists():
            self.message_user(request, _("De valgte kataloger har ingen høringssvar."), messages.WARNING)
            return None
        form = ReopenForm(request.POST if "apply" in request.POST else None, responses=responses)
        return reopen_responses(self, request, queryset, form, action="reopen_response_action")


# --- responses, HMU review, sign-off (read-only records) -------------------------------------------------


class ProposalStanceInline(StanceInline):
    model = ProposalStance


@admin.register(HearingResponse)
class HearingResponseAdmin(WorkflowRecordAdmin):
    list_display = ("committee", "catalogue", "status", "submitted_at", "submitted_by", "updated_at")
    list_filter = ("status", "committee__department", "committee")
    search_fields = ("committee__name", "process__catalogue__title", "general_comment")
    fields = (
        "process",
        "committee",
        "status",
        "general_comment",
        "author_list",
        "submitted_at",
        "submitted_by",
        "reopened_reason",
        "updated_at",
    )
    readonly_fields = fields
    inlines = [ProposalStanceInline]
    actions = ["reopen_action"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("committee", "process__catalogue", "submitted_by")

    @admin.display(description=gettext_lazy("katalog"), ordering="process__catalogue__title")
    def catalogue(self, obj):
        return obj.process.catalogue

    @admin.display(description=gettext_lazy("forfattere"))
    def author_list(self, obj):
        return ", ".join(u.get_full_name() or u.username for u in obj.authors.all())

    @admin.action(description=gettext_lazy("Genåbn valgte høringssvar (med begrundelse)"))
    def reopen_action(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        return reopen_responses(self, request, queryset, form, action="reopen_action")


class HmuPositionInline(StanceInline):
    model = HmuPosition


@admin.register(HmuReview)
class HmuReviewAdmin(WorkflowRecordAdmin):
    list_display = ("process", "updated_by", "updated_at")
    fields = ("process", "statement", "updated_by", "updated_at")
    readonly_fields = fields
    inlines = [HmuPositionInline]


def render_snapshot(snapshot):
    """The approved state as a readable table, in the catalogue's own sign convention."""
    if not snapshot:
        return "–"
    state = CatalogueFigures.from_snapshot(snapshot)
    cat = snapshot["catalogue"]
    return render_to_string(
        "admin/approvals/approved_state.html",
        {
            "title": cat["title"],
            "price_level": cat.get("price_level", ""),
            "unit": cat.get("unit", ""),
            "years": [str(year) for year in state.years],  # text: no thousands separator in "2024"
            "rows": [
                {
                    "code": row.code,
                    "title": row.title,
                    "saving_type": row.saving_type,
                    "net": state.shown(row.net).values(),
                    "fte": state.shown(row.fte).values(),
                }
                for row in state.rows
            ],
            "targets": state.shown(state.targets).values(),
        },
    )


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyRecordAdmin):
    list_display = ("process", "decision", "decided_by", "decided_at")
    list_filter = ("decision", "process__catalogue__department")
    fields = ("process", "decision", "note", "decided_by", "decided_at", "approved_state")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("process__catalogue", "decided_by")

    @admin.display(description=gettext_lazy("godkendt tilstand"))
    def approved_state(self, obj):
        return render_snapshot(obj.snapshot)


@admin.register(HearingReminder)
class HearingReminderAdmin(DepartmentScopedAdmin, admin.ModelAdmin):
    department_path = "process__catalogue__department"
    list_display = ("process", "committee", "deadline", "sent_at")
    list_filter = ("deadline",)
    readonly_fields = ("process", "committee", "deadline", "sent_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
