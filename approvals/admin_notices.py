"""What an administrator is told on the admin pages of a catalogue that is no longer a draft.

Registered with proposals.hooks in ApprovalsConfig.ready(): proposals' admin shows these
sentences above the change form of the catalogue, its proposals and lines."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .memos import detection, issuing
from .memos.models import NextMemo
from .models import CatalogueProcess

State = CatalogueProcess.State


def _when(moment):
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _quiet_period_words():
    minutes = max(1, round(detection.quiet_period().total_seconds() / 60))
    return ngettext("%(n)s minut", "%(n)s minutter", minutes) % {"n": minutes}


def changes_are_told(catalogue):
    """After sign-off every saved change goes to the budget parties in a memo."""
    return CatalogueProcess.objects.signed_off().filter(catalogue=catalogue).exists()


def workflow_notices(catalogue):
    process = CatalogueProcess.objects.filter(catalogue=catalogue).select_related("next_memo").first()
    if process is None or process.state == State.DRAFT:
        return []
    if process.state == State.HEARING:
        deadline = date_format(process.hearing_deadline, "DATE_FORMAT") if process.hearing_deadline else "–"
        return [
            _(
                "Kataloget er i LMU-høring (frist %(deadline)s). LMU'erne ser ændringer med det samme, og svar, "
                "der allerede er givet, gælder den tidligere udgave."
            )
            % {"deadline": deadline}
        ]
    if process.state == State.HMU_REVIEW:
        return [_("Kataloget er til HMU-behandling. HMU og LMU'erne ser ændringer med det samme.")]
    if process.state == State.AWAITING_SIGNOFF:
        return [
            _("Kataloget afventer godkendelse på rådmandsmødet. Ændringer ses med det samme af dem, der godkender.")
        ]
    return [_signed_off_notice(process)]


def _signed_off_notice(process):
    number = issuing.next_memo_number(process)
    signoff = detection.approved_signoff(process)
    approved = _("Kataloget er godkendt %(when)s.") % {"when": _when(signoff.decided_at)} if signoff else ""
    due = detection.due_at(process)
    if due is not None:
        then = _(
            "Der er gemte ændringer, som endnu ikke er meddelt: de sendes til forligspartierne i notat nr. "
            "%(number)s %(when)s, og en ny ændring udskyder det til %(quiet)s efter den."
        ) % {"number": number, "when": _when(due), "quiet": _quiet_period_words()}
    else:
        then = _(
            "En ændring, du gemmer nu, sendes til forligspartierne i notat nr. %(number)s, når der har været ro "
            "i %(quiet)s (tidligst %(when)s)."
        ) % {"number": number, "quiet": _quiet_period_words(), "when": _when(timezone.now() + detection.quiet_period())}
    return f"{approved} {then}".strip()


def saved_change_notices(catalogue):
    """After a change of a signed-off catalogue is saved: the memo that will tell it and when.

    The save restarts the quiet period, so the memo goes out a quiet period from now at the
    earliest (at once when an administrator has asked for it: "Udsend notat nu")."""
    process = (
        CatalogueProcess.objects.filter(catalogue=catalogue, state=State.SIGNED_OFF).select_related("next_memo").first()
    )
    if process is None:
        return []
    number = issuing.next_memo_number(process)
    if NextMemo.of(process).issue_requested_at:
        return [
            _(
                "Ændringen kommer med i notat nr. %(number)s til forligspartierne, som sendes nu (udsendelse er "
                "bestilt)."
            )
            % {"number": number}
        ]
    return [
        _(
            "Ændringen kommer med i notat nr. %(number)s til forligspartierne. Det sendes, når der har været ro i "
            "%(quiet)s, dvs. tidligst %(when)s; en ny ændring inden da kommer med i samme notat."
        )
        % {
            "number": number,
            "quiet": _quiet_period_words(),
            "when": _when(timezone.now() + detection.quiet_period()),
        }
    ]
