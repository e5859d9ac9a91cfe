"""The memo panel on a catalogue's page: history and changes not yet told."""

from django.template.loader import render_to_string
from django.urls import reverse

from . import memo_selectors, memos, policy
from .models import CatalogueProcess


def catalogue_memo_panel(request, catalogue):
    # Rendered only for a user who may see the catalogue (proposals.hooks), and a memo is its catalogue's.
    process, pending = memo_selectors.catalogue_memo_status(catalogue)
    if process is None:
        return ""
    history = memo_selectors.catalogue_memo_history(catalogue)
    signed_off = process.state == CatalogueProcess.State.SIGNED_OFF
    if not signed_off and not history:
        return ""
    issue_url = ""
    if pending and policy.can_administer_catalogue(request.user, catalogue):
        issue_url = reverse("admin:approvals_memo_issue", args=[process.pk])
    return render_to_string(
        "approvals/memos/panel.html",
        {
            "signed_off": signed_off,
            "pending_count": len(pending),
            "due_at": memos.due_at(process) if pending else None,
            "history": history,
            "issue_url": issue_url,
        },
        request=request,
    )
