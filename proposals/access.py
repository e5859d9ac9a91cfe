"""Who may see and administer which catalogue, as proposals asks it.

proposals does not know the workflow (draft, hearing, committees): it asks the access policy
that ``approvals`` registers through ``proposals.hooks.register_catalogue_access`` (approvals.policy,
keyed by action), by the same three questions; with none registered only staff users see
anything (``hooks.StaffOnlyAccess``). The actions proposals asks: ``catalogue.view``,
``catalogue.administer`` and ``department.administer``.

The command line has no user and is trusted: it passes ``TRUSTED`` and may do everything."""

from .hooks import catalogue_access


class _Trusted:
    """The command line's stand-in for a user: every catalogue, no checks."""

    def __repr__(self):
        return "TRUSTED"


TRUSTED = _Trusted()


def user_has_permission(user, action, obj=None):
    return user is TRUSTED or catalogue_access().user_has_permission(user, action, obj)


def instances_user_has_permission_for(user, action, queryset, path=""):
    """The rows of ``queryset`` whose object at ``path`` (the lookup from the queryset's model to
    the action's model: a Catalogue or a Department) the user may act on."""
    if user is TRUSTED:
        return queryset
    return catalogue_access().instances_user_has_permission_for(user, action, queryset, path)
