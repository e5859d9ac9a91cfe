"""After sign-off the admin asks why a figure is changed; the reason is kept in the change's
history and the memo to the budget parties shows it next to the change."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from approvals.memos import issuing, rendering
from approvals.memos.selectors import pending_preview
from proposals.models import ProposalYear
from tests.approval_factories import Setup
from tests.view_support import change_form_data

pytestmark = pytest.mark.django_db
REASON = "Forvaltningen har rettet en tastefejl i 2025."


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("chef", "chef@example.dk", "pw-123456"))
    return client


def _change_2025(admin_client, proposal, amount, reason=None):
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    data = change_form_data(admin_client.get(url))
    index = next(i for i in range(10) if data[f"years-{i}-year"] == 2025)
    data[f"years-{index}-net_amount"] = amount
    if reason is not None:
        data["change_reason"] = reason
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response


def test_a_draft_asks_no_reason(admin_client):
    s = Setup()
    html = admin_client.get(reverse("admin:proposals_proposal_change", args=[s.proposals[0].pk])).content.decode()
    assert 'name="change_reason"' not in html


def test_the_stated_reason_is_kept_with_the_change_and_told_in_the_memo(admin_client):
    s = Setup().to_signed_off()
    proposal = s.proposals[0]
    html = admin_client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk])).content.decode()
    assert 'name="change_reason"' in html and "Begrundelse for ændringen" in html

    _change_2025(admin_client, proposal, "-1.200", REASON)
    record = ProposalYear.history.filter(proposal_id=proposal.pk, year=2025).latest("history_id")
    assert (record.history_change_reason, record.reason_stated, record.net_amount) == (REASON, True, -1200)
    assert record.history_user.username == "chef"

    preview = pending_preview(s.reload())
    assert [section.reasons for section in preview.proposals] == [[REASON]]

    memo = issuing.issue_memo(s.reload())
    assert [c.get("reasons") for c in memo.changes] == [[REASON]]
    html = rendering.render_memo_html(memo)
    assert f"<strong>Begrundelse:</strong> {REASON}</p>" in html


def test_a_change_without_a_reason_is_not_saved(admin_client):
    s = Setup().to_signed_off()
    url = reverse("admin:proposals_proposal_change", args=[s.proposals[1].pk])
    data = change_form_data(admin_client.get(url))
    index = next(i for i in range(10) if data[f"years-{i}-year"] == 2025)
    data[f"years-{index}-net_amount"] = "-1.300"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "skriv begrundelsen for ændringen" in response.content.decode()
    assert s.proposals[1].years.get(year=2025).net_amount != -1300
    assert issuing.issue_memo(s.reload()) is None  # nothing to tell


def test_reasons_given_before_the_last_memo_are_not_repeated(admin_client):
    s = Setup().to_signed_off()
    proposal = s.proposals[0]
    _change_2025(admin_client, proposal, "-1.200", REASON)
    assert issuing.issue_memo(s.reload()) is not None
    _change_2025(admin_client, proposal, "-1.250", "Endnu en rettelse.")
    second = issuing.issue_memo(s.reload())
    assert second.number == 2 and [c.get("reasons") for c in second.changes] == [["Endnu en rettelse."]]
