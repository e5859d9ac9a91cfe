"""Admin year rows in the catalogue's own sign convention.

A catalogue's document writes savings either positive or negative; its year rows (targets,
net amounts, FTE, line amounts) are shown and typed in the admin exactly as the document
writes them, and stored in the internal convention (a saving is negative)."""

from functools import cached_property

from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _

from .form_fields import figure_formfield
from .models import BreakdownLine, Catalogue, Proposal


def catalogue_of(parent):
    """The catalogue whose convention a year row of ``parent`` is written in (None: not chosen yet)."""
    if isinstance(parent, Catalogue):
        return parent
    if isinstance(parent, Proposal):
        return parent.catalogue if parent.catalogue_id else None
    if isinstance(parent, BreakdownLine):
        return parent.proposal.catalogue if parent.proposal_id else None
    raise TypeError(f"No catalogue for {type(parent).__name__}")


class CatalogueConventionFormSet(BaseInlineFormSet):
    @cached_property
    def catalogue(self):
        # The convention the page was shown in: the STORED parent's (changing the convention, or
        # moving a proposal, in the same save must not flip the figures). A new parent: the chosen one.
        parent = self.instance
        if parent.pk:
            parent = type(parent)._default_manager.get(pk=parent.pk)
        return catalogue_of(parent)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "catalogue": self.catalogue}


class CatalogueConventionForm(forms.ModelForm):
    """A year row whose ``signed_fields`` are in the catalogue's convention on the page."""

    signed_fields = ()

    def __init__(self, *args, catalogue=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        year = self.initial.get("year")
        if year is not None:
            # A table row's inputs have no <label>: each is named by its column and the row's year.
            for name in self.signed_fields:
                self.fields[name].widget.attrs["aria-label"] = _("%(field)s for %(year)s") % {
                    "field": self.fields[name].label,
                    "year": year,
                }
        if catalogue is None:
            return
        for name in self.signed_fields:
            if self.initial.get(name) is not None:
                self.initial[name] = catalogue.to_display(self.initial[name])
            self.fields[name].help_text = catalogue.get_sign_convention_display()

    def clean(self):
        cleaned = super().clean()
        if self.catalogue is not None:
            for name in self.signed_fields:
                if cleaned.get(name) is not None:
                    cleaned[name] = self.catalogue.from_display(cleaned[name])
        return cleaned


def convention_form(model_class, *fields):
    """A form for ``model_class`` whose figure ``fields`` are typed in Danish and in the
    catalogue's convention; the admin passes its own formfield_callback for the rest."""
    figures = {name: figure_formfield(model_class._meta.get_field(name)) for name in fields}
    return type(
        f"{model_class.__name__}ConventionForm",
        (CatalogueConventionForm,),
        {"signed_fields": fields, **figures, "Meta": type("Meta", (), {"model": model_class, "fields": "__all__"})},
    )
