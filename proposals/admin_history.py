"""The history of every figure in the admin (django-simple-history's ``SimpleHistoryAdmin``).

``FigureHistoryAdmin`` is the base of the catalogue, proposal and breakdown line admins:

- every save and delete through the admin is recorded under the signed-in user with the
  reason "Rettet i administrationen" (the year rows of the inlines too);
- the admin's "Historik" page of a catalogue, proposal or line lists every change of its
  figures and texts field by field, its year rows' and lines' included (a proposal's page
  shows its years, lines and line years), in the catalogue's own sign convention, above
  Django's list of admin actions. Reverting to an old version is switched off
  (``SIMPLE_HISTORY_REVERT_DISABLED``): a catalogue is changed by its forms and imports."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from .history import admin_reason, recording
from .history_selectors import catalogue_changes_since, figure_history, line_history
from .models import BreakdownLine, Catalogue, Proposal

FIGURE_HISTORY_LIMIT = 500


def figure_changes(obj):
    if isinstance(obj, Catalogue):
        return catalogue_changes_since(obj, None, proposals_too=False, limit=FIGURE_HISTORY_LIMIT)
    if isinstance(obj, Proposal):
        return figure_history(obj, limit=FIGURE_HISTORY_LIMIT)
    if isinstance(obj, BreakdownLine):
        return line_history(obj, limit=FIGURE_HISTORY_LIMIT)
    return []


class FigureHistoryAdmin(SimpleHistoryAdmin):
    object_history_template = "admin/proposals/figure_history.html"

    def changeform_view(self, request, *args, **kwargs):
        with recording(user=request.user, reason=admin_reason()):
            return super().changeform_view(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        with recording(user=request.user, reason=admin_reason()):  # list_editable, delete action
            return super().changelist_view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        with recording(user=request.user, reason=admin_reason()):
            return super().delete_view(request, *args, **kwargs)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if obj is not None and self.has_view_or_change_permission(request, obj):
            context["figure_changes"] = figure_changes(obj)
            context["figure_changes_limit"] = FIGURE_HISTORY_LIMIT
            context["catalogue_for_changes"] = _catalogue_of(obj)
            context["is_catalogue"] = isinstance(obj, Catalogue)
        # Django's own history view: the admin's action log below the figure changes.
        return admin.ModelAdmin.history_view(self, request, object_id, context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # One version (a link on the history page). django-simple-history finds it without the
        # admin's queryset and answers 403 outside the user's departments; the object's change
        # and history pages answer 404 (the scoped admin's get_object), and so does this.
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


def _catalogue_of(obj):
    if isinstance(obj, Catalogue):
        return obj
    if isinstance(obj, Proposal):
        return obj.catalogue
    return obj.proposal.catalogue
