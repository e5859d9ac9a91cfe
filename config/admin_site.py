"""The admin site (``admin.site``, made by ``config.apps.AdminConfig``): Django's, with two
answers of its own for every registered ModelAdmin, Django's and other packages' included.

- A change list given a date out of range (``?issued_at__year=99999999999999999999``, or 9999
  and December) answers as Django does any unknown filter value, with its "?e=1" page: Django
  lets the OverflowError (and a ValueError past its own check) through as a 500.
- "View on site" (``admin/r/<type>/<id>/``) redirects only to an object its admin lets the user
  view (for a department's data: the one access policy, through the scoped admin). Django's
  redirect answers any staff user for any object, naming e.g. another department's draft
  catalogue's address."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import path


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

    def get_urls(self):
        view = path(
            "r/<path:content_type_id>/<path:object_id>/", self.admin_view(self.view_on_site), name="view_on_site"
        )
        return [view if getattr(url, "name", None) == "view_on_site" else url for url in super().get_urls()]

    def view_on_site(self, request, content_type_id, object_id):
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ContentType.DoesNotExist, ValueError, OverflowError):
            raise Http404 from None
        model_admin = self._registry.get(model)
        if model_admin is None:
            raise Http404
        try:
            obj = model_admin.get_object(request, unquote(object_id))  # a scoped admin: 404 outside its scope
        except ObjectDoesNotExist:
            raise Http404 from None
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404
        return shortcut(request, content_type_id, object_id)
