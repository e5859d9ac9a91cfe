"""django-filter filter sets for the workflow lists."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from proposals.models import Department

from .models import CatalogueProcess, HearingResponse


def _date_input():
    # type=date sends ISO dates, which Django accepts next to the Danish formats.
    return forms.DateInput(attrs={"type": "date", "class": "form-input"}, format="%Y-%m-%d")


class CatalogueProcessFilter(django_filters.FilterSet):
    """Catalogues by state, department and hearing deadline."""

    state = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=CatalogueProcess.State.choices,
        empty_label=_("Alle"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Magistratsafdeling"),
        field_name="catalogue__department",
        queryset=Department.objects.order_by("code"),
        empty_label=_("Alle"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    deadline_after = django_filters.DateFilter(
        label=_("Høringsfrist fra"), field_name="hearing_deadline", lookup_expr="gte", widget=_date_input()
    )
    deadline_before = django_filters.DateFilter(
        label=_("Høringsfrist til"), field_name="hearing_deadline", lookup_expr="lte", widget=_date_input()
    )

    class Meta:
        model = CatalogueProcess
        fields = ["state", "department", "deadline_after", "deadline_before"]


class HearingResponseFilter(django_filters.FilterSet):
    """A catalogue's hearing responses by status and committee name."""

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=HearingResponse.Status.choices,
        empty_label=_("Alle"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    committee = django_filters.CharFilter(
        label=_("LMU"),
        field_name="committee__name",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )

    class Meta:
        model = HearingResponse
        fields = ["status", "committee"]
