"""Two administrators with the same proposal open: the later save must not silently undo the
earlier one. Every admin form that edits a proposal in place (the proposal's change form with
its year inlines, a breakdown line's form with its years) carries the version it was based on
(a hidden field); ``services.proposal_edit_conflict`` decides whether the save may go on, and
refuses one based on an older version with what changed meanwhile (who, when, which fields),
keeping what was typed on the page. Saving again on the refused page is then a deliberate save
over the other's change (the page now carries the newer version).

The forms also carry the values they were opened with (Django's hidden initial inputs), so on a
refusal ``services.merge_refused_edit`` can tell, field by field, what the person changed from
what the other saved: a field the person left alone shows the saved value again, and one both
changed keeps what was typed with a note; a second save then overwrites only what was typed."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.widgets import CheckboxInput, NullBooleanSelect
from django.utils.translation import gettext

from .models import Proposal
from .services import merge_refused_edit, proposal_edit_basis, proposal_edit_conflict, raise_version

BASED_ON = "based_on"


class BasisField(forms.CharField):
    """The hidden version a form was based on: never a change of the proposal itself (the log
    entry names the fields that changed)."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


def _proposal_of(obj):
    return obj if isinstance(obj, Proposal) else obj.proposal


class OpenedValuesForm:
    """A model form (or inline row) that posts back the values it was opened with, beside what
    was typed: its model fields' hidden initial inputs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_fields = {f.name for f in self._meta.model._meta.concrete_fields}
        for name, field in self.fields.items():
            if name in model_fields:
                field.show_hidden_initial = True


class OpenedValuesModelForm(OpenedValuesForm, forms.ModelForm):
    pass


class ProposalVersionForm(OpenedValuesForm, forms.ModelForm):
    """A change form of a proposal or of one of its rows, checked against the proposal's version."""

    edit_conflict = None  # set when the save was refused

    def clean(self):
        cleaned = super().clean()
        proposal = _proposal_of(self.instance)
        saving = self.instance if isinstance(self.instance, Proposal) else None
        conflict = proposal_edit_conflict(proposal.pk, self.data.get(self.add_prefix(BASED_ON)), saving=saving)
        if conflict is not None:
            # The page shown again carries the version now: a second save is a deliberate one.
            self.data = self.data.copy()
            self.data[self.add_prefix(BASED_ON)] = proposal_edit_basis(Proposal(version=conflict.version))
            self.edit_conflict = conflict
            raise ValidationError(conflict.messages())
        return cleaned


def show_merged(conflict, forms_shown):
    """The refused page again, as ``merge_refused_edit`` decides: fields the person left alone
    show what is saved now, fields both changed are marked, and every opened value becomes the
    saved one (the page is now based on the version saved). ``forms_shown``: the main form
    first (its data already carries the new version), then the inline rows."""
    data = forms_shown[0].data  # one mutable copy for the whole page
    where, opened, typed = {}, {}, {}
    for form in forms_shown:
        form.data = data
        if form.instance.pk is None:
            continue  # a new row: nothing was opened
        for name, field in form.fields.items():
            initial_name = form[name].html_initial_name
            if not field.show_hidden_initial or initial_name not in data:
                continue  # posted without what it was opened with: what was typed stays
            key = (type(form.instance), form.instance.pk, name)
            where[key] = (form, name)
            opened[key] = _python(field, field.hidden_widget().value_from_datadict(data, form.files, initial_name))
            typed[key] = _python(field, form[name].data)
    merged = merge_refused_edit(conflict, opened, typed)
    shown_saved = False
    for key, outcome in merged.items():
        form, name = where[key]
        field = form.fields[name]
        data[form[name].html_initial_name] = _posted(field, outcome.saved, hidden=True)
        if outcome.take_saved:
            shown_saved |= outcome.replaces_typed
            html_name = form[name].html_name
            value = _posted(field, outcome.saved)
            if value is None:
                data.pop(html_name, None)  # an unticked checkbox posts nothing
            else:
                data[html_name] = value
        elif outcome.note:
            form.add_error(name, outcome.note)
    if shown_saved or any(outcome.note for outcome in merged.values()):
        forms_shown[0].add_error(
            None,
            gettext(
                "Felter, du ikke selv har ændret, viser nu det, der er gemt. Felter, som I begge har ændret, "
                "viser det, du skrev, og er markeret. Gemmer du igen, gemmes kun det, du selv har ændret."
            ),
        )


def _python(field, raw):
    try:
        return field.to_python(raw)
    except ValidationError:
        return raw  # not valid: surely changed


def _posted(field, value, hidden=False):
    """What a browser posts for ``value`` in ``field`` (its hidden initial input with ``hidden``)."""
    widget = getattr(field.widget, "widget", field.widget)  # the admin's related-field wrapper
    if not hidden and isinstance(widget, CheckboxInput):
        return "on" if value else None
    if not hidden and isinstance(widget, NullBooleanSelect):
        return {True: "true", False: "false"}.get(value, "unknown")
    prepared = field.prepare_value(value)
    return "" if prepared is None else str(prepared)


class ProposalVersionMixin:
    """ModelAdmin of Proposal or BreakdownLine: its change form carries the proposal's version."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and obj.pk is not None:
            basis = proposal_edit_basis(_proposal_of(obj))
            field = BasisField(required=False, initial=basis)
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(base.__name__, (ProposalVersionForm, base), {BASED_ON: field})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and obj.pk is not None and fieldsets:
            title, options = fieldsets[0]
            if BASED_ON not in options.get("fields", ()):
                fieldsets[0] = (title, {**options, "fields": (*options.get("fields", ()), BASED_ON)})
        return fieldsets

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if isinstance(form, ProposalVersionForm) and form.edit_conflict is not None:
            rows = [row for inline in context["inline_admin_formsets"] for row in inline.formset.forms]
            show_merged(form.edit_conflict, [form, *rows])
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not isinstance(obj, Proposal):
            raise_version(obj.proposal)  # a line of it changed: the proposal's page is out of date

    def delete_model(self, request, obj):
        proposal = None if isinstance(obj, Proposal) else obj.proposal
        super().delete_model(request, obj)
        if proposal is not None:
            raise_version(proposal)
