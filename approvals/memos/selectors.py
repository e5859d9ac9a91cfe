"""Reads of memos (notater): archive lists (as the policy lets the user see them), a catalogue's history."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Max, Q

from .. import policy
from ..models import CatalogueProcess
from ..outbox.models import Email
from . import issuing, memo_pages
from .document import MemoDocument
from .models import Memo, NextMemo


def _with_counts(queryset):
    status = "deliveries__outbox_email__status"
    return queryset.annotate(
        delivery_count=Count("deliveries"),
        sent_count=Count("deliveries", filter=Q(**{status: Email.Status.SENT})),
        failed_count=Count("deliveries", filter=Q(**{status: Email.Status.FAILED})),
    )


def memos_for_user(user):
    """The memos the user may read, newest first, with delivery counts; neither the PDF nor the
    JSON documents (the changes too: decoded for every row, and grouped by for the counts)."""
    queryset = Memo.objects.select_related("process__catalogue__department").defer(
        "pdf", *memo_pages.DOCUMENT_FIELDS, *memo_pages.PAGE_FIELDS, "letterhead", "explanation"
    )
    return _with_counts(policy.instances_user_has_permission_for(user, "memo.view", queryset)).order_by(
        "-issued_at", "-number"
    )


def can_view_memo(user, memo):
    """A memo is the catalogue's: whoever may see the catalogue (policy) may read its memos."""
    return policy.user_has_permission(user, "memo.view", memo)


def get_memo(pk, *, with_pdf=False):
    """The memo with its catalogue; its PDF only ``with_pdf``. Its JSON documents (two whole
    catalogue states and the changes) are not loaded: the page reads them only when its
    stored page is missing (``memo_pages.memo_page``)."""
    memos = Memo.objects.select_related("process__catalogue__department", "process__catalogue__agreement", "issued_by")
    memos = memos.defer(*memo_pages.DOCUMENT_FIELDS, *([] if with_pdf else ["pdf"]))
    return memos.get(pk=pk)


@dataclass(frozen=True)
class DeliveryRow:
    """One recipient of a memo as its page shows it. ``address`` and the link's openings are
    the memo's administrators' only (the policy's memo.see_recipients): empty and None for the
    committee members and managers, who see whom it went to by name and how far it got."""

    name: str
    address: str
    status: str
    status_label: str
    attempts: int
    sent_at: datetime | None
    next_attempt_at: datetime | None
    last_error: str
    opened_count: int | None
    last_opened_at: datetime | None


def memo_deliveries(memo, *, for_administrator):
    """The memo's recipients with their e-mails' state, by address; for its administrators also
    the address and how often and when each one's signed link was last opened."""
    rows = memo.deliveries.annotate(
        address=F("outbox_email__email"),
        status=F("outbox_email__status"),
        attempts=F("outbox_email__attempts"),
        sent_at=F("outbox_email__sent_at"),
        next_attempt_at=F("outbox_email__next_attempt_at"),
        last_error=F("outbox_email__last_error"),
    )
    fields = ["name", "address", "status", "attempts", "sent_at", "next_attempt_at", "last_error"]
    if for_administrator:
        rows = rows.annotate(opened_count=Count("openings"), last_opened_at=Max("openings__opened_at"))
        fields += ["opened_count", "last_opened_at"]
    labels = dict(Email.Status.choices)
    return [
        DeliveryRow(
            name=row["name"],
            address=row["address"] if for_administrator else "",
            status=row["status"],
            status_label=str(labels.get(row["status"], row["status"])),
            attempts=row["attempts"],
            sent_at=row["sent_at"],
            next_attempt_at=row["next_attempt_at"],
            last_error=row["last_error"],
            opened_count=row.get("opened_count"),
            last_opened_at=row.get("last_opened_at"),
        )
        for row in rows.order_by("address").values(*fields)
    ]


def catalogue_memo_history(catalogue):
    return list(
        _with_counts(
            Memo.objects.filter(process__catalogue=catalogue).defer(
                "pdf", *memo_pages.DOCUMENT_FIELDS, *memo_pages.PAGE_FIELDS
            )
        ).order_by("-number")
    )


def catalogue_memo_status(catalogue):
    """(process or None, its NextMemo) for the catalogue page's memo panel, in one query.

    Whether changes wait to be told is what the last look recorded (``changes_seen_at``: a
    save's check, the sweep every minute), not a new comparison of the whole catalogue with
    the last told state on every page view; the admin's issue page shows the changes."""
    process = CatalogueProcess.objects.filter(catalogue=catalogue).select_related("next_memo").first()
    if process is None:
        return None, None
    return process, NextMemo.of(process)


def signed_off_processes(user):
    """Signed-off processes of the departments ``user`` administers (for issuing memos)."""
    queryset = CatalogueProcess.objects.signed_off()
    return list(
        policy.instances_user_has_permission_for(user, "catalogue.administer", queryset, "catalogue")
        .select_related("catalogue__department", "next_memo")
        .order_by("catalogue__department__code", "catalogue__title")
    )


def pending_preview(process):
    """What the next memo would say now: the MemoDocument of issuing's draft memo."""
    memo = issuing.draft_memo(process)
    if memo is None:
        return None
    return MemoDocument(previous_snapshot=memo.previous_snapshot, snapshot=memo.snapshot, changes=memo.changes)
