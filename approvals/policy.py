"""Who may see and do what: the application's one access policy, keyed by action.

Modelled on Wagtail's permission policies. Every question is one of three, each answered from
the same rule of the action:

- ``user_has_permission(user, action, obj=None)``: may ``user`` do ``action`` on ``obj``?
  (``obj=None``: do they hold the permission at all, by their role: an LMU's member may write
  responses, whether or not their LMU is heard yet);
- ``instances_user_has_permission_for(user, action, queryset=None, path="")``: the objects
  (of ``queryset``, default all of the action's model; ``path``: the lookup from the queryset's
  model to the action's model) on which they may, as a filter in SQL;
- ``users_with_permission_for_instance(action, obj)``: the users who may (e-mail recipients).

Pages, exports, selectors, notifications, the transition table, the admin (lists, filters,
autocomplete, import, history) and the authentication backend ask here; proposals asks through
``proposals.access`` (registered in ``ApprovalsConfig.ready``). The command line is trusted.

The actions (``ACTIONS`` below):

- ``department.administer``: superusers; active staff users given the department
  (``DepartmentAdministrator``). A staff user given no department administers nothing.
- ``catalogue.administer``, ``process.administer``: of the catalogue's department.
- ``catalogue.view``: its administrators in every state; from the hearing on (never a draft)
  also the department's users (members of any of its committees, its managers by e-mail in
  ``Department.manager_emails``) and the members of the LMUs heard on it.
- ``process.view``, ``memo.view``: as the catalogue. ``memo.see_recipients``: its administrators.
- ``committee.act_for``: a committee's members (write its hearing response, ...).
- ``process.write_response``: members of an LMU heard on the catalogue.
- ``process.record_hmu`` / ``process.sign_off``: members of the department's HMU / sign-off body.
- the workflow's steps (approvals.transitions): ``process.open_hearing`` (administrators),
  ``process.start_hmu_review``, ``process.forward_to_signoff``, ``process.send_back_to_hearing``
  (HMU or administrators), ``process.send_back_to_hmu`` (the sign-off body);
  ``process.configure_hearing``, ``process.reopen_response`` (administrators);
  ``process.view_hmu_page`` / ``process.view_signoff_page`` (HMU / sign-off body, or administrators).
- ``response.view``: its own committee's members in any status, its administrators, and, once
  submitted, everyone who sees the catalogue.
- ``user.add_to_committee``: the users a department's administrator finds to add to a
  committee: every active user.
- Anonymous and inactive users: nothing.

Every rule decides from the user's standing (``Reach``: administered departments, committees,
managed departments), read when first asked and, within a request (``PolicyScopeMiddleware``),
once; so the SQL filters are literal id lists, cheap to compile, and a page asking five rules
reads once. Outside a request every question reads afresh."""

import contextvars
from contextlib import contextmanager
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db.models import Q

from proposals.hooks import register_catalogue_access
from proposals.models import Catalogue, Department

from .models import CatalogueProcess, Committee, DepartmentAdministrator, HearingResponse, Membership, Memo

DRAFT = CatalogueProcess.State.DRAFT
# The states in which a catalogue is shown beyond its administrators.
RELEASED_STATES = [state for state in CatalogueProcess.State.values if state != DRAFT]
NOTHING = Q(pk__in=[])


def _active(user):
    return user is not None and user.is_authenticated and user.is_active


def _email(user):
    return (user.email or "").strip().lower()


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

    def committees_of_kind(self, kind):
        return frozenset(committee for committee, _department, k in self.memberships if k == kind)

    def departments_with(self, kind):
        """The departments in one of whose committees of ``kind`` the user is a member."""
        return frozenset(department for _committee, department, k in self.memberships if k == kind)

    @cached_property
    def department_users_of(self):
        """The departments whose released catalogues the user sees as one of their users: a
        member of one of its committees, its administrator or one of its managers."""
        return frozenset(d for _c, d, _k in self.memberships) | self.administered | self.managed


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


def reach(user):
    """The active user's Reach (within a request scope: one per user, each part read once)."""
    cache = _scope.get()
    if cache is None:
        return Reach(user)
    if user.pk not in cache:
        cache[user.pk] = Reach(user)
    return cache[user.pk]


def manages_department(user, department):
    """The user's e-mail is on the department's manager list (one address a line)."""
    email = _email(user)
    return bool(email) and email in (e.lower() for e in department.manager_email_list())


# --- the rules -----------------------------------------------------------------------------


def _follow(obj, path):
    """The object at ``path`` (Django lookup syntax) from ``obj``; "" is ``obj`` itself."""
    for hop in filter(None, path.split("__")):
        obj = getattr(obj, hop)
    return obj


def _id_at(obj, path):
    """The primary key of the object at ``path`` from ``obj``, read from the last foreign key
    (``catalogue__department`` -> ``obj.catalogue.department_id``) so it loads no more rows."""
    if not path:
        return obj.pk
    *hops, last = path.split("__")
    return getattr(_follow(obj, "__".join(hops)), f"{last}_id")


def _lookup(prefix, path, lookup="pk"):
    """The lookup from the queryset's model (``prefix``: its path to the rule's model, with a
    trailing "__" or "") through the rule's ``path`` to ``lookup``."""
    return f"{prefix}{path}__{lookup}" if path else f"{prefix}{lookup}"


class Rule:
    """One action on one model. The three halves answer alike for an active user:
    ``test`` (one object), ``q`` (the same objects as a filter; ``prefix``: the lookup from the
    queryset's model to this rule's model, "" or ending in "__") and ``users_q`` (a filter on
    users holding it by their standing; superusers, who may do what ``superusers`` says, are
    not among them: they are told nothing by e-mail)."""

    model = None
    superusers = True  # a superuser may, whatever their standing

    def test(self, user, standing, obj):
        raise NotImplementedError

    def q(self, user, standing, prefix=""):
        raise NotImplementedError

    def any(self, user, standing):
        """Holds the permission at all (by default: on at least one object)."""
        return self.model._default_manager.filter(self.q(user, standing)).exists()

    def users_q(self, obj):
        raise NotImplementedError(f"{type(self).__name__} names no users")


class Administer(Rule):
    """Administrators of the department at ``path`` from ``model`` ("" for a Department)."""

    def __init__(self, model, path=""):
        self.model, self.path = model, path

    def test(self, user, standing, obj):
        return user.is_staff and _id_at(obj, self.path) in standing.administered

    def q(self, user, standing, prefix=""):
        if not user.is_staff:
            return NOTHING
        return Q(**{f"{_lookup(prefix, self.path)}__in": sorted(standing.administered)})

    def any(self, user, standing):
        return user.is_staff and bool(standing.administered)

    def users_q(self, obj):
        return Q(is_staff=True, administered_departments__department_id=_id_at(obj, self.path))


def _state_of(catalogue):
    """The catalogue's workflow state as stored now, or None without a process (a loaded
    process may be stale: a transition saves a locked copy)."""
    return CatalogueProcess.objects.filter(catalogue_id=catalogue.pk).values_list("state", flat=True).first()


class ViewCatalogue(Rule):
    """See the catalogue at ``path`` from ``model``: its administrators in every state; from the
    hearing on its department's users and the members of the LMUs heard on it."""

    def __init__(self, model, path=""):
        self.model, self.path = model, path
        self.administer = Administer(Catalogue, "department")

    def test(self, user, standing, obj):
        catalogue = _follow(obj, self.path)
        if self.administer.test(user, standing, catalogue):
            return True
        state = _state_of(catalogue)
        if state is None or state == DRAFT:
            return False
        if catalogue.department_id in standing.department_users_of:
            return True
        committees = standing.committee_ids
        return (
            bool(committees)
            and CatalogueProcess.objects.filter(catalogue_id=catalogue.pk, heard_committees__in=committees).exists()
        )

    def _catalogue_q(self, user, standing):
        seen = Q(department__in=sorted(standing.department_users_of))
        if standing.committee_ids:
            heard = CatalogueProcess.objects.filter(heard_committees__in=sorted(standing.committee_ids))
            seen |= Q(pk__in=heard.values("catalogue_id"))
        released = Q(process__state__in=RELEASED_STATES) & seen
        return self.administer.q(user, standing) | released

    def q(self, user, standing, prefix=""):
        path = f"{prefix}{self.path}"
        if not path:
            return self._catalogue_q(user, standing)
        # From another model: the visible catalogues as a subquery.
        return Q(**{f"{path.removesuffix('__')}__in": Catalogue.objects.filter(self._catalogue_q(user, standing))})

    def users_q(self, obj):
        catalogue = _follow(obj, self.path)
        q = self.administer.users_q(catalogue)
        state = _state_of(catalogue)
        if state is None or state == DRAFT:
            return q
        q |= Q(memberships__committee__department_id=catalogue.department_id)
        q |= Q(memberships__committee__hearings__catalogue_id=catalogue.pk)
        for email in catalogue.department.manager_email_list():
            q |= Q(email__iexact=email.strip())
        return q


class ActFor(Rule):
    """Act for a committee (write its hearing response): its members."""

    model = Committee
    superusers = False

    def test(self, user, standing, obj):
        return obj.pk in standing.committee_ids

    def q(self, user, standing, prefix=""):
        return Q(**{f"{prefix}pk__in": sorted(standing.committee_ids)})

    def users_q(self, obj):
        return Q(memberships__committee=obj)


class HeardMember(Rule):
    """Members of an LMU heard on the process's catalogue."""

    model = CatalogueProcess
    superusers = False

    def test(self, user, standing, obj):
        lmus = standing.committees_of_kind(Committee.Kind.LMU)
        return bool(lmus) and obj.pk is not None and obj.heard_committees.filter(pk__in=lmus).exists()

    def q(self, user, standing, prefix=""):
        return Q(**{f"{prefix}heard_committees__in": sorted(standing.committees_of_kind(Committee.Kind.LMU))})

    def any(self, user, standing):
        return bool(standing.committees_of_kind(Committee.Kind.LMU))

    def users_q(self, obj):
        return Q(memberships__committee__in=obj.heard_committees.all())


class CommitteeRole(Rule):
    """Members of the process's department's committee of ``kind`` (HMU, the sign-off body)."""

    model = CatalogueProcess
    superusers = False

    def __init__(self, kind):
        self.kind = kind

    def test(self, user, standing, obj):
        return obj.catalogue.department_id in standing.departments_with(self.kind)

    def q(self, user, standing, prefix=""):
        return Q(**{f"{prefix}catalogue__department__in": sorted(standing.departments_with(self.kind))})

    def any(self, user, standing):
        return bool(standing.departments_with(self.kind))

    def users_q(self, obj):
        return Q(
            memberships__committee__department_id=obj.catalogue.department_id, memberships__committee__kind=self.kind
        )


class AnyOf(Rule):
    """Whoever holds one of ``rules`` (a superuser when one of them lets superusers)."""

    def __init__(self, *rules):
        self.rules = rules
        self.model = rules[0].model
        self.superusers = any(rule.superusers for rule in rules)

    def test(self, user, standing, obj):
        return any(rule.test(user, standing, obj) for rule in self.rules)

    def q(self, user, standing, prefix=""):
        q = NOTHING
        for rule in self.rules:
            q |= rule.q(user, standing, prefix)
        return q

    def any(self, user, standing):
        return any(rule.any(user, standing) for rule in self.rules)

    def users_q(self, obj):
        q = NOTHING
        for rule in self.rules:
            q |= rule.users_q(obj)
        return q


class ViewResponse(Rule):
    """A hearing response: its committee's members in any status, its administrators, and once
    submitted everyone who sees the catalogue."""

    model = HearingResponse

    def __init__(self):
        self.own = ActFor()
        self.administer = Administer(HearingResponse, "process__catalogue__department")
        self.view = ViewCatalogue(HearingResponse, "process__catalogue")

    def test(self, user, standing, obj):
        return (
            self.own.test(user, standing, obj.committee)
            or self.administer.test(user, standing, obj)
            or (obj.status == HearingResponse.Status.SUBMITTED and self.view.test(user, standing, obj))
        )

    def q(self, user, standing, prefix=""):
        submitted = Q(**{f"{prefix}status": HearingResponse.Status.SUBMITTED})
        return (
            self.own.q(user, standing, f"{prefix}committee__")
            | self.administer.q(user, standing, prefix)
            | (submitted & self.view.q(user, standing, prefix))
        )


class AddToCommittee(Rule):
    """Find a user to add to a committee (the admin's search behind the membership rows): any
    department's administrator, who administers its committees' memberships, finds every active
    user. People join a department only by being made members, so anyone who has signed in may
    be the one to add (an administrator may sit on an HMU); the search shows user names only."""

    def __init__(self):
        self.model = get_user_model()

    def test(self, user, standing, obj):
        return self.any(user, standing) and obj.is_active

    def q(self, user, standing, prefix=""):
        return Q(**{f"{prefix}is_active": True}) if self.any(user, standing) else NOTHING

    def any(self, user, standing):
        return user.is_staff and bool(standing.administered)


_administer_process = Administer(CatalogueProcess, "catalogue__department")
_hmu = CommitteeRole(Committee.Kind.HMU)
_signoff = CommitteeRole(Committee.Kind.SIGNOFF)
_hmu_or_administrator = AnyOf(_administer_process, _hmu)

ACTIONS = {
    "department.administer": Administer(Department),
    "catalogue.administer": Administer(Catalogue, "department"),
    "catalogue.view": ViewCatalogue(Catalogue),
    "process.administer": _administer_process,
    "process.view": ViewCatalogue(CatalogueProcess, "catalogue"),
    "process.write_response": HeardMember(),
    "process.record_hmu": _hmu,
    "process.sign_off": _signoff,
    "process.open_hearing": _administer_process,
    "process.configure_hearing": _administer_process,
    "process.reopen_response": _administer_process,
    "process.start_hmu_review": _hmu_or_administrator,
    "process.forward_to_signoff": _hmu_or_administrator,
    "process.send_back_to_hearing": _hmu_or_administrator,
    "process.send_back_to_hmu": _signoff,
    "process.view_hmu_page": _hmu_or_administrator,
    "process.view_signoff_page": AnyOf(_administer_process, _signoff),
    "committee.act_for": ActFor(),
    "response.view": ViewResponse(),
    "memo.view": ViewCatalogue(Memo, "process__catalogue"),
    "memo.see_recipients": Administer(Memo, "process__catalogue__department"),
    "user.add_to_committee": AddToCommittee(),
}


# --- the three questions ---------------------------------------------------------------------


def user_has_permission(user, action, obj=None):
    """May ``user`` do ``action`` on ``obj`` (None: do they hold the permission at all)?"""
    rule = ACTIONS[action]
    if not _active(user):
        return False
    if user.is_superuser and rule.superusers:
        return True
    if obj is None:
        return rule.any(user, reach(user))
    return rule.test(user, reach(user), obj)


def instances_user_has_permission_for(user, action, queryset=None, path=""):
    """The objects on which ``user`` may do ``action``: of ``queryset`` (default: every object of
    the action's model), whose object at ``path`` (the lookup from the queryset's model to the
    action's model; "" for the model itself) is one of them. A filter in SQL."""
    rule = ACTIONS[action]
    queryset = rule.model._default_manager.all() if queryset is None else queryset
    if not _active(user):
        return queryset.none()
    if user.is_superuser and rule.superusers:
        return queryset
    return queryset.filter(rule.q(user, reach(user), f"{path}__" if path else ""))


def users_with_permission_for_instance(action, obj):
    """The active users who may do ``action`` on ``obj`` by their standing (committee,
    administration, manager list): the people to tell. Superusers are not among them."""
    return get_user_model()._default_manager.filter(ACTIONS[action].users_q(obj), is_active=True).distinct()


def register():
    """Called from ApprovalsConfig.ready(): proposals asks this policy (proposals.access)."""
    register_catalogue_access(__import__(__name__, fromlist=["ACTIONS"]))
