"""The admin, scoped to the departments a user administers (proposals.access).

``DepartmentScopedAdmin`` is mixed into every ModelAdmin of a department's data (here and in
approvals): its change list holds only rows of the user's departments (the queryset half of
the rule, in SQL); another department's object is a 404 on its change, delete and history
pages (a version of its history too, admin_history) and a refused permission wherever Django
asks with the object (the predicate half); foreign-key choices offer only the user's
departments' rows, so nothing can be moved or imported into another department's catalogue;
the list filters on related objects (catalogue, theme, committee, department) offer only what
the change list's own rows point at, so they name nothing of another department's. Admin
actions act on the change list's queryset and so only within scope. Superusers see
everything."""

from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.http import Http404

from . import access
from .models import Catalogue, Department


def _department_id(obj, path):
    """The department id of ``obj`` following ``path`` ("" when ``obj`` is a Department)."""
    if not path:
        return obj.pk
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
    return getattr(obj, f"{last}_id")


class DepartmentScopedAdmin:
    department_path = "department"  # the lookup from the model to its Department ("" for Department)
    # foreign-key field name -> lookup from the related model to its Department
    scoped_choices = {}

    def get_queryset(self, request):
        return access.instances_user_has_permission_for(
            request.user, "department.administer", super().get_queryset(request), self.department_path
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:  # missing, or another department's: the same answer
            raise Http404
        return obj

    def _in_scope(self, request, obj):
        department = Department(pk=_department_id(obj, self.department_path)) if obj is not None else None
        return obj is None or access.user_has_permission(request.user, "department.administer", department)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def get_list_filter(self, request):
        return [self._scoped_filter(entry) for entry in super().get_list_filter(request)]

    def _scoped_filter(self, entry):
        # Django's RelatedFieldListFilter offers every row of the related table (another
        # department's draft catalogue titles, committee names); RelatedOnlyFieldListFilter
        # those the rows of get_queryset (the policy's) point at.
        if isinstance(entry, str) and get_fields_from_path(self.model, entry)[-1].is_relation:
            return (entry, RelatedOnlyFieldListFilter)
        return entry

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        path = self.scoped_choices.get(db_field.name)
        if path is not None:
            related = kwargs.get("queryset", db_field.related_model._default_manager.all())
            kwargs["queryset"] = access.instances_user_has_permission_for(
                request.user, "department.administer", related, path
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedImportMixin:
    """The import (django-import-export) is for administrators of a department (the model
    permissions, which the policy grants them; a staff user given no department gets 403), and
    offers and accepts only catalogues the user administers; the import page opened for another
    catalogue (``?catalogue=<id>``, which lists its years) is a 404."""

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def import_catalogue(self, request, catalogue_id):
        """The catalogue ``catalogue_id`` if the user administers it; else 404."""
        catalogues = access.instances_user_has_permission_for(
            request.user, "catalogue.administer", Catalogue.objects.all()
        )
        catalogue = catalogues.filter(pk=catalogue_id).first()
        if catalogue is None:
            raise Http404
        return catalogue

    def _scope_catalogue_field(self, request, form):
        field = form.fields.get("catalogue")
        if field is not None:
            field.queryset = access.instances_user_has_permission_for(
                request.user, "catalogue.administer", field.queryset
            )
        return form

    def create_import_form(self, request):
        return self._scope_catalogue_field(request, super().create_import_form(request))

    def create_confirm_form(self, request, import_form=None):
        return self._scope_catalogue_field(request, super().create_confirm_form(request, import_form))
