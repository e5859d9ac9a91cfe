"""Extension points that other apps use without proposals importing them.

``approvals`` registers panels (workflow state, memo history) shown on a catalogue's
page, in its AppConfig.ready(). A panel is ``func(request, catalogue) -> str`` returning
rendered HTML (use render_to_string) or "" when it has nothing to show.

It also registers admin notices: ``func(catalogue) -> list[str]``, sentences shown on the
admin change pages of the catalogue, its proposals and lines (where the catalogue stands in
its workflow, and what a saved change will lead to)."""

_catalogue_panels = []
_admin_notices = []


def register_catalogue_panel(func):
    if func not in _catalogue_panels:
        _catalogue_panels.append(func)
    return func


def render_catalogue_panels(request, catalogue):
    from django.utils.safestring import mark_safe

    return [mark_safe(html) for html in (panel(request, catalogue) for panel in _catalogue_panels) if html]


def register_admin_notice(func):
    if func not in _admin_notices:
        _admin_notices.append(func)
    return func


def catalogue_admin_notices(catalogue):
    return [text for func in _admin_notices for text in func(catalogue)]
