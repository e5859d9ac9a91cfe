"""The admin's workflow actions: each rule of approvals.transitions becomes an action that takes
the same step as its button on the pages (services.perform), asking for the rule's input (the
reason) on an intermediate page when the rule needs one."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import hearing, services
from .exceptions import NotPermitted, WorkflowError
from .models import HearingResponse


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Begrundelse"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        required=False,
    )

    def __init__(self, *args, reason_required=True, help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        self.fields["reason"].help_text = help_text


class ReopenForm(ReasonForm):
    response = forms.ModelChoiceField(label=gettext_lazy("Høringssvar"), queryset=HearingResponse.objects.none())

    def __init__(self, *args, responses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response"].queryset = responses
        self.order_fields(["response", "reason"])


def intermediate_page(modeladmin, request, queryset, *, action, title, form, intro=""):
    """Render the intermediate page of an action that needs input (the reason)."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "form": form,
        "queryset": queryset,
        "action": action,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "approvals/admin/action_form.html", context)


def run_on_each(modeladmin, request, objects, step, success, **words):
    """Call ``step(obj)`` for each object; report successes and refusals as admin messages."""
    for obj in objects:
        try:
            step(obj)
        except (WorkflowError, NotPermitted) as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
        else:
            modeladmin.message_user(request, success % {"obj": obj, **words}, messages.SUCCESS)


def reopen_responses(modeladmin, request, queryset, form, *, action):
    """Both reopen actions (from the process list and the response list): once the reason is
    given, reopen the chosen response (a ReopenForm's) or else each selected one; before that,
    ask on an intermediate page."""
    if "apply" not in request.POST or not form.is_valid():
        return intermediate_page(modeladmin, request, queryset, action=action, title=_("Genåbn høringssvar"), form=form)
    chosen = form.cleaned_data.get("response")
    reason = form.cleaned_data["reason"]
    run_on_each(
        modeladmin,
        request,
        [chosen] if chosen is not None else queryset,
        lambda response: hearing.reopen_hearing_response(response, actor=request.user, reason=reason),
        _("%(obj)s: høringssvaret er genåbnet som kladde."),
    )
    return None


def transition_action(rule):
    """The admin action of a rule of approvals.transitions: the step its button takes on the pages."""

    def action(modeladmin, request, queryset):
        data = {}
        if rule.asks:
            # One catalogue chosen: its form (an approval before its meeting asks for the tick).
            only = queryset.first() if queryset.count() == 1 else None
            form = rule.form(request.POST if "apply" in request.POST else None, process=only)
            if "apply" not in request.POST or not form.is_valid():
                return intermediate_page(
                    modeladmin, request, queryset, action=action.__name__, title=rule.label, form=form
                )
            data = form.transition_input()
        run_on_each(
            modeladmin,
            request,
            queryset,
            lambda process: services.perform(process, rule, actor=request.user, **data),
            _("%(obj)s: %(message)s"),
            message=rule.success,
        )
        return None

    action.__name__ = f"{rule.name}_action"
    return admin.action(description=rule.label)(action)
