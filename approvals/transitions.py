"""The workflow's transition table: every step a catalogue can take, each rule whole in one place.

A rule holds who may take it (``permission``: an action of the access policy), when it may be taken
(``guards``), what it does besides moving the state (``effect``), the e-mails that tell of it
(``email``: approvals.notifications) and its button (label, form, page). The pages (one view,
``views.transition``), the admin (an action per rule) and ``services.perform`` read this table;
nothing else decides whether a step is allowed. ``services.perform`` checks ``may`` and the
guards under the process's row lock and runs the effect and the e-mails in the step's
transaction.

A rule's ``name`` is its action: the URL's action and the admin action ``<name>_action``."""

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from proposals.snapshots import catalogue_snapshot

from . import notifications, policy, selectors, signoff_dates
from .deadlines import local_today
from .forms import ApproveForm, NoteForm, ReasonForm, SendBackToHearingForm, StartHmuReviewForm
from .models import CatalogueProcess, HearingResponse, HmuReview, SignOff

State = CatalogueProcess.State

# The pages a button can live on (views.transition.PAGES) and the page a step's result is seen on.
CATALOGUE_PAGE = "catalogue"
HMU_PAGE = "hmu_review"
SIGNOFF_PAGE = "signoff"


@dataclass(frozen=True)
class Step:
    """What the person gave with a step (its form's ``transition_input``): a note or reason, a
    new hearing deadline, the tick that approves before the planned meeting."""

    note: str = ""
    hearing_deadline: date | None = None
    approved_before_meeting: bool = False


# --- guards: ``guard(process, actor, step) -> message | None``; a message refuses the step ---------


def has_heard_committees(process, actor, step):
    if not process.heard_committees.exists():
        return _("Vælg mindst ét LMU, der skal høres, før høringen åbnes.")
    return None


def has_deadline_ahead(process, actor, step):
    if process.hearing_deadline is None:
        return _("Angiv en høringsfrist, før høringen åbnes.")
    if process.hearing_deadline < local_today():
        return _("Høringsfristen %(deadline)s er allerede overskredet; angiv en ny frist.") % {
            "deadline": date_format(process.hearing_deadline, "DATE_FORMAT")
        }
    return None


def hearing_finished_or_early_start(process, actor, step):
    if selectors.hearing_finished(process):
        return None
    if not policy.user_has_permission(actor, "process.administer", process):
        return _(
            "HMU-behandlingen kan først begynde, når høringsfristen er overskredet, eller alle hørte LMU'er "
            "har indsendt deres svar. Kun en administrator kan starte den tidligere."
        )
    if not step.note:
        return _("Angiv en begrundelse for at starte HMU-behandlingen før høringsfristen.")
    return None


def hmu_statement_recorded(process, actor, step):
    review = HmuReview.objects.filter(process=process).first()
    if review is None or not review.statement.strip():
        return _("HMU's samlede udtalelse skal være registreret, før kataloget sendes til godkendelse.")
    return None


def reason_given(process, actor, step):
    if not step.note:
        return _("Angiv en begrundelse for at sende kataloget tilbage.")
    return None


def approval_confirmed_if_early(process, actor, step):
    """Before the planned sign-off meeting, only with the member's explicit tick (signoff_dates)."""
    return signoff_dates.early_approval_refusal(process, confirmed=step.approved_before_meeting)


# --- effects: ``effect(process, actor, note, at) -> result``, inside the step's transaction -------


def record_approval(process, actor, note, at):
    """The approved state, frozen: what every later memo compares against."""
    return SignOff.objects.create(
        process=process,
        decision=SignOff.Decision.APPROVED,
        note=note,
        decided_by=actor,
        decided_at=at,
        snapshot=catalogue_snapshot(process.catalogue),
    )


def record_sent_back(process, actor, note, at):
    return SignOff.objects.create(
        process=process, decision=SignOff.Decision.SENT_BACK, note=note, decided_by=actor, decided_at=at
    )


def reopen_submitted_responses(process, actor, note, at):
    """Back in hearing, the LMUs may revise what they sent: their answers become drafts again."""
    return HearingResponse.objects.filter(process=process, status=HearingResponse.Status.SUBMITTED).update(
        status=HearingResponse.Status.DRAFT, submitted_at=None, submitted_by=None, reopened_reason=note, updated_at=at
    )


# --- the table ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Rule:
    """One transition ``source`` → ``target``. Compared and hashed by identity."""

    name: str  # the action: views.transition's ``action`` (approvals/urls.py), admin action ``<name>_action``
    source: str
    target: str
    permission: str = field(repr=False)  # who may: the access policy's action (approvals.policy)
    refused: str = field(repr=False)  # why not, when ``may`` says no
    email: Callable = field(repr=False)  # the step's e-mails into the outbox: (transition log) -> rows written
    label: str = field(repr=False)  # the button's text and the admin action's description
    form: type = field(repr=False)  # the button's form (forms.py); form.transition_input() → service input
    prefix: str = field(repr=False)  # the form's prefix on its page (the page's context has ``<prefix>_form``)
    success: str = field(repr=False)  # said after the step
    guards: tuple = field(default=(), repr=False)  # (process, actor, Step) -> refusal message or None
    effect: Callable | None = field(default=None, repr=False)  # (process, actor, note, at) -> result
    page: str = field(default=CATALOGUE_PAGE, repr=False)  # where the button is; a refusal comes back here
    done_page: str = field(default=CATALOGUE_PAGE, repr=False)  # where the user goes after the step
    wrong_state: str = field(default="", repr=False)  # refusal when the catalogue is not in ``source``

    def may(self, user, process):
        return policy.user_has_permission(user, self.permission, process)

    @property
    def asks(self):
        """The admin asks for the form's input on a page of its own first (more than an optional note)."""
        return any(name != "note" for name in self.form.base_fields)

    @property
    def form_name(self):
        return f"{self.prefix}_form"

    def sets_deadline(self):
        """A step into the hearing may set a new deadline (in the same transaction as the move)."""
        return self.target == State.HEARING


AWAITING_SIGNOFF_REFUSAL = gettext_lazy("Kataloget afventer ikke godkendelse (status: %(state)s).")

OPEN_HEARING = Rule(
    "open_hearing",
    State.DRAFT,
    State.HEARING,
    permission="process.open_hearing",
    refused=gettext_lazy("Kun en administrator kan åbne høringen."),
    guards=(has_heard_committees, has_deadline_ahead),
    email=notifications.hearing_opened,
    label=gettext_lazy("Åbn høringen"),
    form=NoteForm,
    prefix="open",
    success=gettext_lazy("Høringen er åbnet."),
)
START_HMU_REVIEW = Rule(
    "start_hmu_review",
    State.HEARING,
    State.HMU_REVIEW,
    permission="process.start_hmu_review",
    refused=gettext_lazy("Kun HMU's medlemmer eller en administrator kan starte HMU-behandlingen."),
    guards=(hearing_finished_or_early_start,),
    email=notifications.hmu_review_ready,
    label=gettext_lazy("Start HMU-behandlingen"),
    form=StartHmuReviewForm,
    prefix="start",
    success=gettext_lazy("HMU-behandlingen er startet."),
)
FORWARD_TO_SIGNOFF = Rule(
    "forward_to_signoff",
    State.HMU_REVIEW,
    State.AWAITING_SIGNOFF,
    permission="process.forward_to_signoff",
    refused=gettext_lazy("Kun HMU's medlemmer eller en administrator kan sende kataloget til godkendelse."),
    guards=(hmu_statement_recorded,),
    email=notifications.awaiting_signoff,
    label=gettext_lazy("Send til godkendelse"),
    form=NoteForm,
    prefix="forward",
    success=gettext_lazy("Kataloget er sendt til godkendelse."),
)
SIGN_OFF = Rule(
    "sign_off",
    State.AWAITING_SIGNOFF,
    State.SIGNED_OFF,
    permission="process.sign_off",
    refused=gettext_lazy("Kun rådmandsmødets medlemmer kan godkende kataloget."),
    guards=(approval_confirmed_if_early,),
    effect=record_approval,
    email=notifications.signed_off,
    label=gettext_lazy("Godkend kataloget"),
    form=ApproveForm,
    prefix="approve",
    success=gettext_lazy("Kataloget er godkendt."),
    page=SIGNOFF_PAGE,
    done_page=SIGNOFF_PAGE,
    wrong_state=AWAITING_SIGNOFF_REFUSAL,
)
SEND_BACK_TO_HMU = Rule(
    "send_back_to_hmu",
    State.AWAITING_SIGNOFF,
    State.HMU_REVIEW,
    permission="process.send_back_to_hmu",
    refused=gettext_lazy("Kun rådmandsmødets medlemmer kan sende kataloget tilbage til HMU."),
    guards=(reason_given,),
    effect=record_sent_back,
    email=notifications.sent_back,
    label=gettext_lazy("Send tilbage til HMU"),
    form=ReasonForm,
    prefix="back",
    success=gettext_lazy("Kataloget er sendt tilbage til HMU."),
    page=SIGNOFF_PAGE,
    done_page=SIGNOFF_PAGE,
    wrong_state=AWAITING_SIGNOFF_REFUSAL,
)
SEND_BACK_TO_HEARING = Rule(
    "send_back_to_hearing",
    State.HMU_REVIEW,
    State.HEARING,
    permission="process.send_back_to_hearing",
    refused=gettext_lazy("Kun HMU's medlemmer eller en administrator kan sende kataloget tilbage til høring."),
    guards=(reason_given, has_deadline_ahead),
    effect=reopen_submitted_responses,
    email=notifications.sent_back,
    label=gettext_lazy("Send tilbage til høring"),
    form=SendBackToHearingForm,
    prefix="back",
    success=gettext_lazy("Kataloget er sendt tilbage til høring."),
    page=HMU_PAGE,
    wrong_state=gettext_lazy("Kataloget er ikke under HMU-behandling og kan ikke sendes tilbage til høring."),
)

RULES = {
    rule.name: rule
    for rule in (OPEN_HEARING, START_HMU_REVIEW, FORWARD_TO_SIGNOFF, SIGN_OFF, SEND_BACK_TO_HMU, SEND_BACK_TO_HEARING)
}
# "Send back" is one door with two rules: which one is decided by where the catalogue stands.
SEND_BACK = (SEND_BACK_TO_HMU, SEND_BACK_TO_HEARING)


def rule_between(source, target, rules=None):
    """The rule of ``rules`` (default: all) from ``source`` to ``target``, or None."""
    return next((rule for rule in (rules or RULES.values()) if (rule.source, rule.target) == (source, target)), None)


def rule_from(source, rules):
    """The rule of ``rules`` that starts in ``source``, or None."""
    return next((rule for rule in rules if rule.source == source), None)


def allowed(process, user):
    """The rules ``user`` may take from ``process``'s state now, in table order: its buttons. A
    step's guards (a deadline, a statement, a reason) are checked when it is taken
    (services.perform), so a shown button may still be refused with a message."""
    return [rule for rule in RULES.values() if rule.source == process.state and rule.may(user, process)]


def cannot_move(from_state, to_state):
    return _("Kataloget kan ikke gå fra »%(from)s« til »%(to)s«.") % {
        "from": State(from_state).label,
        "to": State(to_state).label,
    }


def wrong_state_message(rule, state, last_step=None):
    """Why ``rule`` cannot be taken from ``state`` (a page opened before someone else moved the
    catalogue). ``last_step``: the Transition that moved it there; when that was this very step
    (two people pressed the same button), say who took it and when."""
    if last_step is not None and state == rule.target and last_step.to_state == rule.target:
        actor = last_step.actor
        return _("Kataloget er allerede gået videre til »%(state)s«: %(actor)s tog det skridt %(at)s.") % {
            "state": State(state).label,
            "actor": (actor.get_full_name() or actor.get_username()) if actor else _("en anden"),
            "at": date_format(timezone.localtime(last_step.at), "DATETIME_FORMAT"),
        }
    if rule.wrong_state:
        return rule.wrong_state % {"state": State(state).label}
    return cannot_move(state, rule.target)
