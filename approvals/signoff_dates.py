"""The sign-off's dates: the meeting that was planned and the day the approval was given.

The workflow names a sign-off meeting (``CatalogueProcess.signoff_meeting``), but the approval
is given when a member presses the button, which may be before that meeting. Every text that
says when a catalogue was approved (the "Katalog godkendt" e-mail, the memo, its e-mail) asks
``meeting_held`` whether the approval may be called the meeting's; the sign-off form and the
transition's guard ask ``before_meeting`` whether the approval needs an explicit confirmation."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .deadlines import local_today


def meeting_held(meeting, approved_on):
    """The meeting the approval can be said to have been given at: the planned ``meeting`` when it
    was on or before the day of the approval ``approved_on`` (both dates), else None (no meeting
    set, or an approval given before it: the meeting had not happened)."""
    if meeting is None or approved_on is None:
        return None
    return meeting if meeting <= approved_on else None


def before_meeting(process, today=None):
    """The planned sign-off meeting when approving ``process`` today would be before it, else None."""
    meeting = process.signoff_meeting
    if meeting is None:
        return None
    return meeting if (today or local_today()) < meeting else None


def early_approval_label(meeting, today=None):
    """The confirmation a member ticks to approve before the planned meeting."""
    return _(
        "Rådmandsmødet er fastsat til den %(meeting)s. Jeg bekræfter, at kataloget godkendes allerede i dag, "
        "den %(today)s, og at godkendelsen registreres med dags dato."
    ) % {"meeting": date_format(meeting, "DATE_FORMAT"), "today": date_format(today or local_today(), "DATE_FORMAT")}


def early_approval_refusal(process, *, confirmed, today=None):
    """Why approving ``process`` now is refused: before its planned meeting without the member's
    confirmation. None when the approval may go ahead. The sign-off's guard."""
    meeting = before_meeting(process, today)
    if meeting is None or confirmed:
        return None
    return _(
        "Rådmandsmødet er først den %(meeting)s. Bekræft, at kataloget godkendes før mødet, eller godkend det på mødet."
    ) % {"meeting": date_format(meeting, "DATE_FORMAT")}
