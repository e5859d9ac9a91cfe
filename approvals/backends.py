"""The model permissions of a department's administrator (approvals.policy).

Django's admin asks ``user.has_perm("proposals.change_catalogue")`` before it shows or saves
anything; this backend answers yes for an active staff user who administers at least one
department, for the catalogue and workflow models. WHICH rows they may see and change is the
policy's answer, asked by the scoped admin (proposals.admin_scope). Never granted here: who
administers which department and what a directory group grants at single sign-on (superusers
decide), and the budget agreements and parties, which every department shares (view only); a
department cannot be added or deleted."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import BaseBackend

from . import policy

APPS = {"proposals", "approvals"}
VIEW_ONLY = {"budgetagreement", "budgetparty"}
NO_ADD_OR_DELETE = {"department"}
NEVER = {"departmentadministrator", "ssogroupmapping"}


class DepartmentAdministratorBackend(BaseBackend):
    def _administrator(self, user_obj):
        if not (user_obj.is_active and user_obj.is_staff):
            return False
        cached = getattr(user_obj, "_department_administrator_cache", None)
        if cached is None:  # once per user object, i.e. per request
            cached = user_obj._department_administrator_cache = policy.is_administrator(user_obj)
        return cached

    def has_perm(self, user_obj, perm, obj=None):
        app_label, _, codename = perm.partition(".")
        action, _, model = codename.partition("_")
        if app_label not in APPS or model in NEVER:
            return False
        if model in VIEW_ONLY and action != "view":
            return False
        if model in NO_ADD_OR_DELETE and action in ("add", "delete"):
            return False
        return self._administrator(user_obj)

    def has_module_perms(self, user_obj, app_label):
        return app_label in APPS and self._administrator(user_obj)


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check (first in AUTHENTICATION_BACKENDS): a locked-out username and
    address is refused before any password is checked.

    Without a request (the shell, management commands, the test client's ``login``) there is
    no address to count against; every sign-in over the web passes its request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
