"""What a refused save shows again (services.merge_refused_edit): a field the person did not
change takes what the other person saved, a field only the person changed keeps what was typed,
and a field both changed keeps what was typed with a note of who saved what, when."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from proposals.history import recording
from proposals.models import BreakdownLine, Catalogue, Proposal, ProposalYear
from proposals.services import merge_refused_edit, proposal_edit_basis, proposal_edit_conflict
from tests.factories import make_catalogue

pytestmark = pytest.mark.django_db


def _proposal(**kwargs):
    catalogue = make_catalogue(proposals=1, **kwargs)
    proposal = catalogue.proposals.get()
    Proposal.history.bulk_history_create([proposal])
    ProposalYear.history.bulk_history_create(list(proposal.years.all()))
    BreakdownLine.history.bulk_history_create(list(proposal.lines.all()))
    return proposal


def _anne_saves(proposal, *, title=None, figures=()):
    """Anne's save in the admin: her fields and figures (internal convention), the version raised."""
    anne = get_user_model().objects.create_user("anne", "anne@example.dk", "pw-123456", first_name="Anne")
    with recording(user=anne, reason="Rettet i administrationen"):
        fresh = Proposal.objects.get(pk=proposal.pk)
        if title is not None:
            fresh.title = title
        fresh.version += 1
        fresh.save()
        for year, amount in figures:
            row = fresh.years.get(year=year)
            row.net_amount = amount
            row.save()


def _year(proposal, year):
    return (ProposalYear, proposal.years.get(year=year).pk, "net_amount")


def _refused(proposal, opened, typed, **anne):
    basis = proposal_edit_basis(proposal)
    _anne_saves(proposal, **anne)
    conflict = proposal_edit_conflict(proposal.pk, basis)
    assert conflict is not None
    return merge_refused_edit(conflict, opened, typed)


def test_a_field_the_person_did_not_change_takes_the_saved_value():
    proposal = _proposal()
    key = _year(proposal, 2025)
    merged = _refused(proposal, {key: "-1.000"}, {key: "-1000"}, figures=[(2025, -1200)])  # one figure, two ways
    assert merged[key].take_saved and merged[key].saved == -1200 and merged[key].replaces_typed
    assert merged[key].note == ""


def test_a_field_only_the_person_changed_keeps_what_was_typed():
    proposal = _proposal()
    mine, hers = _year(proposal, 2026), _year(proposal, 2025)
    title = (Proposal, proposal.pk, "title")
    opened = {mine: "-1.000", hers: "-1.000", title: "Forslag 1"}
    typed = {mine: "-1.700", hers: "-1.000", title: "Forslag 1 \r\n"}  # a browser's line break is no change
    merged = _refused(proposal, opened, typed, figures=[(2025, -1200)])
    assert not merged[mine].take_saved and merged[mine].note == "" and merged[mine].saved == -1000
    assert merged[title].take_saved and not merged[title].replaces_typed
    assert merged[hers].take_saved and merged[hers].saved == -1200


def test_a_field_both_changed_keeps_what_was_typed_and_says_who_saved_what_when():
    proposal = _proposal()
    key, title = _year(proposal, 2025), (Proposal, proposal.pk, "title")
    opened = {key: "-1.000", title: "Forslag 1"}
    typed = {key: "-1.700", title: "Bos titel"}
    merged = _refused(proposal, opened, typed, title="Annes titel", figures=[(2025, -1200)])
    at = timezone.localtime().strftime("%H:")
    assert not merged[key].take_saved and merged[key].saved == -1200
    assert merged[key].note.startswith(f"Også ændret af Anne kl. {at}") and merged[key].note.endswith(": -1.200")
    assert not merged[title].take_saved and merged[title].note.endswith(": Annes titel")


def test_both_typing_the_same_is_no_conflict():
    proposal = _proposal()
    key = _year(proposal, 2025)
    merged = _refused(proposal, {key: "-1.000"}, {key: "-1.200"}, figures=[(2025, -1200)])
    assert not merged[key].take_saved and merged[key].note == ""


def test_figures_are_compared_in_the_catalogues_own_convention():
    proposal = _proposal(sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE)
    untouched, both = _year(proposal, 2025), _year(proposal, 2026)
    opened = {untouched: "1.000", both: "1.000"}  # savings written positive, as the document does
    typed = {untouched: "1.000", both: "1.700"}
    merged = _refused(proposal, opened, typed, figures=[(2025, -1200), (2026, -1100)])
    assert merged[untouched].take_saved and merged[untouched].saved == 1200
    assert merged[both].note.endswith(": 1.100")


def test_a_row_deleted_meanwhile_is_left_to_the_form():
    proposal = _proposal()
    key = _year(proposal, 2025)
    basis = proposal_edit_basis(proposal)
    ProposalYear.objects.filter(pk=key[1]).delete()
    Proposal.objects.filter(pk=proposal.pk).update(version=proposal.version + 1)
    assert merge_refused_edit(proposal_edit_conflict(proposal.pk, basis), {key: "-1.000"}, {key: "-1.000"}) == {}
