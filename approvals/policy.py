"""Who may see and change what: the application's one access policy.

Each rule is written twice, side by side, and the two halves must agree: a predicate on one
object (``can_…(user, obj)``, as Django's ``has_perm(user, perm, obj)``) and the queryset
filter selecting exactly the objects the predicate allows (``…(user, queryset, path)``, as
the admin's ``get_queryset``), so list pages filter in SQL and never check rows in Python.
Pages, exports, selectors, memo pages, catalogue panels, the workflow permissions and the
admin all ask here; proposals asks through ``proposals.hooks.register_catalogue_access``
(registered in ``ApprovalsConfig.ready``).

The rules:

- Superusers see and administer everything.
- A department's administrators are the active staff users given it
  (``DepartmentAdministrator``). They administer its catalogues, committees, processes and
  memos (admin lists, objects, actions, imports) and see its catalogues in every state. A
  staff user given no department administers nothing and sees nothing by being staff.
- A catalogue in draft (or without a process) is visible only to its department's
  administrators. From the hearing on it is visible also to the department's users: the
  members of any of its committees (LMU, HMU, sign-off body) and its managers
  (``Department.manager_emails``, matched by e-mail, case-insensitively); and to the members
  of the LMUs heard on it.
- A process, hearing response or memo is visible when its catalogue is. A memo's recipients'
  e-mail addresses are shown to its administrators only.
- Anonymous and inactive users: nothing.

Both halves decide from the user's standing (``Reach``: administered departments, committees,
managed departments), read when first asked and, within a request (``PolicyScopeMiddleware``),
once: so filters are literal id lists, not subqueries to compile, and a page asking five rules
reads once. Outside a request every question reads afresh.

``path`` is the lookup from the queryset's model to the Catalogue ("" for catalogues,
"catalogue" for processes, "process__catalogue" for memos and responses) or, for the
department rules, to the Department ("" for departments, "department" for catalogues and
committees)."""

import contextvars
from contextlib import contextmanager
from functools import cached_property

from django.db.models import Q

from proposals.hooks import register_catalogue_access
from proposals.models import Catalogue, Department

from .models import CatalogueProcess, DepartmentAdministrator, Membership

DRAFT = CatalogueProcess.State.DRAFT
# The states in which a catalogue is shown beyond its administrators.
RELEASED_STATES = [state for state in CatalogueProcess.State.values if state != DRAFT]


def _active(user):
    return user is not None and user.is_authenticated and user.is_active


def is_superuser(user):
    return _active(user) and user.is_superuser


def _lookup(path, field="pk"):
    return f"{path}__in" if path else f"{field}__in"


def _pk(obj_or_pk):
    return getattr(obj_or_pk, "pk", obj_or_pk)


# --- who the user is: read once per request ------------------------------------------------


class Reach:
    """The user's standing, which every rule below is decided from, each part read when first
    asked: the departments given them to administer (staff only), their committees as
    (committee, department, kind), and the departments whose manager list holds their e-mail."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def administered(self):
        if not self.user.is_staff:
            return frozenset()
        return frozenset(DepartmentAdministrator.objects.filter(user=self.user).values_list("department_id", flat=True))

    @cached_property
    def memberships(self):
        return tuple(
            Membership.objects.filter(user=self.user).values_list(
                "committee_id", "committee__department_id", "committee__kind"
            )
        )

    @cached_property
    def managed(self):
        if not _email(self.user):
            return frozenset()
        # The few departments with a manager list, read by the predicate's own rule.
        return frozenset(
            department.pk
            for department in Department.objects.exclude(manager_emails="").only("pk", "manager_emails")
            if manages_department(self.user, department)
        )

    @cached_property
    def committee_ids(self):
        return frozenset(committee for committee, _department, _kind in self.memberships)

    @cached_property
    def member_departments(self):
        return frozenset(department for _committee, department, _kind in self.memberships)

    def is_department_user(self, department_id):
        """A member of one of its committees, its administrator or one of its managers."""
        return (
            department_id in self.member_departments
            or department_id in self.administered
            or (department_id in self.managed)
        )

    def department_users_of(self):
        """The departments whose released catalogues the user sees as one of their users."""
        return self.member_departments | self.administered | self.managed


_scope = contextvars.ContextVar("policy_scope", default=None)


@contextmanager
def request_scope():
    """Within it, a user's Reach is read once (PolicyScopeMiddleware: one request). Outside,
    every question reads it afresh, so services, tasks and tests never see a stale answer."""
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def _email(user):
    return (user.email or "").strip().lower()


def manages_department(user, department):
    """The user's e-mail is on the department's manager list (one address a line)."""
    email = _email(user)
    return bool(email) and email in (e.lower() for e in department.manager_email_list())


def reach(user):
    """The active user's Reach (within a request scope: one per user, each part read once)."""
    cache = _scope.get()
    if cache is None:
        return Reach(user)
    if user.pk not in cache:
        cache[user.pk] = Reach(user)
    return cache[user.pk]


# --- administrators of departments --------------------------------------------------------


def can_administer_department(user, department):
    """``department``: a Department or its id."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return user.is_staff and _pk(department) in reach(user).administered


def administered_departments(user, queryset, path=""):
    """Rows of ``queryset`` whose department (at ``path``) the user administers."""
    if not _active(user) or not (user.is_staff or user.is_superuser):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(**{_lookup(path): sorted(reach(user).administered)})


def is_administrator(user):
    """Administers at least one department (superusers: all): the dashboard's "all catalogues"."""
    if not _active(user):
        return False
    return user.is_superuser or (user.is_staff and bool(reach(user).administered))


def can_administer_catalogue(user, catalogue):
    return can_administer_department(user, catalogue.department_id)


def administered_catalogues(user, queryset, path=""):
    return administered_departments(user, queryset, f"{path}__department" if path else "department")


def can_administer_process(user, process):
    """The workflow's "administrator": of the process's catalogue's department."""
    return process is not None and can_administer_department(user, process.catalogue.department_id)


# --- the department's users --------------------------------------------------------------


def is_department_user(user, department):
    """A member of any committee of the department, one of its managers, or its administrator."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return reach(user).is_department_user(department.pk)


def is_member(user, committee):
    """A member of ``committee`` (a Committee or its id)."""
    return _active(user) and committee is not None and _pk(committee) in reach(user).committee_ids


def committees_of_kind(user, kind):
    """The ids of the user's committees of ``kind``."""
    if not _active(user):
        return frozenset()
    return frozenset(c for c, _d, k in reach(user).memberships if k == kind)


def is_committee_kind_member(user, department_id, kind):
    """A member of one of the department's committees of ``kind`` (HMU, sign-off body)."""
    if not _active(user):
        return False
    return any(d == department_id and k == kind for _c, d, k in reach(user).memberships)


# --- committee members ----------------------------------------------------------------------


def can_search_members(user):
    """May search the users to add to a committee (the admin's user search behind the
    membership rows): an administrator of a department (superusers: all), who administers its
    committees and their memberships."""
    return is_administrator(user)


def member_candidates(user, queryset):
    """Rows of ``queryset`` (users) that search finds: every active user. People join a
    department only by being made members, so anyone in the municipality who has signed in may
    be the one to add, staff and superusers included (an administrator may sit on an HMU); an
    inactive account cannot sign in and is left out. A search shows user names only, never
    which committees or departments a user belongs to."""
    if not can_search_members(user):
        return queryset.none()
    return queryset.filter(is_active=True)


# --- catalogues (and what hangs on them) ----------------------------------------------------


def _state_of(catalogue):
    """The catalogue's workflow state as stored now, or None without a process (a loaded
    process may be stale: a transition saves a locked copy)."""
    return CatalogueProcess.objects.filter(catalogue_id=catalogue.pk).values_list("state", flat=True).first()


def is_heard(user, catalogue):
    """A member of an LMU heard on the catalogue."""
    committees = reach(user).committee_ids
    return (
        bool(committees)
        and CatalogueProcess.objects.filter(catalogue_id=catalogue.pk, heard_committees__in=committees).exists()
    )


def can_view_catalogue(user, catalogue):
    if not _active(user):
        return False
    if user.is_superuser or can_administer_catalogue(user, catalogue):
        return True
    state = _state_of(catalogue)
    if state is None or state == DRAFT:
        return False
    return is_department_user(user, catalogue.department) or is_heard(user, catalogue)


def _catalogue_q(user):
    """Q on Catalogue: the predicate ``can_view_catalogue`` for a non-superuser, in SQL (the
    user's Reach as literal ids: cheap to compile, read once per request)."""
    standing = reach(user)
    seen = Q(department__in=sorted(standing.department_users_of()))
    if standing.committee_ids:
        heard = CatalogueProcess.objects.filter(heard_committees__in=sorted(standing.committee_ids))
        seen |= Q(pk__in=heard.values("catalogue_id"))
    released = Q(process__state__in=RELEASED_STATES) & seen
    if user.is_staff and standing.administered:
        return Q(department__in=sorted(standing.administered)) | released
    return released


def visible_catalogues(user, queryset, path=""):
    """Rows of ``queryset`` whose catalogue (at ``path``) the user may see."""
    if not _active(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    if not path:
        return queryset.filter(_catalogue_q(user))
    return queryset.filter(**{f"{path}__in": Catalogue.objects.filter(_catalogue_q(user)).values("pk")})


def can_view_process(user, process):
    return process is not None and can_view_catalogue(user, process.catalogue)


def visible_processes(user, queryset):
    return visible_catalogues(user, queryset, "catalogue")


def can_view_memo(user, memo):
    return can_view_catalogue(user, memo.process.catalogue)


def visible_memos(user, queryset):
    return visible_catalogues(user, queryset, "process__catalogue")


def can_see_memo_recipients(user, memo):
    """The parties' e-mail addresses in a memo's delivery table: its administrators only.
    Committee members and managers read the memo, not whom it was sent to."""
    return can_administer_catalogue(user, memo.process.catalogue)


def memos_with_visible_recipients(user, queryset):
    return administered_catalogues(user, queryset, "process__catalogue")


class CatalogueAccess:
    """What proposals asks through ``proposals.hooks.register_catalogue_access``."""

    visible_catalogues = staticmethod(visible_catalogues)
    can_view_catalogue = staticmethod(can_view_catalogue)
    administered_departments = staticmethod(administered_departments)
    can_administer_department = staticmethod(can_administer_department)


def register():
    """Called from ApprovalsConfig.ready()."""
    register_catalogue_access(CatalogueAccess())
