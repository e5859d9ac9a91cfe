"""Which version of a proposal a committee's stance was given on, and what changed since.

A stance (an LMU's in its hearing response, HMU's position) stores the snapshot of its
proposal when it was given (``proposals.snapshots``, one entry of ``catalogue_snapshot``)
and that snapshot's fingerprint. When the proposal's figures or texts change afterwards,
the fingerprints differ: the stance is *stale*, and what changed is the memo's comparison
(``snapshot_diff``) presented as a memo presents it (``approvals.memos.document``)."""

from dataclasses import dataclass
from typing import NamedTuple

from proposals.selectors import catalogue_overview
from proposals.snapshots import catalogue_snapshot, proposal_fingerprint, snapshot_diff, with_proposals

from .memos.document import MemoDocument
from .models import Stance


@dataclass
class Version:
    snapshot: dict  # the proposal's entry of catalogue_snapshot
    fingerprint: str


class CurrentVersions:
    """Every proposal of a catalogue as it is now: ``state`` (a ``CatalogueFigures`` with lines but
    without follow-up goals, for the pages' figures), ``snapshot`` (``catalogue_snapshot``) and ``by_pk``:
    {proposal id: Version}. A fixed number of queries, whatever the size."""

    def __init__(self, catalogue):
        self.state = catalogue_overview(catalogue, with_goals=False)  # the snapshot reads the goals
        self.snapshot = catalogue_snapshot(catalogue, state=self.state)
        self.by_pk = {
            row.proposal.pk: Version(entry, proposal_fingerprint(entry))
            for row, entry in zip(self.state.rows, self.snapshot["proposals"], strict=True)
        }
        self._changes = {}

    def stamp(self, proposal_id):
        """(given_on, given_on_fingerprint) for a stance given now on ``proposal_id``."""
        version = self.by_pk[proposal_id]
        return version.snapshot, version.fingerprint

    def is_stale(self, proposal_id, fingerprint):
        """Whether a stance on ``proposal_id`` given on the version ``fingerprint`` was given on an
        earlier version. A stance from before versions were recorded has none: not stale."""
        current = self.by_pk.get(proposal_id)
        return bool(fingerprint) and current is not None and fingerprint != current.fingerprint

    def changes(self, proposal_id, fingerprint, given_on):
        """What changed in the proposal since ``given_on`` (its snapshot then): the memo's
        ``ProposalSection`` (figures before/after, texts with their word diff, lines, notes),
        or None if nothing a reader would see. Computed once per proposal and version."""
        key = (proposal_id, fingerprint)
        if key not in self._changes:
            self._changes[key] = None
            current = self.by_pk.get(proposal_id)
            if current is not None and given_on:
                before = with_proposals(self.snapshot, [given_on])
                after = with_proposals(self.snapshot, [current.snapshot])
                diff = snapshot_diff(before, after)
                if diff:
                    document = MemoDocument(previous_snapshot=before, snapshot=after, changes=diff)
                    sections = document.proposals
                    self._changes[key] = (document, sections[0]) if sections else None
        return self._changes[key]


class GivenStance(NamedTuple):
    """A stance as the pages show it (a tuple: a page may show 30,000 of them)."""

    pk: int
    owner_id: int  # the response's or the review's id
    proposal_id: int
    stance: str
    comment: str
    fingerprint: str
    label: str
    stale: tuple = None  # (MemoDocument, ProposalSection) when given on an earlier version

    def get_stance_display(self):
        return self.label


def given_stances(queryset, owner_field, versions):
    """The stances of ``queryset`` (ProposalStance or HmuPosition rows) as GivenStance, each
    marked ``stale`` with what changed when given on an earlier version: two queries at most
    (the snapshots given on are read only for the stale ones)."""
    labels = {value: str(label) for value, label in Stance.choices}
    stances = [
        GivenStance(*row, labels.get(row[3], row[3]))
        for row in queryset.values_list(
            "pk", f"{owner_field}_id", "proposal_id", "stance", "comment", "given_on_fingerprint"
        )
    ]
    maybe_stale = {i: s for i, s in enumerate(stances) if versions.is_stale(s.proposal_id, s.fingerprint)}
    if maybe_stale:
        given_on = dict(
            queryset.model.objects.filter(pk__in=[s.pk for s in maybe_stale.values()]).values_list("pk", "given_on")
        )
        for i, stance in maybe_stale.items():
            change = versions.changes(stance.proposal_id, stance.fingerprint, given_on.get(stance.pk))
            if change is not None:
                stances[i] = stance._replace(stale=change)
    return stances
