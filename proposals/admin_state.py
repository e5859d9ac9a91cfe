"""Where a catalogue stands, on the admin pages of the catalogue, its proposals and lines:
the workflow notice above the form and the reason for a change after sign-off (through
proposals.hooks, which approvals fills), and the balance report and after-save warning."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import QueryDict
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .admin_forms import catalogue_of
from .balance import check_balance
from .history import recording
from .hooks import catalogue_admin_notices, changes_are_told, saved_change_notices
from .models import Catalogue
from .numbers import format_amount, format_decimal
from .selectors import catalogue_overview

CHANGE_REASON = "change_reason"


class CatalogueStateMixin:
    """Admin pages of a catalogue and its rows: above the form, where the catalogue stands
    in its workflow (the approvals app, through proposals.hooks); after a save, the balance
    when it no longer balances. Where a saved change will be told (a signed-off catalogue's
    memo), the form asks for the reason, which is kept in the change's history."""

    def _asks_reason(self, obj):
        catalogue = catalogue_of(obj) if obj is not None else None
        return catalogue is not None and changes_are_told(catalogue)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._asks_reason(obj):
            # Required: a change that is told without its reason leaves the memo's reader guessing.
            reason = forms.CharField(
                label=_("Begrundelse for ændringen"),
                required=True,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
                help_text=_("Står i notatet til forligspartierne ved siden af ændringen."),
                error_messages={
                    "required": _(
                        "Kataloget er godkendt, så ændringen meddeles forligspartierne i et notat: skriv "
                        "begrundelsen for ændringen. Intet er gemt."
                    )
                },
            )
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(base.__name__, (base,), {CHANGE_REASON: reason})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        shown = {name for _title, options in fieldsets for name in options.get("fields", ())}
        if self._asks_reason(obj) and CHANGE_REASON not in shown:
            fieldsets.insert(0, (_("Ændring efter godkendelse"), {"fields": (CHANGE_REASON,)}))
        return fieldsets

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        reason = request.POST.get(CHANGE_REASON, "").strip() if request.method == "POST" else ""
        with recording(user=request.user, reason=reason, stated=bool(reason)):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        # Deleting is a change too: after sign-off it needs its reason, which the memo tells.
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self._asks_reason(obj):
            return super().delete_view(request, object_id, extra_context)
        reason = request.POST.get(CHANGE_REASON, "").strip()
        extra_context = {**(extra_context or {}), "asks_reason": True, "change_reason": reason}
        if request.method == "POST" and not reason:
            extra_context["reason_error"] = gettext(
                "Kataloget er godkendt, så sletningen meddeles forligspartierne i et notat: skriv begrundelsen. "
                "Intet er slettet."
            )
            # Django's delete view deletes on any POST: shown again as the confirmation page.
            request.POST = QueryDict()
        with recording(user=request.user, reason=reason, stated=bool(reason)):
            return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (_unless_told(func), name, description)
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        catalogue = catalogue_of(obj) if obj is not None else None
        notices = catalogue_admin_notices(catalogue) if catalogue is not None else []
        extra_context = {**(extra_context or {}), "catalogue_notices": notices}
        return super().change_view(request, object_id, form_url, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self._report_saved(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        self._report_saved(request, obj)
        return response

    def _report_saved(self, request, obj):
        self._report_balance(request, obj)
        catalogue = catalogue_of(obj)
        if catalogue is not None:
            # After sign-off: which memo tells the change, and when (approvals, through the hooks).
            for text in saved_change_notices(catalogue):
                self.message_user(request, text, messages.INFO)

    def _report_balance(self, request, obj):
        catalogue = catalogue_of(obj)
        if catalogue is None:
            return
        report = check_balance(catalogue_overview(catalogue))
        if not report.consistent:
            self.message_user(request, " ".join([report.verdict(), *report.messages()]), messages.WARNING)


# The lookup from each admin's model to its catalogue's id (for a list's selected rows).
CATALOGUE_ID_PATHS = {"catalogue": "pk", "proposal": "catalogue_id", "breakdownline": "proposal__catalogue_id"}


def _unless_told(delete_selected):
    """Django's "delete selected" action, refused for rows of a catalogue whose changes are told
    (signed off): there each deletion needs its reason, asked on the row's own delete page."""

    def action(modeladmin, request, queryset):
        path = CATALOGUE_ID_PATHS.get(modeladmin.opts.model_name)
        if path is not None:
            ids = set(queryset.values_list(path, flat=True))
            told = [c for c in Catalogue.objects.filter(pk__in=ids) if changes_are_told(c)]
            if told:
                modeladmin.message_user(
                    request,
                    gettext(
                        "«%(catalogue)s» er godkendt: slet rækker i det én ad gangen fra rækkens egen side, hvor "
                        "begrundelsen til notatet skrives. Intet er slettet."
                    )
                    % {"catalogue": told[0].title},
                    messages.ERROR,
                )
                return None
        return delete_selected(modeladmin, request, queryset)

    action.short_description = getattr(delete_selected, "short_description", "")
    action.allowed_permissions = getattr(delete_selected, "allowed_permissions", ("delete",))
    return action


def balance_table(catalogue):
    """HTML of the balance report: totals, targets and exact differences per year, in the
    catalogue's own sign convention, and the messages of the balance check."""
    state = catalogue_overview(catalogue)
    report = check_balance(state)
    shown = state.shown
    totals, targets, differences = shown(state.totals), shown(state.targets), shown(state.differences)
    fte_totals, stated_fte = shown(state.fte_totals), shown(state.stated_fte)
    rows = format_html_join(
        "",
        "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                year,
                format_amount(totals[year]),
                format_amount(targets[year]),
                format_amount(differences[year], signed=True),
                format_decimal(fte_totals[year]),
                format_decimal(stated_fte[year]),
            )
            for year in state.years
        ),
    )
    verdict = format_html(
        "<p><strong>{}</strong></p><ul>{}</ul>",
        report.verdict(),
        format_html_join("", "<li>{}</li>", ((m,) for m in report.messages())),
    )
    convention = catalogue.get_sign_convention_display()
    return format_html(
        "<div class='balance-report'>{verdict}"
        "<table><caption>{caption}</caption><thead><tr><th scope='col'>{year}</th><th scope='col'>{total}</th>"
        "<th scope='col'>{target}</th><th scope='col'>{diff}</th><th scope='col'>{fte}</th>"
        "<th scope='col'>{stated}</th></tr></thead><tbody>{rows}</tbody></table></div>",
        verdict=verdict,
        caption=gettext("Beløb i %(unit)s, katalogets egen fortegnskonvention: %(convention)s")
        % {"unit": catalogue.unit, "convention": convention},
        year=gettext("År"),
        total=gettext("Forslag i alt"),
        target=gettext("Måltal"),
        diff=gettext("Forskel"),
        fte=gettext("Årsværk i alt"),
        stated=gettext("Oplyst årsværk"),
        rows=rows,
    )
