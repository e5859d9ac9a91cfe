"""Reads of memos (notater): who may see which, archive lists, a catalogue's history."""

from django.db.models import Count, Q

from proposals.models import Department

from . import memos as memo_services
from .models import CatalogueProcess, Membership, Memo, MemoDelivery


def visible_department_ids(user):
    """Departments whose memos the user may read; None means all (staff).

    Managers are matched by e-mail against the department's manager list; committee
    members through their memberships."""
    if not user.is_authenticated:
        return set()
    if user.is_staff or user.is_superuser:
        return None
    ids = set(Membership.objects.filter(user=user).values_list("committee__department_id", flat=True))
    email = (user.email or "").strip().lower()
    if email:
        for department in Department.objects.exclude(manager_emails="").only("pk", "manager_emails"):
            if email in (e.lower() for e in department.manager_email_list()):
                ids.add(department.pk)
    return ids


def _with_counts(queryset):
    return queryset.annotate(
        delivery_count=Count("deliveries"),
        sent_count=Count("deliveries", filter=Q(deliveries__status=MemoDelivery.Status.SENT)),
        failed_count=Count("deliveries", filter=Q(deliveries__status=MemoDelivery.Status.FAILED)),
    )


def memos_for_user(user):
    """The memos the user may read, newest first, with delivery counts; the PDF is not loaded."""
    queryset = Memo.objects.select_related("process__catalogue__department").defer(
        "pdf", "snapshot", "previous_snapshot"
    )
    departments = visible_department_ids(user)
    if departments is not None:
        queryset = queryset.filter(process__catalogue__department_id__in=departments)
    return _with_counts(queryset).order_by("-issued_at", "-number")


def can_view_memo(user, memo):
    departments = visible_department_ids(user)
    return departments is None or memo.process.catalogue.department_id in departments


def get_memo(pk):
    return Memo.objects.select_related(
        "process__catalogue__department", "process__catalogue__agreement", "issued_by"
    ).get(pk=pk)


def memo_deliveries(memo):
    return list(memo.deliveries.order_by("email"))


def catalogue_memo_history(catalogue):
    return list(
        _with_counts(
            Memo.objects.filter(process__catalogue=catalogue).defer("pdf", "snapshot", "previous_snapshot", "changes")
        ).order_by("-number")
    )


def catalogue_memo_status(catalogue):
    """(process or None, pending change list) for a catalogue's page and the admin."""
    process = CatalogueProcess.objects.filter(catalogue=catalogue).select_related("catalogue").first()
    if process is None:
        return None, []
    return process, memo_services.pending_changes(process)


def signed_off_processes():
    return list(
        CatalogueProcess.objects.filter(state=CatalogueProcess.State.SIGNED_OFF)
        .select_related("catalogue__department")
        .order_by("catalogue__department__code", "catalogue__title")
    )


def pending_preview(process):
    """What the next memo would say now: a MemoDocument over (told state, current state)."""
    from proposals.snapshots import catalogue_snapshot, snapshot_diff

    from .memo_document import MemoDocument

    told, _source = memo_services.told_state(process)
    if told is None or process.state != CatalogueProcess.State.SIGNED_OFF:
        return None
    current = catalogue_snapshot(process.catalogue)
    return MemoDocument(previous_snapshot=told, snapshot=current, changes=snapshot_diff(told, current))
