"""The memo package's panels on a catalogue's page (registered in hooks.py). Each is
rendered only for a user who may see the catalogue (proposals.hooks checks that first).

- The memo panel: the memos issued so far, and whether changes wait to be told (as the last
  look at the catalogue recorded it; the full comparison is the admin's issue page).
- "Changes since sign-off": proposals keeps the history of every figure and lists changes
  since a time (``proposals.history_selectors.catalogue_changes_since``); only approvals
  knows when the catalogue was signed off and which memo told the budget parties about each
  change. The panel links to the list and, when asked (``?aendringer_siden_godkendelse=1``),
  shows it with the memo each change belongs to."""

from bisect import bisect_left

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from proposals.history_selectors import catalogue_changes_since

from .. import policy
from ..models import CatalogueProcess, SignOff
from . import detection, selectors
from .models import Memo


def catalogue_memo_panel(request, catalogue):
    # A memo is its catalogue's: whoever may see the catalogue sees its memos.
    process, state = selectors.catalogue_memo_status(catalogue)
    if process is None:
        return ""
    history = selectors.catalogue_memo_history(catalogue)
    signed_off = process.state == CatalogueProcess.State.SIGNED_OFF
    if not signed_off and not history:
        return ""
    pending = signed_off and state.changes_seen_at is not None
    issue_url = ""
    if pending and policy.user_has_permission(request.user, "catalogue.administer", catalogue):
        issue_url = reverse("admin:approvals_memo_issue", args=[process.pk])
    return render_to_string(
        "approvals/memos/panel.html",
        {
            "signed_off": signed_off,
            "pending": pending,
            "due_at": state.changes_seen_at + detection.quiet_period() if pending else None,
            "history": history,
            "issue_url": issue_url,
        },
        request=request,
    )


SHOW_PARAM = "aendringer_siden_godkendelse"


def latest_approval(catalogue):
    return (
        SignOff.objects.filter(process__catalogue=catalogue, decision=SignOff.Decision.APPROVED)
        .order_by("-decided_at", "-id")
        .only("decided_at", "process_id")
        .first()
    )


def changes_since_signoff(catalogue, signoff):
    """The changes since ``signoff``, each with ``memo``: the memo that told of it, or that
    none has yet (a memo tells of every change made before it was issued)."""
    changes = catalogue_changes_since(catalogue, signoff.decided_at)
    memos = list(
        Memo.objects.filter(process_id=signoff.process_id, issued_at__gte=signoff.decided_at)
        .order_by("issued_at", "number")
        .only("number", "issued_at")
    )
    issued = [memo.issued_at for memo in memos]
    for change in changes:
        index = bisect_left(issued, change.when)
        change.memo = (
            _("Notat nr. %(number)s") % {"number": memos[index].number}
            if index < len(memos)
            else _("Endnu ikke meddelt")
        )
    return changes


def changes_since_signoff_panel(request, catalogue):
    signoff = latest_approval(catalogue)
    if signoff is None:
        return ""
    show = request.GET.get(SHOW_PARAM) == "1"
    return render_to_string(
        "approvals/history_panel.html",
        {
            "signoff": signoff,
            "show": show,
            "show_param": SHOW_PARAM,
            "changes": changes_since_signoff(catalogue, signoff) if show else None,
            "catalogue": catalogue,
        },
        request=request,
    )
