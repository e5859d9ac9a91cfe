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

``path`` is the lookup from the queryset's model to the Catalogue ("" for catalogues,
"catalogue" for processes, "process__catalogue" for memos and responses) or, for the
department rules, to the Department ("" for departments, "department" for catalogues and
committees)."""

from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Concat, Lower, Replace

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


# --- administrators of departments --------------------------------------------------------


def _administered_ids(user):
    """Subquery: the ids of the departments a staff user was given."""
    return DepartmentAdministrator.objects.filter(user=user).values("department_id")


def can_administer_department(user, department):
    """``department``: a Department or its id."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return user.is_staff and DepartmentAdministrator.objects.filter(user=user, department_id=_pk(department)).exists()


def administered_departments(user, queryset, path=""):
    """Rows of ``queryset`` whose department (at ``path``) the user administers."""
    if not _active(user) or not (user.is_staff or user.is_superuser):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(**{_lookup(path): _administered_ids(user)})


def is_administrator(user):
    """Administers at least one department (superusers: all): the dashboard's "all catalogues"."""
    if not _active(user):
        return False
    return user.is_superuser or (user.is_staff and DepartmentAdministrator.objects.filter(user=user).exists())


def can_administer_catalogue(user, catalogue):
    return can_administer_department(user, catalogue.department_id)


def administered_catalogues(user, queryset, path=""):
    return administered_departments(user, queryset, f"{path}__department" if path else "department")


def can_administer_process(user, process):
    """The workflow's "administrator": of the process's catalogue's department."""
    return process is not None and can_administer_department(user, process.catalogue.department_id)


# --- the department's users --------------------------------------------------------------


def _email(user):
    return (user.email or "").strip().lower()


def manages_department(user, department):
    """The user's e-mail is on the department's manager list (one address a line)."""
    email = _email(user)
    return bool(email) and email in (e.lower() for e in department.manager_email_list())


def _managed_ids(user):
    """Subquery: departments whose manager list holds the user's e-mail (None: no e-mail).

    The list is normalised in SQL as the predicate reads it: one address a line, blanks and
    carriage returns dropped, lower case; then "\\n<e-mail>\\n" is looked for."""
    email = _email(user)
    if not email:
        return None

    def text(value):  # PostgreSQL refuses to mix text and varchar in one concatenation
        return Value(value, output_field=TextField())

    stripped = F("manager_emails")
    for blank in ("\r", " ", "\t"):
        stripped = Replace(stripped, text(blank), text(""))
    normalised = Concat(text("\n"), Lower(stripped), text("\n"), output_field=TextField())
    return Department.objects.annotate(_managers=normalised).filter(_managers__contains=f"\n{email}\n").values("pk")


def is_department_user(user, department):
    """A member of any committee of the department, one of its managers, or its administrator."""
    if not _active(user):
        return False
    return (
        Membership.objects.filter(user=user, committee__department_id=department.pk).exists()
        or manages_department(user, department)
        or can_administer_department(user, department)
    )


def _department_user_q(user, path="department"):
    q = Q(**{_lookup(path): Membership.objects.filter(user=user).values("committee__department_id")})
    managed = _managed_ids(user)
    if managed is not None:
        q |= Q(**{_lookup(path): managed})
    if user.is_staff:
        q |= Q(**{_lookup(path): _administered_ids(user)})
    return q


# --- catalogues (and what hangs on them) ----------------------------------------------------


def _state_of(catalogue):
    """The catalogue's workflow state as stored now, or None without a process (a loaded
    process may be stale: a transition saves a locked copy)."""
    return CatalogueProcess.objects.filter(catalogue_id=catalogue.pk).values_list("state", flat=True).first()


def is_heard(user, catalogue):
    """A member of an LMU heard on the catalogue."""
    return Membership.objects.filter(user=user, committee__hearings__catalogue_id=catalogue.pk).exists()


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
    """Q on Catalogue: the predicate ``can_view_catalogue`` for a non-superuser, in SQL."""
    heard = CatalogueProcess.objects.filter(heard_committees__memberships__user=user).values("catalogue_id")
    released = Q(process__state__in=RELEASED_STATES) & (_department_user_q(user) | Q(pk__in=heard))
    if user.is_staff:
        return Q(department__in=_administered_ids(user)) | released
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
