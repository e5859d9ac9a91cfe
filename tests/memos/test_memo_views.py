"""The memo archive and the catalogue panel: who sees what; HTML and PDF."""

import pytest
from django.urls import reverse

from approvals import policy, sweep
from approvals.memos import issuing
from approvals.models import Committee, Membership, NextMemo
from proposals.models import Proposal, ProposalYear
from tests.approval_factories import make_department_admin
from tests.factories import make_department, make_user
from tests.memo_factories import make_memo_with_one_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def memo():
    return make_memo_with_one_change()


def manager(memo):
    user = make_user()
    user.email = "Direktor@Aarhus.example"  # listed as direktor@aarhus.example; case does not matter
    user.save()
    return user


def member(department):
    committee = Committee.objects.create(department=department, kind=Committee.Kind.LMU, name=f"LMU {department.code}")
    user = make_user()
    Membership.objects.create(committee=committee, user=user)
    return user


def test_manager_committee_member_and_staff_see_the_memo(client, memo):
    department = memo.process.catalogue.department
    for user in (manager(memo), member(department), make_department_admin(department)):
        client.force_login(user)
        listing = client.get(reverse("memos:list"))
        assert listing.status_code == 200
        assert reverse("memos:detail", args=[memo.pk]) in listing.content.decode()
        detail = client.get(reverse("memos:detail", args=[memo.pk]))
        assert detail.status_code == 200
        page = detail.content.decode()
        assert "Ændringer i Omprioriteringer til Velfærdspuljen efter godkendelse" in page
        assert "1.500" in page and "Anna A" in page and "Afventer" in page
        # The parties' addresses: administrators only (tests/memos/test_memo_reader_links.py).
        assert ("anna@parti-a.example" in page) is policy.user_has_permission(
            user, "catalogue.administer", memo.process.catalogue
        )
        pdf = client.get(reverse("memos:pdf", args=[memo.pk]) + "?download=1")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert pdf.content == bytes(memo.pdf)
        assert "attachment" in pdf["Content-Disposition"]


def test_others_do_not_see_the_memo(client, memo):
    outsider = member(make_department())  # a committee of another department
    client.force_login(outsider)
    assert reverse("memos:detail", args=[memo.pk]) not in client.get(reverse("memos:list")).content.decode()
    assert client.get(reverse("memos:detail", args=[memo.pk])).status_code == 403
    assert client.get(reverse("memos:pdf", args=[memo.pk])).status_code == 403


def test_anonymous_users_are_sent_to_login(client, memo):
    assert client.get(reverse("memos:list")).status_code == 302
    assert client.get(reverse("memos:pdf", args=[memo.pk])).status_code == 302


def test_list_is_newest_first(client, memo):
    process = memo.process
    proposal = Proposal.objects.filter(catalogue=process.catalogue).order_by("position").first()
    ProposalYear.objects.filter(proposal=proposal, year=2024).update(net_amount=-1600)
    second = issuing.issue_memo(process)
    client.force_login(make_department_admin(process.catalogue.department))
    html = client.get(reverse("memos:list")).content.decode()
    assert html.index(reverse("memos:detail", args=[second.pk])) < html.index(reverse("memos:detail", args=[memo.pk]))


def test_catalogue_panel_shows_history_and_changes_not_yet_told(client, memo, settings):
    settings.MEMO_QUIET_PERIOD_SECONDS = 3600
    process = memo.process
    proposal = Proposal.objects.filter(catalogue=process.catalogue).order_by("position").first()
    client.force_login(make_department_admin(process.catalogue.department))
    html = client.get(process.catalogue.get_absolute_url()).content.decode()
    assert "Ingen ændringer der endnu ikke er meddelt." in html
    ProposalYear.objects.filter(proposal=proposal, year__in=[2025, 2026]).update(net_amount=-1700)
    # The panel shows what the last look found (a save's check, the sweep), not a new diff.
    assert issuing.check_catalogue(process.catalogue_id) is None  # seen; not quiet long enough to issue
    html = client.get(process.catalogue.get_absolute_url()).content.decode()
    assert "Notater til forligspartierne" in html
    assert "Der er ændringer, som endnu ikke er meddelt forligspartierne." in html
    assert "udsendes automatisk" in html
    assert reverse("memos:detail", args=[memo.pk]) in html
    assert reverse("admin:approvals_memo_issue", args=[process.pk]) in html


def test_admin_issue_view_previews_saves_explanation_and_issues(admin_client, memo):
    process = memo.process
    url = reverse("admin:approvals_memo_issue", args=[process.pk])
    page = admin_client.get(url).content.decode()
    assert "0 ændringer der endnu ikke er meddelt" in page
    proposal = Proposal.objects.filter(catalogue=process.catalogue).order_by("position").first()
    ProposalYear.objects.filter(proposal=proposal, year=2027).update(net_amount=-1900)
    page = admin_client.get(url).content.decode()
    assert "1 ændring der endnu ikke er meddelt" in page and "1.900" in page and "anna@parti-a.example" in page

    admin_client.post(url, {"explanation": "Aftalt med rådmanden.", "save_explanation": "1"})
    assert NextMemo.objects.get(process=process).explanation == "Aftalt med rådmanden."
    # The preview is the pending memo as it will be sent, with the paragraph just saved.
    page = admin_client.get(url).content.decode()
    assert '<p class="memo-explanation">Aftalt med rådmanden.</p>' in page

    # "Udsend notat nu" records the request; the request itself issues nothing (no broker
    # here: the tasks would run inside the request, so the sweep issues it).
    response = admin_client.post(url, {"explanation": "Aftalt med rådmanden.", "issue": "1"})
    assert response.status_code == 302 and response["Location"] == url
    assert process.memos.count() == 1
    assert NextMemo.objects.get(process=process).issue_requested_at is not None
    assert "Udsendelse bestilt" in admin_client.get(url).content.decode()
    sweep.sweep()
    second = process.memos.get(number=2)
    assert second.explanation == "Aftalt med rådmanden."
    assert second.issued_by.username == "admin"
    assert NextMemo.objects.get(process=process).issue_requested_at is None
    # Nothing left to tell: a second press asks for nothing.
    admin_client.post(url, {"explanation": "", "issue": "1"})
    assert NextMemo.objects.get(process=process).issue_requested_at is None
    sweep.sweep()
    assert process.memos.count() == 2


def test_admin_memo_pages_and_resend_action(admin_client, memo):
    changelist = admin_client.get(reverse("admin:approvals_memo_changelist")).content.decode()
    assert "0 af 4 sendt" in changelist and reverse("admin:approvals_memo_issue_overview") in changelist
    change = admin_client.get(reverse("admin:approvals_memo_change", args=[memo.pk])).content.decode()
    assert "anna@parti-a.example" in change and "Afventer" in change
    overview = admin_client.get(reverse("admin:approvals_memo_issue_overview")).content.decode()
    assert memo.process.catalogue.title in overview
    response = admin_client.post(
        reverse("admin:approvals_memo_changelist"),
        {"action": "resend_pending", "_selected_action": [memo.pk]},
    )
    assert response.status_code == 302
