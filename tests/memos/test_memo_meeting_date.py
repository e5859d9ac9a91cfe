"""When the catalogue was approved, as every text tells it (issue 23, finding 3): the memo, its
e-mail and the "signed off" e-mail call the approval the sign-off meeting's only when that
meeting had been held by the day of the approval; an approval before the planned meeting, or
without one, is named by its own date. The memo freezes the meeting's date at issue."""

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

# The sign-off (memo_factories.SIGNOFF_AT) was recorded 8 December 2023.
HELD = datetime.date(2023, 12, 5)  # a meeting before the recorded approval
PLANNED = datetime.date(2023, 12, 24)  # a meeting after it: not yet held when approved


def _changed(process):
    proposal = Proposal.objects.filter(catalogue=process.catalogue).order_by("position").first()
    ProposalYear.objects.filter(proposal=proposal, year=2024).update(net_amount=-1500)
    return process


def _memo(meeting):
    process = make_signed_off_catalogue()
    CatalogueProcess.objects.filter(pk=process.pk).update(signoff_meeting=meeting)
    return issuing.issue_memo(_changed(CatalogueProcess.objects.get(pk=process.pk)))


def test_memo_names_a_held_meeting_and_the_recorded_approval_apart():
    memo = _memo(HELD)
    assert memo.letterhead["signoff_meeting"] == "2023-12-05"
    html = rendering.render_memo_html(memo)
    assert "godkendt på Rådmandsmødet den 5. december 2023" in html
    assert "Godkendelsen blev registreret i systemet den 8. december 2023." in html

    message = delivery.build_message(memo.deliveries.first().outbox_email)
    assert "godkendt på Rådmandsmødet den 5. december 2023" in message.body
    assert "registreret i systemet den 8. december 2023" in message.body
    assert "den 8. december 2023 efter" not in html  # the click is not called the meeting


def test_an_approval_before_the_planned_meeting_is_named_by_its_own_date():
    """Signed off 8 December with the meeting set to 24 December: memo no. 1 must not say that
    the meeting approved it (the issue's "på Rådmandsmødet den 24. december")."""
    memo = _memo(PLANNED)
    html = rendering.render_memo_html(memo)
    assert "blev endeligt godkendt den 8. december 2023 efter behandling i LMU og HMU" in html
    assert "24. december" not in html and "godkendt på Rådmandsmødet" not in html

    message = delivery.build_message(memo.deliveries.first().outbox_email)
    assert "blev endeligt godkendt den 8. december 2023." in message.body
    assert "24. december" not in message.body and "Rådmandsmødet" not in message.body
    html_part = message.alternatives[0][0]
    assert "24. december" not in html_part and "godkendt på Rådmandsmødet" not in html_part


def test_an_approval_on_the_meeting_day_is_the_meetings():
    memo = _memo(datetime.date(2023, 12, 8))
    html = rendering.render_memo_html(memo)
    assert "godkendt på Rådmandsmødet den 8. december 2023" in html
    assert "registreret i systemet" not in html  # the same day: said once


def test_the_meeting_date_is_frozen_at_issue():
    memo = _memo(HELD)
    CatalogueProcess.objects.filter(pk=memo.process_id).update(signoff_meeting=datetime.date(2024, 1, 5))
    memo.refresh_from_db()
    html = rendering.render_memo_html(memo)
    assert "Rådmandsmødet den 5. december 2023" in html and "5. januar 2024" not in html


def test_without_a_configured_meeting_the_memo_names_the_approval_date_once():
    memo = issuing.issue_memo(_changed(make_signed_off_catalogue()))
    html = rendering.render_memo_html(memo)
    assert "blev endeligt godkendt den 8. december 2023 efter" in html
    assert "godkendt på Rådmandsmødet" not in html and "registreret i systemet" not in html


def test_a_memo_issued_before_the_date_was_frozen_claims_no_meeting():
    memo = issuing.issue_memo(_changed(make_signed_off_catalogue()))
    head = dict(memo.letterhead)
    del head["signoff_meeting"]
    memo.letterhead = head
    html = rendering.render_memo_html(memo)
    assert "blev endeligt godkendt den 8. december 2023" in html and "registreret i systemet" not in html


def _signed_off_bodies(s, process):
    transition = Transition.objects.filter(process=process).order_by("-pk").first()
    context = {"user": s.hmu_user, "process": process, "catalogue": process.catalogue, "transition": transition}
    with translation.override("da"):
        recorded = date_format(timezone.localtime(transition.at), "DATE_FORMAT")
        bodies = [render_to_string(f"approvals/email/signed_off.{ext}", context) for ext in ("txt", "html")]
    return recorded, bodies


def test_signed_off_email_before_the_meeting_says_when_it_was_approved(settings):
    settings.LANGUAGE_CODE = "da"
    s = Setup().to_signed_off()
    process = s.reload()
    with translation.override("da"):
        meeting = date_format(process.signoff_meeting, "DATE_FORMAT")
    recorded, bodies = _signed_off_bodies(s, process)
    assert meeting != recorded  # Setup's meeting is days after today's click
    name = s.signoff_user.get_full_name() or s.signoff_user.username
    for body in bodies:
        assert f"blev godkendt den {recorded} af {name}, før rådmandsmødet, der er fastsat til den {meeting}." in body
        assert "godkendt på rådmandsmødet" not in body


def test_signed_off_email_after_the_meeting_names_the_meeting_and_when_it_was_recorded(settings):
    settings.LANGUAGE_CODE = "da"
    s = Setup().to_signed_off()
    process = s.reload()
    process.signoff_meeting = timezone.localdate() - datetime.timedelta(days=2)
    with translation.override("da"):
        meeting = date_format(process.signoff_meeting, "DATE_FORMAT")
    recorded, bodies = _signed_off_bodies(s, process)
    for body in bodies:
        assert f"godkendt på rådmandsmødet den {meeting} (godkendelsen registreret den {recorded} af" in body


def test_signed_off_email_without_a_meeting_date_does_not_call_the_click_a_meeting(settings):
    settings.LANGUAGE_CODE = "da"
    s = Setup().to_signed_off()
    process = s.reload()
    process.signoff_meeting = None
    _recorded, (text, _html) = _signed_off_bodies(s, process)
    assert "rådmandsmødet" not in text and "er godkendt (registreret den" in text
