import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Catalogue, Department


class CatalogueFilter(django_filters.FilterSet):
    """Filters of the catalogue list: department, kind and free text."""

    q = django_filters.CharFilter(label=_("Søg"), method="search")
    department = django_filters.ModelChoiceFilter(
        label=_("Magistratsafdeling"), queryset=Department.objects.order_by("code"), empty_label=_("Alle")
    )
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=Catalogue.Kind.choices, empty_label=_("Alle"))

    class Meta:
        model = Catalogue
        fields = ["q", "department", "kind"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(slug__icontains=value)
            | Q(sector__icontains=value)
            | Q(department__code__iexact=value)
            | Q(department__name__icontains=value)
        )
