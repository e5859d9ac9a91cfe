"""Stale comments: a stance given before its proposal's figures or text changed is marked as
given on an earlier version, with what changed (the memo's comparison and presentation), on
the HMU and sign-off pages and the LMU's own page; the LMU confirms or revises it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import deadlines, hearing, selectors, services
from approvals.exceptions import NotPermitted, WorkflowError
from approvals.models import HearingResponse, ProposalStance
from approvals.stance_versions import CurrentVersions
from proposals.models import FollowUpGoal, ProposalYear
from proposals.snapshots import catalogue_snapshot, proposal_fingerprint
from tests.approval_factories import Setup

pytestmark = pytest.mark.django_db


def submitted():
    """Both LMUs submitted; LMU Et with a comment on every proposal."""
    s = Setup().to_hearing()
    hearing.save_hearing_response(
        s.process, s.lmu1, actor=s.lmu1_user, general_comment="", stances=s.all_stances("support", "Fint"), submit=True
    )
    s.submit(s.lmu2, s.lmu2_user)
    return s


def change_figures(proposal, year=2025, amount=-2500):
    ProposalYear.objects.filter(proposal=proposal, year=year).update(net_amount=amount)


def stale_cells(s):
    overview = selectors.hearing_overview(s.process)
    return {
        (row.proposal.code, cell.committee.name): cell.stance.stale
        for row in overview.rows
        for cell in row.cells
        if cell.stance is not None and cell.stance.stale
    }


def test_a_stance_records_the_version_it_was_given_on_and_is_not_stale_while_nothing_changed():
    s = submitted()
    stance = ProposalStance.objects.get(response__committee=s.lmu1, proposal=s.proposals[0])
    assert stance.given_on["code"] == s.proposals[0].code and stance.given_on["net"]["2025"] == -1000
    assert len(stance.given_on_fingerprint) == 64
    assert stale_cells(s) == {}


def test_a_figure_change_marks_every_stance_on_that_proposal_with_before_and_after():
    s = submitted()
    first = s.proposals[0]
    change_figures(first)
    stale = stale_cells(s)
    assert set(stale) == {(first.code, "LMU Et"), (first.code, "LMU To")}
    _document, section = stale[(first.code, "LMU Et")]
    rows = {label: cells for label, cells, _css in section.figures.rows}
    # The memo's table: years 2024-2027, before and after in the catalogue's convention.
    assert rows["Nettoændring, før"][1] == "-1.000" and rows["Nettoændring, efter"][1] == "-2.500"
    assert rows["Ændring"][1] == "-1.500"


def test_a_text_change_is_shown_as_the_memo_shows_it_and_reordering_is_no_change():
    s = submitted()
    first, second = s.proposals[0], s.proposals[1]
    first.description = "En helt ny beskrivelse af forslaget"
    first.save()
    second.position, first.position = first.position, second.position
    second.save()
    stale = stale_cells(s)
    assert set(stale) == {(first.code, "LMU Et"), (first.code, "LMU To")}
    texts = stale[(first.code, "LMU Et")][1].texts
    assert [(t.before, t.after) for t in texts] == [("Beskrivelse af forslag 1", "En helt ny beskrivelse af forslaget")]


def test_a_stance_from_before_versions_were_recorded_is_not_flagged():
    s = submitted()
    ProposalStance.objects.update(given_on=None, given_on_fingerprint="")
    change_figures(s.proposals[0])
    assert stale_cells(s) == {}


def test_an_unchanged_draft_saved_again_stays_stale_confirming_or_revising_clears_it():
    s = Setup().to_hearing()
    first, second = s.proposals[0], s.proposals[1]
    save = dict(process=s.process, committee=s.lmu1, actor=s.lmu1_user, general_comment="")
    hearing.save_hearing_response(**save, stances=s.all_stances("support", "Fint"))
    change_figures(first)
    change_figures(second)
    versions = lambda: selectors.response_for(s.process, s.lmu1).stances  # noqa: E731
    hearing.save_hearing_response(**save, stances=s.all_stances("support", "Fint"))
    assert versions()[first.pk].stale and versions()[second.pk].stale  # not silently confirmed
    stances = s.all_stances("support", "Fint")
    stances[second.pk] = ("concerns", "Nu med bekymring")  # revised
    hearing.save_hearing_response(**save, stances=stances, confirmed={first.pk})  # confirmed
    assert not versions()[first.pk].stale and not versions()[second.pk].stale
    assert versions()[first.pk].stance == "support" and versions()[second.pk].stance == "concerns"


def test_the_lmu_confirms_a_stance_of_its_submitted_response_while_the_hearing_is_open():
    s = submitted()
    first = s.proposals[0]
    change_figures(first)
    hearing.revise_stale_stance(s.process, s.lmu1, first.pk, actor=s.lmu1_user, stance="support", comment="Fint")
    assert set(stale_cells(s)) == {(first.code, "LMU To")}
    response = HearingResponse.objects.get(committee=s.lmu1)
    assert response.status == HearingResponse.Status.SUBMITTED
    # Revised instead: the new stance counts, still submitted.
    hearing.revise_stale_stance(s.process, s.lmu2, first.pk, actor=s.lmu2_user, stance="oppose", comment="Nej")
    assert stale_cells(s) == {}
    assert ProposalStance.objects.get(response__committee=s.lmu2, proposal=first).stance == "oppose"


def test_confirming_is_refused_to_others_without_a_stance_and_after_the_hearing():
    s = submitted()
    first = s.proposals[0]
    change_figures(first)
    with pytest.raises(NotPermitted):
        hearing.revise_stale_stance(s.process, s.lmu1, first.pk, actor=s.lmu2_user, stance="support", comment="")
    with pytest.raises(WorkflowError):
        hearing.revise_stale_stance(s.process, s.lmu1, first.pk, actor=s.lmu1_user, stance="", comment="")
    s.process.hearing_deadline = deadlines.local_today() - datetime.timedelta(days=1)
    s.process.save()
    with pytest.raises(WorkflowError):
        hearing.revise_stale_stance(s.process, s.lmu1, first.pk, actor=s.lmu1_user, stance="support", comment="")
    services.start_hmu_review(s.process, actor=s.hmu_user)
    with pytest.raises(WorkflowError):
        hearing.revise_stale_stance(s.process, s.lmu1, first.pk, actor=s.lmu1_user, stance="support", comment="")
    assert len(stale_cells(s)) == 2


def test_hmu_positions_given_before_a_change_are_flagged_and_confirmed_in_the_review():
    s = Setup().to_hmu_review()
    first = s.proposals[0]
    hearing.save_hmu_review(s.process, actor=s.hmu_user, statement="U", positions=s.all_stances("support", "HMU"))
    change_figures(first)
    review = selectors.hmu_review_for(s.process)
    assert [pid for pid, p in review.positions.items() if p.stale] == [first.pk]
    hearing.save_hmu_review(
        s.process, actor=s.hmu_user, statement="U", positions=s.all_stances("support", "HMU"), confirmed={first.pk}
    )
    assert not any(p.stale for p in selectors.hmu_review_for(s.process).positions.values())


def test_pages_flag_the_stance_show_the_change_and_the_lmu_confirms_it(client):
    s = submitted()
    first = s.proposals[0]
    change_figures(first)
    client.force_login(s.hmu_user)
    html = client.get(reverse("approvals:hmu_review", args=[s.catalogue.slug])).content.decode()
    assert "2 holdninger er givet på en tidligere version af deres forslag" in html
    assert "Holdningen fra LMU Et, LMU To er givet på en tidligere version af forslaget." in html
    assert "Nettoændring, før" in html and "-2.500" in html
    client.force_login(s.admin)
    html = client.get(reverse("approvals:signoff", args=[s.catalogue.slug])).content.decode()
    assert f'href="#aendret-{first.pk}"' in html and "Nettoændring, efter" in html
    client.force_login(s.lmu1_user)
    page = reverse("approvals:response", args=[s.catalogue.slug, s.lmu1.pk])
    html = client.get(page).content.decode()
    confirm = reverse("approvals:stance_revise", args=[s.catalogue.slug, s.lmu1.pk, first.pk])
    assert f'action="{confirm}"' in html and "Bekræft holdningen" in html
    response = client.post(confirm, {"stance": "support", "comment": "Fint"}, follow=True)
    assert "Holdningen gælder nu forslaget, som det ser ud nu." in response.content.decode()
    assert set(stale_cells(s)) == {(first.code, "LMU To")}
    # Another LMU's member may read LMU Et's response but not confirm for it.
    client.force_login(s.lmu2_user)
    assert client.post(confirm, {"stance": "oppose", "comment": ""}).status_code == 403


def shown(stance):
    """A GivenStance with what changed as its section (each read has its own memo document)."""
    return stance and stance._replace(stale=stance.stale and stance.stale[1])


def summary_of(overview):
    rows = [
        (row.proposal.pk, row.counts, [(c.committee.name, shown(c.stance)) for c in row.stale_cells])
        + (shown(row.hmu_position),)
        for row in overview.rows
    ]
    return rows, overview.totals, overview.stale_count, overview.missing, overview.general_comments


def test_the_sign_off_summary_counts_and_flags_as_the_full_overview_does():
    s = submitted()
    change_figures(s.proposals[0])
    services.start_hmu_review(s.process, actor=s.admin, reason="Mødet er rykket frem")
    hearing.save_hmu_review(s.process, actor=s.hmu_user, statement="", positions=s.all_stances("oppose", "Nej"))
    change_figures(s.proposals[1], year=2026)
    ProposalStance.objects.filter(response__committee=s.lmu2, proposal=s.proposals[2]).update(stance="concerns")
    summary = selectors.hearing_summary(s.process)
    assert summary_of(summary) == summary_of(selectors.hearing_overview(s.process))
    assert summary.stale_count == 2 + 2 + 1  # both LMUs on the first two proposals, HMU on the second
    assert [len(row.cells) for row in summary.rows][:3] == [2, 2, 0]  # only the stale stances are read


def test_the_sign_off_summary_reads_the_same_queries_whatever_is_stale(django_assert_num_queries):
    s = submitted()
    change_figures(s.proposals[0])
    with CaptureQueriesContext(connection) as ctx:
        selectors.hearing_summary(s.process)
    for proposal in s.proposals[1:]:
        change_figures(proposal)
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert selectors.hearing_summary(s.process).stale_count == 2 * len(s.proposals)


def test_snapshot_goals_are_the_proposals_goals_in_their_order():
    s = submitted()
    first = s.proposals[0]
    FollowUpGoal.objects.create(proposal=first, position=2, what="Sidst", measure="Antal", responsible="A", when="2026")
    FollowUpGoal.objects.create(proposal=first, position=1, what="Først", responsible="B")
    FollowUpGoal.objects.create(proposal=s.proposals[1], what="Andet forslag")
    versions = CurrentVersions(s.catalogue)
    snapshot = catalogue_snapshot(s.catalogue)
    assert versions.snapshot == snapshot
    for entry, proposal in zip(snapshot["proposals"], s.proposals, strict=False):
        expected = [
            {f: getattr(g, f) for f in ("what", "measure", "responsible", "when")} for g in proposal.goals.all()
        ]
        assert entry["goals"] == expected
    assert [g["what"] for g in snapshot["proposals"][0]["goals"]] == ["Først", "Sidst"]
    assert versions.by_pk[first.pk].fingerprint == proposal_fingerprint(snapshot["proposals"][0])
    assert set(stale_cells(s)) == {(p.code, name) for p in s.proposals[:2] for name in ("LMU Et", "LMU To")}
