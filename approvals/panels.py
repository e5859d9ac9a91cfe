"""The workflow panel and the tab bar on a catalogue's page (registered with proposals.hooks in apps.py)."""

from django.template.loader import render_to_string

from proposals.hooks import register_catalogue_panel, register_catalogue_tabs

from . import selectors
from .views.common import page_links


def workflow_panel(request, catalogue):
    """State, deadline and a link to the workflow page (rendered only for a user who may see the catalogue)."""
    process = selectors.process_of(catalogue)
    if process is None:  # a catalogue stored past save() and not yet given its process
        return ""
    return render_to_string("approvals/panel.html", {"catalogue": catalogue, "process": process}, request=request)


def catalogue_tabs(request, catalogue):
    """The workflow pages' tab bar, with the economic overview as the open tab."""
    process = selectors.process_of(catalogue)
    if process is None:
        return ""
    context = {"catalogue": catalogue, "active": "overview", "links": page_links(request.user, process)}
    return render_to_string("approvals/_subnav.html", context, request=request)


def register():
    """Called from ApprovalsConfig.ready()."""
    register_catalogue_panel(workflow_panel)
    register_catalogue_tabs(catalogue_tabs)
