"""Writes of the approval workflow. Every function runs in one transaction.

The catalogue's process row is locked (``select_for_update``) before any rule is checked,
so two people pressing the same button at once cannot move a catalogue twice: the second
waits for the first, then sees the new state and is refused. A refused step raises a
``WorkflowError`` (approvals.exceptions; Danish, for the user) and writes nothing.

Every state change goes through ``perform``, which takes a rule of approvals.transitions whole:
who may, its guards, its effect and its e-mails (written to the outbox in the step's
transaction; they are handed to the worker after the commit). The named functions
(``open_hearing``, ``sign_off`` ...) are readable doors to it.
"""

import logging

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from proposals.models import Catalogue

from . import policy, transitions
from .exceptions import NotPermitted, TransitionNotAllowed, WorkflowError
from .models import (
    CatalogueProcess,
    Committee,
    Transition,
)

logger = logging.getLogger(__name__)
State = CatalogueProcess.State


# --- processes -------------------------------------------------------------------------


def ensure_processes():
    """Give every catalogue without a process one (draft). Returns how many were created.

    New catalogues get theirs when they are saved (approvals.signals); this is for rows that
    bypassed save (bulk creation, raw fixtures)."""
    missing = Catalogue.objects.filter(process__isnull=True).values_list("pk", flat=True)
    created = CatalogueProcess.objects.bulk_create(
        [CatalogueProcess(catalogue_id=pk) for pk in missing], ignore_conflicts=True
    )
    return len(created)


def lock_process(process):
    # No select_related: lock only the process row, not the catalogue.
    return CatalogueProcess.objects.select_for_update().get(pk=process.pk)


def share_process(process):
    """The process row with a SHARE lock (PostgreSQL's FOR SHARE): writers that only need its
    state to stay put (the LMUs saving their responses) hold it together, while a state change
    (``lock_process``, FOR UPDATE) waits for them all and they wait for it. Django has no
    ``select_for_share``; SQLite has no row locks (it runs one writer at a time)."""
    if connection.vendor != "postgresql":
        return CatalogueProcess.objects.get(pk=process.pk)
    table = connection.ops.quote_name(CatalogueProcess._meta.db_table)
    pk = connection.ops.quote_name(CatalogueProcess._meta.pk.column)
    return CatalogueProcess.objects.raw(f"SELECT * FROM {table} WHERE {pk} = %s FOR SHARE", [process.pk])[0]


def _refresh(process, locked):
    """Copy the locked row's fields onto the caller's instance so it sees the new state."""
    for field in ("state", "hearing_deadline", "hmu_meeting", "signoff_meeting", "updated_at"):
        setattr(process, field, getattr(locked, field))


def require_actor(actor):
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise NotPermitted(_("Du skal være logget ind."))


# --- transitions -------------------------------------------------------------------------


def _perform(process, rule, *, actor, note="", hearing_deadline=None, approved_before_meeting=False, locked=None):
    step = transitions.Step((note or "").strip(), hearing_deadline, approved_before_meeting)
    note = step.note
    require_actor(actor)
    with transaction.atomic():
        locked = locked or lock_process(process)
        if not rule.may(actor, locked):
            raise NotPermitted(rule.refused)
        from_state = locked.state
        if from_state != rule.source:
            last_step = Transition.objects.filter(process=locked).select_related("actor").order_by("-at", "-id").first()
            raise TransitionNotAllowed(transitions.wrong_state_message(rule, from_state, last_step))
        if hearing_deadline is not None and rule.sets_deadline():
            locked.hearing_deadline = hearing_deadline
            locked.save(update_fields=["hearing_deadline", "updated_at"])
        for guard in rule.guards:
            message = guard(locked, actor, step)
            if message:
                raise TransitionNotAllowed(message)
        at = timezone.now()
        locked.state = rule.target
        locked.save(update_fields=["state", "updated_at"])
        log = Transition.objects.create(
            process=locked, from_state=from_state, to_state=rule.target, actor=actor, at=at, note=note
        )
        result = rule.effect(locked, actor, note, at) if rule.effect else None
        rule.email(log)  # the step's e-mails commit with it (the outbox)
    _refresh(process, locked)
    return log, result


def perform(process, action, *, actor, note="", hearing_deadline=None, approved_before_meeting=False):
    """Take the step ``action`` (a rule of approvals.transitions, or its name) if its rule allows it,
    with what the person gave (its form's ``transition_input``: transitions.Step).

    Refused unless ``actor`` may (``NotPermitted``), the catalogue is in the rule's source state
    and the rule's guards pass (``TransitionNotAllowed``). Returns the Transition row."""
    rule = action if isinstance(action, transitions.Rule) else transitions.RULES[action]
    return _perform(
        process,
        rule,
        actor=actor,
        note=note,
        hearing_deadline=hearing_deadline,
        approved_before_meeting=approved_before_meeting,
    )[0]


def transition(process, to_state, *, actor, note=""):
    """Move ``process`` to ``to_state`` by the rule from its current state there; returns the Transition row."""
    require_actor(actor)
    with transaction.atomic():
        locked = lock_process(process)
        rule = transitions.rule_between(locked.state, to_state)
        if rule is None:
            raise TransitionNotAllowed(transitions.cannot_move(locked.state, to_state))
        return _perform(process, rule, actor=actor, note=note, locked=locked)[0]


def open_hearing(process, *, actor, note=""):
    return perform(process, transitions.OPEN_HEARING, actor=actor, note=note)


def start_hmu_review(process, *, actor, reason=""):
    """Before the deadline and with LMUs still missing, only an administrator with a reason may start it."""
    return perform(process, transitions.START_HMU_REVIEW, actor=actor, note=reason)


def forward_to_signoff(process, *, actor, note=""):
    return perform(process, transitions.FORWARD_TO_SIGNOFF, actor=actor, note=note)


def sign_off(process, *, actor, note="", approved_before_meeting=False):
    """Approve: stores an immutable SignOff with the catalogue's snapshot as it stands. Before
    the planned meeting only with ``approved_before_meeting`` (the member's tick)."""
    return _perform(
        process, transitions.SIGN_OFF, actor=actor, note=note, approved_before_meeting=approved_before_meeting
    )[1]


def send_back(process, *, actor, reason, hearing_deadline=None):
    """Sign-off body → HMU (records a SignOff "sent back"), or HMU → hearing. Reason required.

    Back to hearing reopens the submitted responses as drafts and needs a deadline ahead:
    ``hearing_deadline`` sets a new one (in the same transaction as the move)."""
    with transaction.atomic():
        locked = lock_process(process)
        rule = transitions.rule_from(locked.state, transitions.SEND_BACK)
        if rule is None:
            raise TransitionNotAllowed(
                _("Kataloget kan ikke sendes tilbage fra »%(state)s«.") % {"state": locked.get_state_display()}
            )
        return _perform(process, rule, actor=actor, note=reason, hearing_deadline=hearing_deadline, locked=locked)[0]


# --- configuration -----------------------------------------------------------------------


def check_hearing_configuration(process, *, committees, hearing_deadline, hmu_meeting=None, signoff_meeting=None):
    """Raise WorkflowError if the hearing set-up is invalid (also used by the admin form)."""
    if process.state not in (State.DRAFT, State.HEARING):
        raise TransitionNotAllowed(
            _("Høringen kan kun ændres, mens kataloget er i kladde eller høring (status: %(state)s).")
            % {"state": process.get_state_display()}
        )
    department_id = process.catalogue.department_id
    for committee in committees:
        if committee.kind != Committee.Kind.LMU:
            raise WorkflowError(_("%(committee)s er ikke et LMU og kan ikke høres.") % {"committee": committee})
        if committee.department_id != department_id:
            raise WorkflowError(
                _("%(committee)s hører ikke til katalogets magistratsafdeling.") % {"committee": committee}
            )
    if process.state == State.HEARING and not committees:
        raise WorkflowError(_("En igangværende høring skal have mindst ét hørt LMU."))
    # A draft may be set up bit by bit; opening the hearing checks that a deadline is set.
    if hearing_deadline is None and process.state == State.HEARING:
        raise WorkflowError(_("En igangværende høring skal have en høringsfrist."))
    if hmu_meeting and hearing_deadline and hmu_meeting < hearing_deadline:
        raise WorkflowError(_("HMU-mødet kan ikke ligge før høringsfristen."))
    earliest = hmu_meeting or hearing_deadline
    if signoff_meeting and earliest and signoff_meeting < earliest:
        raise WorkflowError(_("Rådmandsmødet kan ikke ligge før HMU-mødet og høringsfristen."))


def configure_hearing(process, *, actor, committees, hearing_deadline, hmu_meeting=None, signoff_meeting=None):
    """Choose the heard LMUs and the dates (administrators; in draft or hearing).

    In draft the deadline may still be None; ``open_hearing`` requires it."""
    require_actor(actor)
    if not policy.user_has_permission(actor, "process.configure_hearing", process):
        raise NotPermitted(_("Kun en administrator kan konfigurere høringen."))
    committees = list(committees)
    with transaction.atomic():
        locked = lock_process(process)
        check_hearing_configuration(
            locked,
            committees=committees,
            hearing_deadline=hearing_deadline,
            hmu_meeting=hmu_meeting,
            signoff_meeting=signoff_meeting,
        )
        locked.hearing_deadline = hearing_deadline
        locked.hmu_meeting = hmu_meeting
        locked.signoff_meeting = signoff_meeting
        locked.save(update_fields=["hearing_deadline", "hmu_meeting", "signoff_meeting", "updated_at"])
        locked.heard_committees.set(committees)
    _refresh(process, locked)
    return process
