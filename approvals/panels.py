"""The workflow panel on a catalogue's page (registered with proposals.hooks in apps.py)."""

from django.template.loader import render_to_string

from . import permissions, services


def workflow_panel(request, catalogue):
    """State, deadline and a link to the workflow page; "" for users who may not see it."""
    if not permissions.can_view_catalogue(request.user, catalogue):
        return ""
    process = services.get_process(catalogue)
    return render_to_string("approvals/panel.html", {"catalogue": catalogue, "process": process}, request=request)


def register():
    """Called from ApprovalsConfig.ready()."""
    from proposals.hooks import register_catalogue_panel

    register_catalogue_panel(workflow_panel)
