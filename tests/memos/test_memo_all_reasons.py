"""Every reason an administrator gives for a proposal before the memo is issued reaches that
memo, in order; a change after sign-off needs its reason (admin, import, command line)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from approvals.memos import issuing
from tests.approval_factories import Setup
from tests.view_support import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("chef", "chef@example.dk", "pw-123456"))
    return client


def _save(admin_client, proposal, year=None, amount=None, reason=None, title=None):
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    data = change_form_data(admin_client.get(url))
    if year is not None:
        index = next(i for i in range(10) if data[f"years-{i}-year"] == year)
        data[f"years-{index}-net_amount"] = amount
    if title is not None:
        data["title"] = title
    data["change_reason"] = reason or ""
    return admin_client.post(url, data)


def test_two_saves_with_two_reasons(admin_client):
    s = Setup().to_signed_off()
    proposal = s.proposals[0]
    assert _save(admin_client, proposal, 2025, "-1.200", "Første begrundelse.").status_code == 302
    assert _save(admin_client, proposal, 2026, "-1.300", "Anden begrundelse.").status_code == 302
    assert _save(admin_client, proposal, reason="Tredje: kun en begrundelse, intet tal ændret.").status_code == 302
    memo = issuing.issue_memo(s.reload())
    reasons = [c.get("reasons") for c in memo.changes]
    assert reasons and all(
        r == ["Første begrundelse.", "Anden begrundelse.", "Tredje: kun en begrundelse, intet tal ændret."]
        for r in reasons
    )


def test_a_change_after_sign_off_needs_its_reason_in_the_admin(admin_client):
    s = Setup().to_signed_off()
    proposal = s.proposals[0]
    response = _save(admin_client, proposal, 2025, "-1.200")
    assert response.status_code == 200
    assert "skriv begrundelsen for ændringen. Intet er gemt." in response.content.decode()
    assert proposal.years.get(year=2025).net_amount != -1200


def test_the_admin_history_shows_every_reason(admin_client):
    s = Setup().to_signed_off()
    proposal = s.proposals[0]
    _save(admin_client, proposal, 2025, "-1.200", "Første begrundelse.")
    _save(admin_client, proposal, reason="Rettet begrundelse: tallet er fra budgetopfølgningen.")
    url = reverse("admin:proposals_proposal_history", args=[proposal.pk])
    html = admin_client.get(url).content.decode()
    assert "Første begrundelse." in html
    assert "Rettet begrundelse: tallet er fra budgetopfølgningen." in html
    assert "Begrundelse (intet felt ændret ved denne gemning)" in html


def _import_file(s, amount):
    """The catalogue's own export with the first proposal's 2025 figure changed."""
    from proposals.services import export_catalogue_rows

    text = export_catalogue_rows(s.catalogue, "csv").decode("utf-8-sig")
    head, first, *rest = text.split("\n")
    cells = first.split(";")
    cells[head.split(";").index("Netto 2025")] = amount
    return "\n".join([head, ";".join(cells), *rest]).encode()


def test_an_import_into_a_signed_off_catalogue_needs_its_reason_and_the_memo_tells_it():
    from proposals.services import import_catalogue_rows

    s = Setup().to_signed_off()
    data = _import_file(s, "-4.321")
    refused = import_catalogue_rows(s.catalogue, data, "csv", dry_run=False, file_name="x.csv")
    assert not refused.ok
    assert "skriv en begrundelse for ændringen" in " ".join(refused.error_messages())
    outcome = import_catalogue_rows(
        s.catalogue, data, "csv", dry_run=False, file_name="x.csv", reason="Nyt tal fra økonomi."
    )
    assert outcome.ok, outcome.error_messages()
    memo = issuing.issue_memo(s.reload())
    assert [c.get("reasons") for c in memo.changes] == [["Nyt tal fra økonomi."]]


def test_the_command_line_import_needs_its_reason(tmp_path):
    from django.core.management import CommandError, call_command

    s = Setup().to_signed_off()
    path = tmp_path / "katalog.csv"
    path.write_bytes(_import_file(s, "-4.321"))
    with pytest.raises(CommandError):
        call_command("import_catalogue", s.catalogue.slug, str(path), stdout=open("/dev/null", "w"))
    call_command(
        "import_catalogue", s.catalogue.slug, str(path), "--reason", "Efter aftale.", stdout=open("/dev/null", "w")
    )
    assert s.proposals[0].years.get(year=2025).net_amount == -4321


def test_the_admin_import_into_a_signed_off_catalogue_asks_for_the_reason(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    s = Setup().to_signed_off()
    url = reverse("admin:proposals_proposal_import")
    data = _import_file(s, "-4.321")

    def preview(**extra):
        upload = SimpleUploadedFile("katalog.csv", data)
        return admin_client.post(url, {"catalogue": s.catalogue.pk, "format": 0, "import_file": upload, **extra})

    html = preview().content.decode()
    assert 'name="change_reason"' in html
    assert "skriv en begrundelse for ændringen (feltet «Begrundelse for ændringerne» ved importen" in html
    confirm = preview(change_reason="Tal fra regnskabet.").context["confirm_form"]
    assert confirm.initial["change_reason"] == "Tal fra regnskabet."
    admin_client.post(reverse("admin:proposals_proposal_process_import"), confirm.initial)
    assert s.proposals[0].years.get(year=2025).net_amount == -4321
    memo = issuing.issue_memo(s.reload())
    assert [c.get("reasons") for c in memo.changes] == [["Tal fra regnskabet."]]


def test_deleting_a_proposal_after_sign_off_needs_its_reason_and_the_memo_tells_it(admin_client):
    from proposals.models import Proposal

    s = Setup().to_signed_off()
    proposal = s.proposals[1]
    url = reverse("admin:proposals_proposal_delete", args=[proposal.pk])
    assert 'name="change_reason"' in admin_client.get(url).content.decode()
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "skriv begrundelsen. Intet er slettet." in response.content.decode()
    assert Proposal.objects.filter(pk=proposal.pk).exists()
    response = admin_client.post(url, {"post": "yes", "change_reason": "Forslaget er opgivet."})
    assert response.status_code == 302 and not Proposal.objects.filter(pk=proposal.pk).exists()
    memo = issuing.issue_memo(s.reload())
    assert [c.get("reasons") for c in memo.changes if c.get("code") == proposal.code] == [["Forslaget er opgivet."]]


def test_the_lists_delete_action_deletes_nothing_of_a_signed_off_catalogue(admin_client):
    from proposals.models import Proposal
    from tests.factories import make_catalogue

    s = Setup().to_signed_off()
    draft = make_catalogue(proposals=1)
    url = reverse("admin:proposals_proposal_changelist")
    selected = [s.proposals[1].pk, draft.proposals.get().pk]
    response = admin_client.post(
        url, {"action": "delete_selected", "_selected_action": selected, "post": "yes"}, follow=True
    )
    assert "er godkendt: slet rækker i det én ad gangen fra rækkens egen side" in response.content.decode()
    assert Proposal.objects.filter(pk__in=selected).count() == 2
    admin_client.post(url, {"action": "delete_selected", "_selected_action": selected[1:], "post": "yes"})
    assert not Proposal.objects.filter(pk=selected[1]).exists()  # a draft's rows are deleted as before
