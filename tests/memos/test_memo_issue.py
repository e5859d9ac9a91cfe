"""Issuing a memo: numbering, what it stores, recipients, the explanation, immutability."""

import pytest
from django.core import mail

from approvals import sweep
from approvals.memos import delivery, issuing, rendering
from approvals.models import CatalogueProcess, Email, Memo, NextMemo
from proposals.models import BudgetAgreement, Department, Proposal, ProposalYear
from tests.memo_factories import make_signed_off_catalogue, memo_emails

pytestmark = pytest.mark.django_db


def change_first(process, amount):
    proposal = Proposal.objects.filter(catalogue=process.catalogue).order_by("position").first()
    ProposalYear.objects.filter(proposal=proposal, year=2024).update(net_amount=amount)


def test_nothing_to_tell_issues_nothing():
    process = make_signed_off_catalogue()
    assert issuing.issue_memo(process) is None
    assert not Memo.objects.exists()


def test_draft_catalogue_gets_no_memo():
    process = make_signed_off_catalogue()
    CatalogueProcess.objects.filter(pk=process.pk).update(state=CatalogueProcess.State.HMU_REVIEW)
    change_first(process, -5)
    assert issuing.issue_memo(process) is None


def test_memo_stores_states_changes_pdf_and_numbers_per_catalogue():
    process = make_signed_off_catalogue()
    other = make_signed_off_catalogue()
    signed = process.signoffs.get().snapshot
    change_first(process, -1500)
    change_first(other, -1500)
    first = issuing.issue_memo(process)
    other_first = issuing.issue_memo(other)
    change_first(process, -1600)
    second = issuing.issue_memo(process)
    assert (first.number, second.number, other_first.number) == (1, 2, 1)
    assert first.previous_snapshot == signed
    assert second.previous_snapshot == first.snapshot
    assert first.changes == [
        {"kind": "net", "code": "1", "title": "Forslag 1", "year": "2024", "before": -1000, "after": -1500}
    ]
    assert bytes(first.pdf).startswith(b"%PDF")


def test_an_issued_memo_never_changes():
    process = make_signed_off_catalogue()
    change_first(process, -1500)
    memo = issuing.issue_memo(process)
    pdf, snapshot = bytes(memo.pdf), memo.snapshot
    change_first(process, -9999)
    issuing.issue_memo(process)
    memo.refresh_from_db()
    assert bytes(memo.pdf) == pdf and memo.snapshot == snapshot


def test_the_sender_block_and_addressee_are_frozen_at_issue():
    process = make_signed_off_catalogue()
    change_first(process, -1500)
    memo = issuing.issue_memo(process)
    html = rendering.render_memo_html(memo)
    department = process.catalogue.department
    assert department.case_officer and department.case_officer in html
    Department.objects.filter(pk=department.pk).update(case_officer="Ny Sagsbehandler", email="ny@aarhus.example")
    BudgetAgreement.objects.filter(pk=process.catalogue.agreement_id).update(name="Et andet forlig")
    memo = Memo.objects.get(pk=memo.pk)
    assert rendering.render_memo_html(memo) == html  # the HTML page and e-mail say what the PDF says
    assert delivery.build_message(memo.deliveries.first().outbox_email).reply_to == [department.email]


def test_explanation_is_used_once_and_cleared():
    process = make_signed_off_catalogue()
    issuing.save_explanation(process, "  Forslag 1 er justeret efter aftale.  ")
    change_first(process, -1500)
    memo = issuing.issue_memo(process)
    assert memo.explanation == "Forslag 1 er justeret efter aftale."
    assert NextMemo.of(CatalogueProcess.objects.get(pk=process.pk)).explanation == ""
    change_first(process, -1600)
    assert issuing.issue_memo(process).explanation == ""


def test_explicit_explanation_and_actor():
    from tests.factories import make_user

    admin = make_user(is_staff=True)
    process = make_signed_off_catalogue()
    change_first(process, -1500)
    memo = issuing.issue_memo(process, actor=admin, explanation="Forklaring")
    assert (memo.explanation, memo.issued_by) == ("Forklaring", admin)


def test_recipients_parties_managers_extra_deduplicated_case_insensitively():
    process = make_signed_off_catalogue()
    NextMemo.objects.create(process=process, extra_recipients="BO@parti-v.example\nsekretariat@aarhus.example\n\n")
    assert issuing.recipients(process) == [
        ("anna@parti-a.example", "Anna A", "party"),
        ("bo@parti-v.example", "Bo B", "party"),  # also an extra recipient: the party's contact first
        ("direktor@aarhus.example", "", "manager"),
        ("KRMI@aarhus.example", "", "manager"),
        ("sekretariat@aarhus.example", "", "copy"),
    ]


def test_issue_writes_one_delivery_per_recipient_and_sends_after_commit(django_capture_on_commit_callbacks):
    process = make_signed_off_catalogue()
    change_first(process, -1500)
    with django_capture_on_commit_callbacks(execute=True):
        memo = issuing.issue_memo(process)
        # Nothing leaves before the transaction commits.
        assert len(mail.outbox) == 0
        assert set(memo_emails(memo).values_list("status", flat=True)) == {Email.Status.PENDING}
    assert len(mail.outbox) == 0  # without a broker the sweep sends them, not the caller
    sweep.sweep()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(memo_emails(memo).values_list("email", flat=True))
    assert len(mail.outbox) == 4
    assert set(memo_emails(memo).values_list("status", flat=True)) == {Email.Status.SENT}


def test_memo_with_no_recipients_is_still_archived():
    from proposals.models import Department

    process = make_signed_off_catalogue(agreement=None)
    Department.objects.filter(pk=process.catalogue.department_id).update(manager_emails="")
    change_first(process, -1500)
    memo = issuing.issue_memo(process)
    assert memo is not None and memo.deliveries.count() == 0
