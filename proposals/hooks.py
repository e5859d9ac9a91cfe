"""Extension points that other apps use without proposals importing them.

``approvals`` registers panels (workflow state, memo history) shown on a catalogue's
page, in its AppConfig.ready(). A panel is ``func(request, catalogue) -> str`` returning
rendered HTML (use render_to_string) or "" when it has nothing to show.

It also registers admin notices: ``func(catalogue) -> list[str]``, sentences shown on the
admin change pages of the catalogue, its proposals and lines (where the catalogue stands in
its workflow, and what a saved change will lead to).

It also registers the access policy (``register_catalogue_access``): who may see which
catalogue and administer which department. ``proposals.access`` asks it; with none
registered, only active staff users and superusers see anything (fail closed). Panels are
rendered only for a user who may see the catalogue (render_catalogue_panels checks).

It also registers what an administrator is told after saving a change of a signed-off catalogue
(``register_saved_change_notice``: the memo number and when it goes out).

It also registers the catalogue's tab bar (``register_catalogue_tabs``: ``func(request,
catalogue) -> str``), so the economic overview keeps the tabs of the workflow's pages."""

from django.utils.safestring import mark_safe

_catalogue_panels = []
_admin_notices = []
_catalogue_access = []


def _register(registry, func):
    """Add ``func`` once (apps' ready() may run again in tests)."""
    if func not in registry:
        registry.append(func)
    return func


def register_catalogue_panel(func):
    return _register(_catalogue_panels, func)


def render_catalogue_panels(request, catalogue):
    """The panels' HTML; none for a user who may not see the catalogue (panels need not check)."""
    if not catalogue_access().user_has_permission(request.user, "catalogue.view", catalogue):
        return []
    return [mark_safe(html) for html in (panel(request, catalogue) for panel in _catalogue_panels) if html]


_catalogue_tabs = []


def register_catalogue_tabs(func):
    return _register(_catalogue_tabs, func)


def render_catalogue_tabs(request, catalogue):
    """The tab bar's HTML, or "" (none registered, or a user who may not see the catalogue)."""
    if not catalogue_access().user_has_permission(request.user, "catalogue.view", catalogue):
        return ""
    return mark_safe("".join(func(request, catalogue) for func in _catalogue_tabs))


def register_admin_notice(func):
    return _register(_admin_notices, func)


def catalogue_admin_notices(catalogue):
    return [text for func in _admin_notices for text in func(catalogue)]


_saved_change_notices = []


def register_saved_change_notice(func):
    """``func(catalogue) -> list[str]``: sentences shown after a change of the catalogue (or a
    row of it) is saved in the admin, e.g. which memo tells it to the budget parties and when."""
    return _register(_saved_change_notices, func)


def saved_change_notices(catalogue):
    return [text for func in _saved_change_notices for text in func(catalogue)]


_change_telling = []


def register_change_telling(func):
    """``func(catalogue) -> bool``: a saved change of the catalogue will be told to others
    (after sign-off, in a memo); the admin then asks for the reason of the change."""
    return _register(_change_telling, func)


def changes_are_told(catalogue):
    return any(func(catalogue) for func in _change_telling)


class StaffOnlyAccess:
    """The policy when none is registered: active staff users and superusers may do everything,
    everybody else nothing."""

    @staticmethod
    def _staff(user):
        return user is not None and user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser)

    def user_has_permission(self, user, action, obj=None):
        return self._staff(user)

    def instances_user_has_permission_for(self, user, action, queryset, path=""):
        return queryset if self._staff(user) else queryset.none()


def register_catalogue_access(policy):
    """Register THE access policy (a later registration replaces an earlier one): an object with
    ``user_has_permission(user, action, obj=None)`` and ``instances_user_has_permission_for(user,
    action, queryset, path="")`` (approvals.policy), answering at least ``catalogue.view``,
    ``catalogue.administer`` and ``department.administer``."""
    _catalogue_access[:] = [policy]
    return policy


def catalogue_access():
    return _catalogue_access[0] if _catalogue_access else StaffOnlyAccess()
