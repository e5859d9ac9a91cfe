"""The catalogue page's "changes since sign-off" panel (registered in memo_hooks).

proposals keeps the history of every figure and lists changes since a time
(``proposals.history_selectors.catalogue_changes_since``); only approvals knows when the
catalogue was signed off and which memo told the budget parties about each change. The
panel links to the list and, when asked (``?aendringer_siden_godkendelse=1``), shows it
with the memo each change belongs to. Rendered only for users who may see the catalogue
(the page checks that first)."""

from bisect import bisect_left

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from proposals.history_selectors import catalogue_changes_since

from .models import Memo, SignOff

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
