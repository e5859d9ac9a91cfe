"""A hearing found complete: HMU's members are told once per hearing round.

"Complete" is selectors.hearing_finished (every heard LMU has submitted, or the deadline has
passed). It is a listing, not a step: the catalogue stays in hearing until HMU (or an
administrator) starts the review, which then needs no reason; HMU's dashboard lists it under
"Afventer HMU-behandling" (selectors.awaiting_hmu). Two moments find it: the last LMU's
submit (hearing.save_hearing_response, in its transaction) and the sweep (beat every minute,
or ``manage.py memo_sweep --loop`` without a broker) for a deadline that has passed.

The marker is a HearingCompletion row, unique per round (the transition that opened it), written
with the e-mails in one transaction under the process's row lock (a submit: the process shared
and the round's opening row locked, hearing._tell_if_complete): a repeated beat, a second worker
or a submit racing the sweep finds the row and writes nothing."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import notifications, selectors
from .models import CatalogueProcess, HearingCompletion
from .services import lock_process

logger = logging.getLogger(__name__)
State = CatalogueProcess.State


def tell_if_complete(process, *, now=None):
    """If ``process``'s current hearing round is complete and nobody was told yet: record it and
    write HMU's e-mails to the outbox. Returns the new HearingCompletion, or None.

    Call inside a transaction that holds the process's row lock, or its shared lock and the
    round's opening row (a submit: ``hearing._tell_if_complete``), or use ``check_hearings``,
    which takes the row lock."""
    if process.state != State.HEARING or not selectors.hearing_finished(process):
        return None
    opening = selectors.hearing_round_opening(process)
    if opening is None or HearingCompletion.objects.filter(opening=opening).exists():
        return None
    everyone = not selectors.missing_committees(process).exists()
    cause = HearingCompletion.Cause.ALL_ANSWERED if everyone else HearingCompletion.Cause.DEADLINE
    try:
        with transaction.atomic():  # a savepoint: a lost race undoes only this
            completion = HearingCompletion.objects.create(
                process=process, opening=opening, cause=cause, completed_at=now or timezone.now()
            )
            notifications.hearing_complete(completion)
    except IntegrityError:
        return None  # another worker recorded this round first
    return completion


def check_hearings(*, now=None):
    """The sweep's look at every catalogue in hearing (a deadline passes without an event).
    Returns the completions recorded now."""
    found = []
    candidates = CatalogueProcess.objects.filter(state=State.HEARING).filter(selectors.hearing_finished_q())
    for process_id in candidates.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                locked = lock_process(CatalogueProcess(pk=process_id))
                completion = tell_if_complete(locked, now=now)
        except Exception:  # one broken catalogue must not stop the others
            logger.exception("Hearing completion check failed for process %s", process_id)
            continue
        if completion is not None:
            found.append(completion)
    return found
