"""The admin site (``admin.site``, made by ``config.apps.AdminConfig``): Django's, with an
answer of its own for every registered ModelAdmin, Django's and other packages' included.

- A change list given a date out of range (``?issued_at__year=99999999999999999999``, or 9999
  and December) answers as Django does any unknown filter value, with its "?e=1" page: Django
  lets the OverflowError (and a ValueError past its own check) through as a 500."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class BoundedDatesChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:  # a date hierarchy's year, month or day out of range
            raise IncorrectLookupParameters(exc) from exc


class BoundedDatesAdmin:
    def get_changelist(self, request, **kwargs):
        return BoundedDatesChangeList


class AdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        # Django itself subclasses admin_class when given options; so does this, for every admin.
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, BoundedDatesAdmin):
            admin_class = type(
                admin_class.__name__, (BoundedDatesAdmin, admin_class), {"__module__": admin_class.__module__}
            )
        super().register(model_or_iterable, admin_class, **options)
