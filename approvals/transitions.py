"""The workflow's transition table: every step a catalogue can take, who may take it, and what its buttons need.

This is the one way in. The pages (one view, ``views.transition``), the admin (actions generated
from ``RULES``) and ``selectors.allowed_transitions`` read this table; ``services.perform`` carries
a step out, checking the table's ``may`` and the step's conditions (``services.CONDITIONS``:
guards and effects) under the process's row lock. Nothing else decides whether a step is allowed.

A rule's ``name`` is its action: the admin action is ``<name>_action`` and the ``action`` the
``process_state_changed`` signal carries (approvals.signals) is the rule itself."""

from dataclasses import dataclass, field
from typing import Callable

from django.utils.translation import gettext_lazy as _

from . import permissions
from .forms import ApproveForm, NoteForm, ReasonForm, SendBackToHearingForm, StartHmuReviewForm
from .models import CatalogueProcess

State = CatalogueProcess.State

# The pages a button can live on (views.transition.PAGES) and the page a step's result is seen on.
CATALOGUE_PAGE = "catalogue"
HMU_PAGE = "hmu_review"
SIGNOFF_PAGE = "signoff"


@dataclass(frozen=True, eq=False)
class Rule:
    """One transition ``source`` → ``target`` and its button. Compared and hashed by identity."""

    name: str  # the action: views.transition's ``action`` (approvals/urls.py), admin action ``<name>_action``
    source: str
    target: str
    may: Callable = field(repr=False)  # who may: (user, process) -> bool (permissions, which asks the policy)
    refused: str = field(repr=False)  # why not, when ``may`` says no
    label: str = field(repr=False)  # the button's text and the admin action's description
    form: type = field(repr=False)  # the button's form (forms.py); form.transition_input() → service input
    prefix: str = field(repr=False)  # the form's prefix on its page (the page's context has ``<prefix>_form``)
    success: str = field(repr=False)  # said after the step
    page: str = field(default=CATALOGUE_PAGE, repr=False)  # where the button is; a refusal comes back here
    done_page: str = field(default=CATALOGUE_PAGE, repr=False)  # where the user goes after the step
    wrong_state: str = field(default="", repr=False)  # refusal when the catalogue is not in ``source``

    @property
    def asks(self):
        """The admin asks for the form's input on a page of its own first (more than an optional note)."""
        return any(name != "note" for name in self.form.base_fields)

    @property
    def form_name(self):
        return f"{self.prefix}_form"


OPEN_HEARING = Rule(
    "open_hearing",
    State.DRAFT,
    State.HEARING,
    may=permissions.can_open_hearing,
    refused=_("Kun en administrator kan åbne høringen."),
    label=_("Åbn høringen"),
    form=NoteForm,
    prefix="open",
    success=_("Høringen er åbnet."),
)
START_HMU_REVIEW = Rule(
    "start_hmu_review",
    State.HEARING,
    State.HMU_REVIEW,
    may=permissions.can_start_hmu_review,
    refused=_("Kun HMU's medlemmer eller en administrator kan starte HMU-behandlingen."),
    label=_("Start HMU-behandlingen"),
    form=StartHmuReviewForm,
    prefix="start",
    success=_("HMU-behandlingen er startet."),
)
FORWARD_TO_SIGNOFF = Rule(
    "forward_to_signoff",
    State.HMU_REVIEW,
    State.AWAITING_SIGNOFF,
    may=permissions.can_forward_to_signoff,
    refused=_("Kun HMU's medlemmer eller en administrator kan sende kataloget til godkendelse."),
    label=_("Send til godkendelse"),
    form=NoteForm,
    prefix="forward",
    success=_("Kataloget er sendt til godkendelse."),
)
SIGN_OFF = Rule(
    "sign_off",
    State.AWAITING_SIGNOFF,
    State.SIGNED_OFF,
    may=permissions.can_sign_off,
    refused=_("Kun rådmandsmødets medlemmer kan godkende kataloget."),
    label=_("Godkend kataloget"),
    form=ApproveForm,
    prefix="approve",
    success=_("Kataloget er godkendt."),
    page=SIGNOFF_PAGE,
    done_page=SIGNOFF_PAGE,
    wrong_state=_("Kataloget afventer ikke godkendelse (status: %(state)s)."),
)
SEND_BACK_TO_HMU = Rule(
    "send_back_to_hmu",
    State.AWAITING_SIGNOFF,
    State.HMU_REVIEW,
    may=permissions.can_send_back_to_hmu,
    refused=_("Kun rådmandsmødets medlemmer kan sende kataloget tilbage til HMU."),
    label=_("Send tilbage til HMU"),
    form=ReasonForm,
    prefix="back",
    success=_("Kataloget er sendt tilbage til HMU."),
    page=SIGNOFF_PAGE,
    done_page=SIGNOFF_PAGE,
    wrong_state=_("Kataloget afventer ikke godkendelse (status: %(state)s)."),
)
SEND_BACK_TO_HEARING = Rule(
    "send_back_to_hearing",
    State.HMU_REVIEW,
    State.HEARING,
    may=permissions.can_send_back_to_hearing,
    refused=_("Kun HMU's medlemmer eller en administrator kan sende kataloget tilbage til høring."),
    label=_("Send tilbage til høring"),
    form=SendBackToHearingForm,
    prefix="back",
    success=_("Kataloget er sendt tilbage til høring."),
    page=HMU_PAGE,
    wrong_state=_("Kataloget er ikke under HMU-behandling og kan ikke sendes tilbage til høring."),
)

RULES = {
    rule.name: rule
    for rule in (OPEN_HEARING, START_HMU_REVIEW, FORWARD_TO_SIGNOFF, SIGN_OFF, SEND_BACK_TO_HMU, SEND_BACK_TO_HEARING)
}
# The same rules by (source, target), for ``services.transition(process, to_state)``.
TRANSITIONS = {(rule.source, rule.target): rule for rule in RULES.values()}


def wrong_state_message(rule, state):
    """Why ``rule`` cannot be taken from ``state`` (a page opened before someone else moved the catalogue)."""
    label = State(state).label
    if rule.wrong_state:
        return rule.wrong_state % {"state": label}
    return _("Kataloget kan ikke gå fra »%(from)s« til »%(to)s«.") % {"from": label, "to": State(rule.target).label}
