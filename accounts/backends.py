"""Authentication backends besides single sign-on (accounts.sso): local passwords, which
LOCAL_LOGIN=false switches off, the login lockout, and the model permissions of a department's
administrator.

A session names the backend that signed it in, so every backend stays listed in
AUTHENTICATION_BACKENDS; each answers only when switched on."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import BaseBackend, ModelBackend

from approvals import policy

from .sso import local_login_enabled


class LocalPasswordBackend(ModelBackend):
    """Django's own user name and password login, refused when LOCAL_LOGIN=false (the page and
    the admin then offer only single sign-on). Permissions are Django's as ever."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not local_login_enabled():
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check (first in AUTHENTICATION_BACKENDS): a username locked out from
    this client (accounts.client) is refused before any password is checked.

    Without a request (the shell, management commands, the test client's ``login``) there is
    no address to count against; every sign-in over the web passes its request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class DepartmentAdministratorBackend(BaseBackend):
    """Django's admin asks ``user.has_perm("proposals.change_catalogue")`` before it shows or
    saves anything; this answers yes for an active staff user who administers at least one
    department, for the catalogue and workflow models. WHICH rows they may see and change is
    the policy's answer (approvals.policy), asked by the scoped admin (proposals.admin_scope).
    Never granted here: who administers which department and what a directory group grants
    (superusers decide), and the budget agreements and parties, which every department shares
    (view only); a department cannot be added or deleted."""

    APPS = {"proposals", "approvals"}
    VIEW_ONLY = {"budgetagreement", "budgetparty"}
    NO_ADD_OR_DELETE = {"department"}
    NEVER = {"departmentadministrator", "ssogroupmapping"}

    def _administrator(self, user_obj):
        if not (user_obj.is_active and user_obj.is_staff):
            return False
        cached = getattr(user_obj, "_department_administrator_cache", None)
        if cached is None:  # once per user object, i.e. per request
            cached = user_obj._department_administrator_cache = policy.user_has_permission(
                user_obj, "department.administer"
            )
        return cached

    def has_perm(self, user_obj, perm, obj=None):
        app_label, _, codename = perm.partition(".")
        action, _, model = codename.partition("_")
        if app_label not in self.APPS or model in self.NEVER:
            return False
        if model in self.VIEW_ONLY and action != "view":
            return False
        if model in self.NO_ADD_OR_DELETE and action in ("add", "delete"):
            return False
        return self._administrator(user_obj)

    def has_module_perms(self, user_obj, app_label):
        return app_label in self.APPS and self._administrator(user_obj)
