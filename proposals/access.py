"""Who may see and administer which catalogue, as proposals asks it.

proposals does not know the workflow (draft, hearing, committees): it asks the policy that
``approvals`` registers through ``proposals.hooks.register_catalogue_access``; with none
registered only staff users see anything. Each question comes in two halves that answer
alike: a predicate on one object and a queryset filter (in SQL, for lists).

``path`` is the lookup from a queryset's model to its Catalogue ("" for catalogues,
"catalogue" for proposals and themes, "proposal__catalogue" for breakdown lines), or for the
department questions to its Department.

The command line has no user and is trusted: it passes ``TRUSTED`` and sees everything."""

from .hooks import catalogue_access


class _Trusted:
    """The command line's stand-in for a user: every catalogue, no checks."""

    def __repr__(self):
        return "TRUSTED"


TRUSTED = _Trusted()


class _TrustedAccess:
    """The policy as the command line sees it: everything."""

    def visible_catalogues(self, user, queryset, path=""):
        return queryset

    def can_view_catalogue(self, user, catalogue):
        return True

    def administered_departments(self, user, queryset, path=""):
        return queryset

    def can_administer_department(self, user, department):
        return True


def _policy(user):
    return _TrustedAccess() if user is TRUSTED else catalogue_access()


def visible_catalogues(user, queryset, path=""):
    return _policy(user).visible_catalogues(user, queryset, path)


def can_view_catalogue(user, catalogue):
    return _policy(user).can_view_catalogue(user, catalogue)


def administered_departments(user, queryset, path=""):
    return _policy(user).administered_departments(user, queryset, path)


def can_administer_department(user, department):
    return _policy(user).can_administer_department(user, department)


def _department_path(catalogue_path):
    return f"{catalogue_path}__department" if catalogue_path else "department"


def administered_catalogues(user, queryset, path=""):
    """Rows (of catalogues, or of a model with ``path`` to its catalogue) of the departments the user administers."""
    return administered_departments(user, queryset, _department_path(path))


def can_administer_catalogue(user, catalogue):
    return can_administer_department(user, catalogue.department_id)
