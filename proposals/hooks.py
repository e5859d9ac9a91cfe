"""Extension points that other apps use without proposals importing them.

``approvals`` registers panels (workflow state, memo history) shown on a catalogue's
page, in its AppConfig.ready(). A panel is ``func(request, catalogue) -> str`` returning
rendered HTML (use render_to_string) or "" when it has nothing to show."""

_catalogue_panels = []


def register_catalogue_panel(func):
    if func not in _catalogue_panels:
        _catalogue_panels.append(func)
    return func


def render_catalogue_panels(request, catalogue):
    from django.utils.safestring import mark_safe

    return [mark_safe(html) for html in (panel(request, catalogue) for panel in _catalogue_panels) if html]
