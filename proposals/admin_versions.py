"""Two administrators with the same proposal open: the later save must not silently undo the
earlier one. Every admin form that edits a proposal in place (the proposal's change form with
its year inlines, a breakdown line's form with its years) carries the version it was based on
(a hidden field); ``services.proposal_edit_conflict`` decides whether the save may go on, and
refuses one based on an older version with what changed meanwhile (who, when, which fields),
keeping everything that was typed on the page. Saving again on the refused page is then a
deliberate save over the other's change (the page now carries the newer version)."""

from django import forms
from django.core.exceptions import ValidationError

from .models import Proposal
from .services import proposal_edit_basis, proposal_edit_conflict, raise_version

BASED_ON = "based_on"


class BasisField(forms.CharField):
    """The hidden version a form was based on: never a change of the proposal itself (the log
    entry names the fields that changed)."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


def _proposal_of(obj):
    return obj if isinstance(obj, Proposal) else obj.proposal


class ProposalVersionForm(forms.ModelForm):
    """A change form of a proposal or of one of its rows, checked against the proposal's version."""

    def clean(self):
        cleaned = super().clean()
        proposal = _proposal_of(self.instance)
        saving = self.instance if isinstance(self.instance, Proposal) else None
        conflict = proposal_edit_conflict(proposal.pk, self.data.get(self.add_prefix(BASED_ON)), saving=saving)
        if conflict is not None:
            # The page shown again carries the version now: a second save is a deliberate one.
            self.data = self.data.copy()
            self.data[self.add_prefix(BASED_ON)] = proposal_edit_basis(Proposal(version=conflict.version))
            raise ValidationError(conflict.messages())
        return cleaned


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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not isinstance(obj, Proposal):
            raise_version(obj.proposal)  # a line of it changed: the proposal's page is out of date

    def delete_model(self, request, obj):
        proposal = None if isinstance(obj, Proposal) else obj.proposal
        super().delete_model(request, obj)
        if proposal is not None:
            raise_version(proposal)
