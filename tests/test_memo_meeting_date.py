"""The memo and the "signed off" e-mail name the sign-off meeting's date as configured on the
workflow; the recorded approval (the click) is named apart; the memo freezes the date at issue."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from approvals.memos import delivery, issuing, rendering
from approvals.models import CatalogueProcess, Transition
from proposals.models import Proposal, ProposalYear
from tests.approval_factories import Setup
from tests.memo_factories import make_signed_off_catalogue

pytestmark = pytest.mark.django_db

MEETING = datetime.date(2023, 12, 18)  # the sign-off (memo_factories.SIGNOFF_AT) was recorded 8 December


def _changed(process):
    proposal = Proposal.objects.filter(catalogue=process.catalogue).order_by("position").first()
    ProposalYear.objects.filter(proposal=proposal, year=2024).update(net_amount=-1500)
    return process


def test_memo_names_the_configured_meeting_and_the_recorded_approval_apart():
    process = make_signed_off_catalogue()
    CatalogueProcess.objects.filter(pk=process.pk).update(signoff_meeting=MEETING)
    memo = issuing.issue_memo(_changed(CatalogueProcess.objects.get(pk=process.pk)))
    assert memo.letterhead["signoff_meeting"] == "2023-12-18"
    html = rendering.render_memo_html(memo)
    assert "godkendt på Rådmandsmødet den 18. december 2023" in html
    assert "Godkendelsen blev registreret i systemet den 8. december 2023." in html

    message = delivery.build_message(memo.deliveries.first().outbox_email)
    assert "godkendt på Rådmandsmødet den 18. december 2023" in message.body
    assert "registreret i systemet den 8. december 2023" in message.body
    assert "den 8. december 2023 efter" not in html  # the click is not called the meeting


def test_the_meeting_date_is_frozen_at_issue():
    process = make_signed_off_catalogue()
    CatalogueProcess.objects.filter(pk=process.pk).update(signoff_meeting=MEETING)
    memo = issuing.issue_memo(_changed(CatalogueProcess.objects.get(pk=process.pk)))
    CatalogueProcess.objects.filter(pk=process.pk).update(signoff_meeting=datetime.date(2024, 1, 5))
    memo.refresh_from_db()
    html = rendering.render_memo_html(memo)
    assert "Rådmandsmødet den 18. december 2023" in html and "5. januar 2024" not in html


def test_without_a_configured_meeting_the_memo_names_the_recorded_date_once():
    memo = issuing.issue_memo(_changed(make_signed_off_catalogue()))
    html = rendering.render_memo_html(memo)
    assert "godkendt på Rådmandsmødet den 8. december 2023" in html
    assert "registreret i systemet" not in html


def test_a_memo_issued_before_the_date_was_frozen_reads_as_before():
    memo = issuing.issue_memo(_changed(make_signed_off_catalogue()))
    head = dict(memo.letterhead)
    del head["signoff_meeting"]
    memo.letterhead = head
    html = rendering.render_memo_html(memo)
    assert "Rådmandsmødet den 8. december 2023" in html and "registreret i systemet" not in html


def test_signed_off_email_names_the_meeting_and_when_it_was_recorded(settings):
    settings.LANGUAGE_CODE = "da"
    s = Setup().to_signed_off()
    process = s.reload()
    transition = Transition.objects.filter(process=process).order_by("-pk").first()
    context = {"user": s.hmu_user, "process": process, "catalogue": process.catalogue, "transition": transition}
    with translation.override("da"):
        meeting = date_format(process.signoff_meeting, "DATE_FORMAT")
        recorded = date_format(timezone.localtime(transition.at), "DATE_FORMAT")
        bodies = [render_to_string(f"approvals/email/signed_off.{ext}", context) for ext in ("txt", "html")]
    assert meeting != recorded  # Setup's meeting is days after today's click
    for body in bodies:
        assert f"godkendt på rådmandsmødet den {meeting} (godkendelsen registreret den {recorded} af" in body


def test_signed_off_email_without_a_meeting_date_does_not_call_the_click_a_meeting(settings):
    settings.LANGUAGE_CODE = "da"
    s = Setup().to_signed_off()
    process = s.reload()
    process.signoff_meeting = None
    transition = Transition.objects.filter(process=process).order_by("-pk").first()
    context = {"user": s.hmu_user, "process": process, "catalogue": process.catalogue, "transition": transition}
    with translation.override("da"):
        text = render_to_string("approvals/email/signed_off.txt", context)
    assert "rådmandsmødet" not in text and "er godkendt (registreret den" in text
