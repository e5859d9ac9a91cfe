"""The committee pages of a large catalogue (issue 26) read the current versions, stances and
HMU positions of the shown page's proposals only: a stance given on an earlier version is
flagged (with what changed) on the page its proposal is on, and the notice counts that page's.
What needs the whole catalogue keeps it: a submission checks (and looks for stale stances in)
every proposal, and HMU's counts table lists every proposal. Small pages stand in for large
catalogues here."""

import re

import pytest
from django.urls import reverse

from approvals import hearing, services, stance_versions
from approvals.exceptions import WorkflowError
from approvals.models import HearingResponse, ProposalStance, StaleStances
from approvals.views import hearing as hearing_views
from approvals.views import hmu as hmu_views
from proposals.models import ProposalYear
from tests.approval_factories import Setup

pytestmark = pytest.mark.django_db

PAGE_NOTE = "Tallet gælder forslagene på denne side."


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(hearing_views, "ROWS_PER_PAGE", 20)
    monkeypatch.setattr(hmu_views, "PAGE_SIZE", 20)


@pytest.fixture
def versions_read(monkeypatch):
    """The proposal ids each CurrentVersions the views build was asked for (None: all)."""
    asked = []

    class Spy(stance_versions.CurrentVersions):
        def __init__(self, catalogue, proposal_ids=None):
            asked.append(None if proposal_ids is None else list(proposal_ids))
            super().__init__(catalogue, proposal_ids)

    monkeypatch.setattr(hearing_views, "CurrentVersions", Spy)
    monkeypatch.setattr(hmu_views, "CurrentVersions", Spy)
    monkeypatch.setattr(hearing, "CurrentVersions", Spy)
    return asked


def change_figures(proposal, amount=-2500):
    ProposalYear.objects.filter(proposal=proposal, year=2025).update(net_amount=amount)


def response_url(s, query=""):
    return reverse("approvals:response", args=[s.catalogue.slug, s.lmu1.pk]) + query


def stale_notice(html):
    match = re.search(r'<p class="alert-text">(\d+ holdning(?:er)? er givet på en tidligere version[^<]*)</p>', html)
    return match.group(1) if match else None


def test_the_response_form_flags_and_counts_the_stale_stances_of_its_page(client, small_pages, versions_read):
    s = Setup(proposals=50).to_hearing()
    hearing.save_hearing_response(
        s.process, s.lmu1, actor=s.lmu1_user, general_comment="", stances=s.all_stances("support", "Fint")
    )
    changed = s.proposals[25]  # on page 2 of 3
    change_figures(changed)
    client.force_login(s.lmu1_user)

    versions_read.clear()
    html = client.get(response_url(s)).content.decode()
    assert stale_notice(html) is None and f'name="confirm_{changed.pk}"' not in html
    assert versions_read == [[p.pk for p in s.proposals[:20]]]  # page 1's proposals, not all 50

    html = client.get(response_url(s, "?side=2")).content.decode()
    notice = stale_notice(html)
    assert notice.startswith("1 holdning er givet på en tidligere version af sit forslag") and PAGE_NOTE in notice
    assert f'name="confirm_{changed.pk}"' in html  # "keep the stance" next to the changed proposal
    assert "-1.000" in html and "-2.500" in html  # what changed: before and after


def test_a_draft_stamps_its_page_only_and_a_submission_still_looks_at_every_proposal(
    client, small_pages, versions_read
):
    s = Setup(proposals=50).to_hearing()
    hearing.save_hearing_response(
        s.process, s.lmu1, actor=s.lmu1_user, general_comment="", stances=s.all_stances("support", "Fint")
    )
    elsewhere = [s.proposals[25], s.proposals[45]]  # pages 2 and 3
    for proposal in elsewhere:
        change_figures(proposal)
    client.force_login(s.lmu1_user)
    first = [p.pk for p in s.proposals[:20]]
    data = {"general_comment": "Svar", **{f"stance_{pk}": "concerns" for pk in first}}
    data.update({f"comment_{pk}": "Ny" for pk in first})

    versions_read.clear()
    assert client.post(response_url(s), data).status_code == 302
    assert versions_read == [first]  # the service stamped the posted page's proposals
    stances = {st.proposal_id: st for st in ProposalStance.objects.filter(response__committee=s.lmu1)}
    assert {stances[pk].stance for pk in first} == {"concerns"}
    for proposal in elsewhere:  # untouched, still given on the earlier version
        assert stances[proposal.pk].given_on["net"]["2025"] == -1000

    versions_read.clear()
    data.update(action="submit", confirm_submit="on")
    assert client.post(response_url(s), data).status_code == 302
    assert None in versions_read  # the submission read every proposal
    assert HearingResponse.objects.get(committee=s.lmu1).status == HearingResponse.Status.SUBMITTED
    # Its look for stale stances saw both, on pages the submitting member never opened.
    notice = StaleStances.objects.get(process=s.process, committee=s.lmu1)
    assert notice.count == 2 and set(notice.stale) == {str(p.pk) for p in elsewhere}


def test_a_draft_with_a_proposal_of_another_catalogue_is_still_refused():
    s = Setup(proposals=3).to_hearing()
    other = Setup(proposals=1).proposals[0]  # another department's catalogue
    with pytest.raises(WorkflowError, match="hører ikke til kataloget"):
        hearing.save_hearing_response(
            s.process, s.lmu1, actor=s.lmu1_user, general_comment="", stances={other.pk: ("support", "")}
        )
    with pytest.raises(WorkflowError, match="hører ikke til kataloget"):
        hearing.save_hearing_response(
            s.process, s.lmu1, actor=s.lmu1_user, general_comment="", stances={"x": ("support", "")}
        )


def test_hmu_page_reads_its_page_and_counts_every_proposal(client, small_pages, versions_read):
    s = Setup(proposals=50).to_hearing()
    s.submit(s.lmu1, s.lmu1_user)
    s.submit(s.lmu2, s.lmu2_user)
    services.start_hmu_review(s.process, actor=s.admin, reason="")
    changed = s.proposals[25]
    change_figures(changed)
    client.force_login(s.hmu_user)
    url = reverse("approvals:hmu_review", args=[s.catalogue.slug])

    versions_read.clear()
    html = client.get(url).content.decode()
    assert versions_read == [[p.pk for p in s.proposals[:20]]]
    assert "holdninger er givet på en tidligere version" not in html
    # The counts table is of every proposal: 50 rows in pages of 20.
    assert "c-side=3" in html and "c-side=4" not in html

    html = client.get(url + "?side=2").content.decode()
    assert "2 holdninger er givet på en tidligere version af deres forslag" in html and PAGE_NOTE in html
    assert "Holdningen fra LMU Et, LMU To er givet på en tidligere version af forslaget." in html
