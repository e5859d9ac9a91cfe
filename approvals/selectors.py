"""Reads of the approval workflow, with the query planning in one place.

Each function runs a fixed number of queries whatever the number of proposals,
committees or responses."""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from proposals.models import Proposal

from . import policy
from .deadlines import deadline_passed, local_today
from .models import (
    CatalogueProcess,
    Committee,
    HearingResponse,
    HmuPosition,
    HmuReview,
    ProposalStance,
    SignOff,
    StaleStances,
    Stance,
    Transition,
)
from .stance_versions import CurrentVersions, GivenStance, given_stances

Submitted = HearingResponse.Status.SUBMITTED


def process_of(catalogue):
    """The catalogue's process, or None. Every catalogue gets one when it is created (the
    post_save receiver; older rows: migration 0005 and ``services.ensure_processes``); a read
    never creates it."""
    return CatalogueProcess.objects.filter(catalogue=catalogue).first()


def own_heard_committees(user, process):
    """The user's LMUs that are heard on the process (a queryset, possibly empty)."""
    if process is None or process.pk is None:
        return Committee.objects.none()
    return policy.instances_user_has_permission_for(user, "committee.act_for", process.heard_committees.all())


def missing_committees(process):
    """Heard LMUs that have not submitted a response (a queryset)."""
    submitted = HearingResponse.objects.filter(process=process, status=Submitted)
    return process.heard_committees.exclude(pk__in=submitted.values("committee_id"))


def hearing_finished_q(today=None):
    """The one rule of a finished hearing, as a filter on CatalogueProcess: the deadline has
    passed (deadlines.deadline_passed) or every heard LMU has submitted. HMU review may then
    start without a reason, HMU's dashboard lists the catalogue, and HMU is told once
    (approvals.completion). ``hearing_finished`` asks this filter for one process."""
    today = today or local_today()
    submitted = HearingResponse.objects.filter(
        committee=OuterRef("pk"), process=OuterRef(OuterRef("pk")), status=Submitted
    )
    unanswered = Committee.objects.filter(hearings=OuterRef("pk")).exclude(Exists(submitted))
    return Q(hearing_deadline__lt=today) | ~Exists(unanswered)


def hearing_finished(process):
    """HMU review may open: the deadline has passed or every heard LMU has submitted."""
    return CatalogueProcess.objects.filter(pk=process.pk).filter(hearing_finished_q()).exists()


def awaiting_hmu_q(today=None):
    """HMU's queue: under review, or in a hearing that is finished (waiting for HMU to start)."""
    State = CatalogueProcess.State
    return Q(state=State.HMU_REVIEW) | (Q(state=State.HEARING) & hearing_finished_q(today))


def hearing_round_opening(process, before=None):
    """The transition that opened the current hearing round (opening the hearing, or sending the
    catalogue back to it), or None; ``before``: the round a later transition belongs to."""
    openings = Transition.objects.filter(process=process, to_state=CatalogueProcess.State.HEARING)
    if before is not None:
        openings = openings.filter(pk__lt=before.pk)
    return openings.order_by("-pk").first()


def _count_subquery(qs, key):
    return Coalesce(Subquery(qs.order_by().values(key).annotate(n=Count("pk")).values("n")[:1]), 0)


def _mine(user, action):
    """An Exists() on CatalogueProcess rows: the user may do ``action`` on this one (the policy's filter)."""
    return Exists(policy.instances_user_has_permission_for(user, action).filter(pk=OuterRef("pk")))


def processes_for_user(user):
    """The dashboard's rows: catalogue processes the user may see (policy ``process.view``), one
    query (besides the user's standing, which the policy reads once per request).

    Each row has ``catalogue`` and its ``department`` loaded and these annotations:
    ``is_heard`` (one of the user's LMUs is heard on it), ``is_hmu``, ``is_signoff`` (member of
    the department's HMU / sign-off body), ``heard_count`` and ``submitted_count`` (all heard
    LMUs / submitted responses), ``is_hearing_finished`` (hearing_finished_q), and for the
    user's own heard LMU (the first by name) ``my_committee_id``, its response's
    ``my_response_status`` (None: not begun) and ``my_response_reopened``, and ``my_stale``
    (stances of it given on an earlier version, as the sweep last recorded: stale_notices).
    Ordered by deadline (none last), then title."""
    qs = CatalogueProcess.objects.select_related("catalogue", "catalogue__department")
    if not (user and user.is_authenticated and user.is_active):
        return qs.none()
    own = policy.instances_user_has_permission_for(user, "committee.act_for").filter(hearings=OuterRef("pk"))
    qs = qs.annotate(
        is_heard=_mine(user, "process.write_response"),
        is_hmu=_mine(user, "process.record_hmu"),
        is_signoff=_mine(user, "process.sign_off"),
        heard_count=_count_subquery(
            CatalogueProcess.heard_committees.through.objects.filter(catalogueprocess=OuterRef("pk")),
            "catalogueprocess",
        ),
        submitted_count=_count_subquery(
            HearingResponse.objects.filter(process=OuterRef("pk"), status=Submitted), "process"
        ),
        my_committee_id=Subquery(own.order_by("name").values("pk")[:1]),
        is_hearing_finished=Case(
            When(hearing_finished_q(), then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    )
    # The response of that LMU (an OuterRef in a subquery's subquery would name the response, not
    # the process: the LMU is pinned by its annotation instead).
    mine = HearingResponse.objects.filter(process=OuterRef("pk"), committee=OuterRef("my_committee_id"))
    qs = qs.annotate(
        my_response_status=Subquery(mine.values("status")[:1]),
        my_response_reopened=Exists(mine.exclude(reopened_reason="")),
        my_stale=Exists(
            StaleStances.objects.filter(process=OuterRef("pk"), committee=OuterRef("my_committee_id"), count__gt=0)
        ),
    )
    qs = policy.instances_user_has_permission_for(user, "process.view", qs)
    return qs.order_by(F("hearing_deadline").asc(nulls_last=True), "catalogue__title")


def dashboard_queues(user, processes):
    """The dashboard's sections for ``user`` as (key, querysets of ``processes``
    (processes_for_user, filtered)): their LMUs' hearings, HMU's queue, the sign-off queue, as
    far as they hold those roles (the policy's answer), and every catalogue they see when they
    administer a department or sit on HMU or the sign-off body."""
    may = {
        action: policy.user_has_permission(user, action)
        for action in ("process.write_response", "process.record_hmu", "process.sign_off", "department.administer")
    }
    queues = []
    if may["process.write_response"]:
        queues.append(("hearing", processes.filter(is_heard=True).exclude(state=CatalogueProcess.State.DRAFT)))
    if may["process.record_hmu"]:
        queues.append(("hmu", processes.filter(awaiting_hmu_q(), is_hmu=True)))
    if may["process.sign_off"]:
        queues.append(("signoff", processes.filter(is_signoff=True, state=CatalogueProcess.State.AWAITING_SIGNOFF)))
    if may["department.administer"] or may["process.record_hmu"] or may["process.sign_off"]:
        queues.append(("all", processes))
    return queues, may["department.administer"]


# --- a catalogue as the dashboard has it, and how its state is said --------------------------


def process_row(user, process):
    """``process`` as a row of processes_for_user (its annotations), or None if not visible."""
    return processes_for_user(user).filter(pk=process.pk).first()


def state_label(row):
    """The catalogue's state as every page says it. A finished hearing (hearing_finished_q) is
    "Høringen er afsluttet" once its deadline has passed and "Alle LMU'er har svaret" before:
    then an LMU may still confirm or correct a stance on a changed proposal, and a page saying
    the hearing is over beside that request would contradict it."""
    if row.state == CatalogueProcess.State.HEARING and row.is_hearing_finished:
        if deadline_passed(row):
            return _("Høringen er afsluttet")
        return _("Alle LMU'er har svaret")
    return row.get_state_display()


def days_left(row, today=None):
    """Days until the hearing's deadline while the LMUs are still answering (negative: passed,
    unanswered), else None: no countdown on a finished hearing or a catalogue past its hearing."""
    if row.state != CatalogueProcess.State.HEARING or row.hearing_deadline is None:
        return None
    days = (row.hearing_deadline - (today or local_today())).days
    if days >= 0 and row.is_hearing_finished:
        return None  # every LMU has answered: nothing is counted down
    return days


class WrittenResponse(NamedTuple):
    """A committee's hearing response as read: the row (committee, submitter and authors loaded)
    and its stances {proposal id: stance_versions.GivenStance}."""

    response: HearingResponse | None
    stances: dict


class WrittenReview(NamedTuple):
    """HMU's review as read: the row (or None) and its positions {proposal id: GivenStance}."""

    review: HmuReview | None
    positions: dict


def response_for(process, committee, versions=None, proposal_ids=None):
    """``committee``'s response and its stances (none: ``WrittenResponse(None, {})``), each
    stance marked stale (with what changed) when given on an earlier version of its proposal
    (``versions``: the catalogue's CurrentVersions, read here if not given). ``proposal_ids``:
    only these proposals' stances (a page of the form; ``versions`` then of these at least)."""
    response = (
        HearingResponse.objects.filter(process=process, committee=committee)
        .select_related("committee", "submitted_by")
        .prefetch_related("authors")
        .first()
    )
    if response is None:
        return WrittenResponse(None, {})
    stances = _given(ProposalStance.objects.filter(response=response), "response", process, versions, proposal_ids)
    return WrittenResponse(response, stances)


class FormProposal(NamedTuple):
    """What a committee's form and counts read of a proposal (a tuple: a page of HMU's review
    lists 20.000 of them in its counts, where model instances cost half a second)."""

    pk: int
    catalogue_id: int
    code: str
    title: str
    position: int
    is_phase_in: bool


def form_proposals(catalogue):
    """The catalogue's proposals in catalogue order (as ``catalogue_overview``'s rows) with what a
    committee's form reads of them (``FormProposal``): one light query, without figures or
    versions (those cost seconds at 20.000 proposals; the service reads them under its lock)."""
    rows = (
        Proposal.objects.filter(catalogue=catalogue)
        .order_by("position", "id")
        .values_list("pk", "catalogue_id", "code", "title", "position", "is_phase_in")
    )
    return [FormProposal(*row) for row in rows]


def proposal_order(catalogue):
    """The ids of the catalogue's proposals in catalogue order (one query of ids: a page of a
    form finds its proposals here)."""
    return list(Proposal.objects.filter(catalogue=catalogue).order_by("position", "id").values_list("pk", flat=True))


def saved_stances(process, committee):
    """{proposal id: (stance, comment)} of ``committee``'s saved response (one query)."""
    rows = ProposalStance.objects.filter(response__process=process, response__committee=committee)
    return {pk: (stance, comment) for pk, stance, comment in rows.values_list("proposal_id", "stance", "comment")}


def hmu_review_for(process, versions=None, proposal_ids=None):
    """HMU's review and its positions, marked stale as in ``response_for`` (``proposal_ids``:
    only these proposals' positions)."""
    review = HmuReview.objects.filter(process=process).select_related("updated_by").first()
    if review is None:
        return WrittenReview(None, {})
    positions = _given(HmuPosition.objects.filter(review=review), "review", process, versions, proposal_ids)
    return WrittenReview(review, positions)


def _given(rows, owner, process, versions, proposal_ids):
    """{proposal id: GivenStance} of a response's stances or a review's positions (``rows``),
    only of ``proposal_ids`` when given, each marked stale against the current versions."""
    if proposal_ids is not None:
        rows = rows.filter(proposal_id__in=list(proposal_ids))
    versions = versions or CurrentVersions(process.catalogue, proposal_ids=proposal_ids)
    return {s.proposal_id: s for s in given_stances(rows, owner, versions)}


def transitions_for(process):
    return Transition.objects.filter(process=process).select_related("actor").order_by("at", "id")


def latest_approval(process):
    """The most recent approving SignOff (with its snapshot), or None."""
    return (
        SignOff.objects.filter(process=process, decision=SignOff.Decision.APPROVED)
        .select_related("decided_by")
        .order_by("-decided_at", "-id")
        .first()
    )


def signoffs_for(process):
    return SignOff.objects.filter(process=process).select_related("decided_by").order_by("-decided_at", "-id")


class StanceCell(NamedTuple):
    committee: Committee
    stance: GivenStance | None  # None: the committee did not submit, or gave no stance


@dataclass
class ProposalHearingRow:
    proposal: Proposal  # or a FormProposal (HMU's page: the counts of a large catalogue)
    cells: list  # [StanceCell] in the order of ``HearingOverview.committees``
    counts: list  # [(stance value, label, n)] in Stance order
    hmu_position: GivenStance | None = None

    @property
    def answered(self):
        return sum(n for _v, _l, n in self.counts)

    @property
    def asked(self):
        """Whether the LMUs are asked for a stance on this row (not on the phase-in pool row)."""
        return not self.proposal.is_phase_in

    @property
    def stale_cells(self):
        return [cell for cell in self.cells if cell.stance is not None and cell.stance.stale]


@dataclass
class HearingOverview:
    process: CatalogueProcess
    committees: list  # heard LMUs, by name
    responses: dict  # committee_id -> submitted HearingResponse (authors loaded)
    missing: list  # heard LMUs without a submitted response
    rows: list  # [ProposalHearingRow]
    totals: list  # [(stance value, label, n)] over all proposals
    hmu_review: HmuReview | None = None
    hmu_positions: dict = field(default_factory=dict)  # {proposal id: GivenStance}
    general_comments: list = field(default_factory=list)  # [(committee, response)] submitted only
    versions: CurrentVersions | None = None  # the proposals as they are now (figures, snapshot)
    stale_count: int = 0  # submitted LMU stances and HMU positions given on an earlier version


def stance_counts(overview, row):
    """The counts of ``row`` (a ProposalHearingRow of ``overview``) the pages show: ([(stance
    value, label, n)] in Stance order, how many heard LMUs gave no stance). No stance is asked
    on the phase-in pool row: its "no stance" is None (shown as a dash), not every LMU."""
    none = len(overview.committees) - row.answered if row.asked else None
    return row.counts, none


def catalogue_position(proposal):
    """How many proposals come before ``proposal`` in its catalogue's order (position, id)."""
    before = Q(position__lt=proposal.position) | Q(position=proposal.position, pk__lt=proposal.pk)
    return Proposal.objects.filter(before, catalogue_id=proposal.catalogue_id).count()


def _heard(process, versions):
    """(process with its catalogue, versions, the heard LMUs by name, {committee id: submitted
    response with authors}, the submitted stances of the heard LMUs as a queryset)."""
    process = CatalogueProcess.objects.select_related("catalogue", "catalogue__department").get(pk=process.pk)
    versions = versions or CurrentVersions(process.catalogue)
    committees = list(process.heard_committees.order_by("name"))
    responses = {
        r.committee_id: r
        for r in HearingResponse.objects.filter(process=process, status=Submitted)
        .select_related("submitted_by")
        .prefetch_related("authors")
    }
    stances = ProposalStance.objects.filter(
        response__process=process, response__status=Submitted, response__committee__in=[c.pk for c in committees]
    )
    return process, versions, committees, responses, stances


def _cells(stances, committees, responses):
    """{proposal id: [StanceCell]} of ``stances`` (GivenStance), in the order of ``committees``."""
    order = {c.pk: i for i, c in enumerate(committees)}
    by_response = {r.pk: cid for cid, r in responses.items()}
    by_committee = {c.pk: c for c in committees}
    cells = {}
    for stance in sorted(stances, key=lambda s: order[by_response[s.owner_id]]):
        cells.setdefault(stance.proposal_id, []).append(StanceCell(by_committee[by_response[stance.owner_id]], stance))
    return cells


def _overview(process, versions, committees, responses, cells, counts, proposals=None, position_ids=None):
    """The HearingOverview of ``cells`` ({proposal id: [StanceCell]}) and ``counts``
    ({(proposal id, stance value): n}), with HMU's review (its positions on ``position_ids``
    only, when given); its rows those of ``proposals`` (the proposals of ``versions``, all by
    default)."""
    review, positions = hmu_review_for(process, versions, position_ids)
    totals = dict.fromkeys(Stance.values, 0)
    labels = [(value, str(label)) for value, label in Stance.choices]
    rows, stale = [], 0
    if proposals is None:
        proposals = [row.proposal for row in versions.state.rows]
    for proposal in proposals:
        row_cells = cells.get(proposal.pk, [])
        stale += sum(1 for cell in row_cells if cell.stance is not None and cell.stance.stale is not None)
        position = positions.get(proposal.pk)
        stale += position is not None and position.stale is not None
        row_counts = [(value, label, counts.get((proposal.pk, value), 0)) for value, label in labels]
        for value, _label, n in row_counts:
            totals[value] += n
        rows.append(ProposalHearingRow(proposal=proposal, cells=row_cells, counts=row_counts, hmu_position=position))
    return HearingOverview(
        process=process,
        committees=committees,
        responses=responses,
        missing=[c for c in committees if c.pk not in responses],
        rows=rows,
        totals=[(value, label, totals[value]) for value, label in labels],
        hmu_review=review,
        hmu_positions=positions,
        general_comments=[(c, responses[c.pk]) for c in committees if c.pk in responses],
        versions=versions,
        stale_count=stale,
    )


def hearing_overview(process, versions=None, proposal_ids=None):
    """All heard LMUs' submitted stances per proposal side by side, with counts and who is missing;
    each stance marked stale (with what changed) when given on an earlier version of its proposal.

    Only submitted responses count: drafts are their committee's own business. ``versions``:
    the catalogue's stance_versions.CurrentVersions if the caller has read it; ``proposal_ids``:
    only these proposals' stances are read (HMU's page fetches one proposal's responses). A
    fixed number of queries whatever the number of proposals and LMUs."""
    process, versions, committees, responses, stances = _heard(process, versions)
    version_rows = versions.state.rows
    if proposal_ids is not None:
        wanted = set(proposal_ids)
        stances = stances.filter(proposal_id__in=wanted)
        version_rows = [row for row in version_rows if row.proposal.pk in wanted]
    maps = {cid: {} for cid in responses}
    by_response = {r.pk: cid for cid, r in responses.items()}
    for stance in given_stances(stances, "response", versions):
        maps[by_response[stance.owner_id]][stance.proposal_id] = stance
    maps = [(committee, maps.get(committee.pk, {})) for committee in committees]
    cells, counts = {}, {}
    for version_row in version_rows:
        pk = version_row.proposal.pk
        row_cells = cells[pk] = []
        for committee, stance_map in maps:
            stance = stance_map.get(pk)
            row_cells.append(StanceCell(committee, stance))
            if stance is not None:
                counts[(pk, stance.stance)] = counts.get((pk, stance.stance), 0) + 1
    return _overview(process, versions, committees, responses, cells, counts, [row.proposal for row in version_rows])


def hearing_summary(process, versions=None, *, proposals=None, proposal_ids=None):
    """``hearing_overview`` for a page that shows the counts, not every stance (sign-off): the
    counts are an aggregate in SQL and a row's ``cells`` hold only its stances given on an
    earlier version (``stale_cells``), read only for the proposals that have one. A fixed
    number of queries whatever the number of proposals and LMUs.

    A page of a large catalogue (HMU's): ``proposals``, the catalogue's in order (rows and
    counts for all of them, ``form_proposals``), and ``proposal_ids``, the page's: stale
    stances and HMU's positions are read for these only (``versions`` of these at least), and
    ``stale_count`` counts these (every proposal's current version is the read this avoids)."""
    if proposal_ids is not None and versions is None:
        versions = CurrentVersions(process.catalogue, proposal_ids=proposal_ids)
    process, versions, committees, responses, stances = _heard(process, versions)
    counts = {
        (pk, stance): n
        for pk, stance, n in stances.order_by().values_list("proposal_id", "stance").annotate(n=Count("pk"))
    }
    given = stances if proposal_ids is None else stances.filter(proposal_id__in=list(proposal_ids))
    versions_given = (
        given.exclude(given_on_fingerprint="").order_by().values_list("proposal_id", "given_on_fingerprint")
    )
    changed = {pk for pk, fingerprint in versions_given.distinct() if versions.is_stale(pk, fingerprint)}
    stale = []
    if changed:
        stale = [s for s in given_stances(stances.filter(proposal_id__in=changed), "response", versions) if s.stale]
    cells = _cells(stale, committees, responses)
    return _overview(process, versions, committees, responses, cells, counts, proposals, proposal_ids)


def responses_for_process(process, user=None):
    """Responses of a process ``user`` may read (None: all), with committee loaded, by committee name."""
    qs = HearingResponse.objects.filter(process=process).select_related("committee", "submitted_by")
    if user is not None:
        qs = policy.instances_user_has_permission_for(user, "response.view", qs)
    return qs.order_by("committee__name")
