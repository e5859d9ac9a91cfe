"""Approving before the planned sign-off meeting needs a confirmation that names both dates
(issue 23, finding 3): approvals.signoff_dates decides, the sign-off form asks."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from approvals import signoff_dates
from approvals.forms import ApproveForm
from approvals.models import CatalogueProcess

MEETING = datetime.date(2026, 12, 24)
EARLY = datetime.date(2026, 12, 7)


def process_with_meeting(meeting=MEETING):
    return CatalogueProcess(signoff_meeting=meeting)


@pytest.mark.parametrize(
    "meeting, approved_on, held",
    [
        (MEETING, EARLY, None),  # approved before the meeting: not the meeting's
        (MEETING, MEETING, MEETING),  # on the day
        (EARLY, MEETING, EARLY),  # the meeting came first, recorded later
        (None, EARLY, None),  # no meeting set
    ],
)
def test_meeting_held(meeting, approved_on, held):
    assert signoff_dates.meeting_held(meeting, approved_on) == held


def test_before_meeting_only_while_the_meeting_is_ahead():
    assert signoff_dates.before_meeting(process_with_meeting(), today=EARLY) == MEETING
    assert signoff_dates.before_meeting(process_with_meeting(), today=MEETING) is None
    assert signoff_dates.before_meeting(process_with_meeting(None), today=EARLY) is None


def test_the_guard_refuses_an_unconfirmed_early_approval_naming_the_meeting():
    with translation.override("da"):
        message = signoff_dates.early_approval_refusal(process_with_meeting(), confirmed=False, today=EARLY)
        assert message == (
            "Rådmandsmødet er først den 24. december 2026. Bekræft, at kataloget godkendes før mødet, "
            "eller godkend det på mødet."
        )
    assert signoff_dates.early_approval_refusal(process_with_meeting(), confirmed=True, today=EARLY) is None
    assert signoff_dates.early_approval_refusal(process_with_meeting(), confirmed=False, today=MEETING) is None
    assert signoff_dates.early_approval_refusal(process_with_meeting(None), confirmed=False, today=EARLY) is None


def _form(data=None, **kwargs):
    return ApproveForm(data, prefix="approve", **kwargs)


def test_the_form_asks_for_the_early_confirmation_before_the_meeting():
    with translation.override("da"):
        form = _form({"approve-confirm": "on"}, process=process_with_meeting(), today=EARLY)
        assert not form.is_valid()
        assert form.errors["confirm_before_meeting"] == [
            "Rådmandsmødet er først den 24. december 2026. Bekræft, at kataloget godkendes før mødet, "
            "eller godkend det på mødet."
        ]
        label = str(form.fields["confirm_before_meeting"].label)
        assert "24. december 2026" in label and "i dag, den 7. december 2026" in label

    form = _form(
        {"approve-confirm": "on", "approve-confirm_before_meeting": "on", "approve-note": "Hastesag"},
        process=process_with_meeting(),
        today=EARLY,
    )
    assert form.is_valid(), form.errors
    assert form.transition_input() == {"note": "Hastesag", "approved_before_meeting": True}


def test_on_or_after_the_meeting_day_there_is_nothing_more_to_confirm():
    form = _form({"approve-confirm": "on"}, process=process_with_meeting(), today=MEETING)
    assert "confirm_before_meeting" not in form.fields
    assert form.is_valid()
    assert form.transition_input() == {"note": "", "approved_before_meeting": False}


def test_without_a_process_the_form_is_as_before():
    form = _form({"approve-confirm": "on"})
    assert "confirm_before_meeting" not in form.fields and form.is_valid()
    assert form.transition_input() == {"note": ""}


def test_the_signoff_page_shows_the_early_confirmation_with_its_error():
    with translation.override("da"):
        form = _form({"approve-confirm": "on"}, process=process_with_meeting(), today=EARLY)
        form.is_valid()
        html = render_to_string("approvals/_checkbox.html", {"field": form["confirm_before_meeting"]})
    assert 'name="approve-confirm_before_meeting"' in html
    assert 'aria-invalid="true"' in html and "Rådmandsmødet er først den 24. december 2026." in html
