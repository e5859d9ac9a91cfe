"""Memos (notater) to the budget parties about changes after sign-off.

Change detection compares STATES: the last state the budget parties were told about (the
latest issued memo's snapshot, else the approved sign-off's snapshot) against
``catalogue_snapshot`` now. Save signals only say "look again"; the periodic sweep looks at
every signed-off catalogue anyway, so bulk updates and raw SQL are found too.

Batching: a check that finds changes records when it first saw this state
(``changes_seen_at``) and a fingerprint of it; a further change resets the clock; the memo
is issued once the state has been quiet for ``settings.MEMO_QUIET_PERIOD_SECONDS``.

Delivery is an outbox: the memo, its PDF and one MemoDelivery row per recipient are written
in one transaction; Celery tasks enqueued on commit send each row; the sweep re-enqueues
rows still pending (broker down at commit time, a retry lost with a worker). Sending claims
the row with a conditional UPDATE inside a transaction, so two workers or a retry never send
the same row twice. A failed attempt sets the row's ``next_attempt_at`` (exponential
back-off); neither a duplicate task nor the sweep tries it before then."""

import hashlib
import json
import logging
from datetime import date, timedelta

from celery.exceptions import Retry
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from proposals.history_selectors import stated_reasons_since
from proposals.snapshots import catalogue_snapshot, snapshot_diff

from .memo_document import MemoDocument, danish_date
from .models import CatalogueProcess, Memo, MemoDelivery, SignOff

logger = logging.getLogger(__name__)

PENDING_GRACE = timedelta(minutes=1)  # the on_commit enqueue had its chance


class MemoDeliveryFailed(Exception):
    """Sending one delivery failed; the row records the error and when to try again."""

    def __init__(self, error, retry_in):
        super().__init__(error)
        self.retry_in = retry_in  # seconds


def quiet_period():
    return timedelta(seconds=settings.MEMO_QUIET_PERIOD_SECONDS)


def max_attempts():
    return settings.MEMO_DELIVERY_MAX_ATTEMPTS


def retry_delay(attempts):
    """Back-off after the n-th failed attempt: 5 s, 10 s, 20 s, … at most an hour.

    With the default 16 attempts a mail server may be away for about six hours."""
    return timedelta(seconds=min(5 * 2 ** (attempts - 1), 3600))


def due_for_attempt(now):
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


# --- Change detection ----------------------------------------------------------------


def approved_signoff(process):
    return process.signoffs.filter(decision=SignOff.Decision.APPROVED).order_by("-decided_at", "-id").first()


def told_state(process):
    """(snapshot, source) of what the budget parties were last told: a Memo or a SignOff.

    None when the catalogue has no approved sign-off with a snapshot."""
    signoff = approved_signoff(process)
    if signoff is None or signoff.snapshot is None:
        return None, None
    memo = process.memos.order_by("-number").first()
    # A new sign-off after earlier memos starts the story again from what was approved.
    if memo is not None and memo.issued_at >= signoff.decided_at:
        return memo.snapshot, memo
    return signoff.snapshot, signoff


CATALOGUE_CHANGE_KINDS = ("catalogue_field", "target", "stated_fte")


def changes_to_tell(process, told, source, current):
    """The changes since what was told, each carrying the reasons administrators stated for
    the changes of its proposal (or of the catalogue itself) since then."""
    changes = snapshot_diff(told, current)
    since = source.issued_at if isinstance(source, Memo) else source.decided_at
    reasons = stated_reasons_since(process.catalogue, since) if changes else {}
    for change in changes:
        code = "" if change["kind"] in CATALOGUE_CHANGE_KINDS else change.get("code", "")
        if reasons.get(code):
            change["reasons"] = reasons[code]
    return changes


def fingerprint(snapshot):
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def pending_changes(process, *, current=None):
    """The changes not yet told, as snapshot_diff dicts; [] when not signed off."""
    if process.state != CatalogueProcess.State.SIGNED_OFF:
        return []
    told, _source = told_state(process)
    if told is None:
        return []
    return snapshot_diff(told, current if current is not None else catalogue_snapshot(process.catalogue))


def check_catalogue(catalogue_id, *, now=None):
    """Look at one catalogue; issue its memo once its changes have been quiet long enough.

    Returns the issued Memo or None."""
    now = now or timezone.now()
    with transaction.atomic():
        process = (
            CatalogueProcess.objects.select_for_update(of=("self",))
            .select_related("catalogue")
            .filter(catalogue_id=catalogue_id, state=CatalogueProcess.State.SIGNED_OFF)
            .first()
        )
        if process is None:
            return None
        current = catalogue_snapshot(process.catalogue)
        changes = pending_changes(process, current=current)
        if not changes:
            if process.changes_seen_at or process.changes_fingerprint:
                process.changes_seen_at, process.changes_fingerprint = None, ""
                process.save(update_fields=["changes_seen_at", "changes_fingerprint", "updated_at"])
            return None
        seen = fingerprint(current)
        if seen != process.changes_fingerprint or process.changes_seen_at is None:
            # Something moved since the last look: the quiet period starts again.
            process.changes_seen_at, process.changes_fingerprint = now, seen
            process.save(update_fields=["changes_seen_at", "changes_fingerprint", "updated_at"])
        if now - process.changes_seen_at < quiet_period():
            return None
        return issue_memo(process)


def due_at(process):
    """When the pending changes will be issued automatically (None when nothing is pending)."""
    if process.changes_seen_at is None:
        return None
    return process.changes_seen_at + quiet_period()


# --- Issuing ---------------------------------------------------------------------------


def recipients(process):
    """[(email, name)]: budget parties' contacts, the department's managers, extra recipients.

    Deduplicated case-insensitively, first mention wins."""
    catalogue = process.catalogue
    found = []
    if catalogue.agreement_id:
        for party in catalogue.agreement.parties.all():
            if party.contact_email:
                found.append((party.contact_email, party.contact_name or party.name))
    found.extend((email, "") for email in catalogue.department.manager_email_list())
    found.extend((e.strip(), "") for e in process.memo_extra_recipients.splitlines() if e.strip())
    seen, out = set(), []
    for email, name in found:
        if email.lower() not in seen:
            seen.add(email.lower())
            out.append((email, name))
    return out


def issue_memo(process, *, actor=None, explanation=None):
    """Issue the next memo of a signed-off catalogue now, if there is anything to tell.

    ``explanation`` (else the process's stored ``memo_explanation``, which is consumed)
    becomes a paragraph of the memo. The memo, its PDF (rendered once, never again) and one
    delivery row per recipient are written in one transaction; delivery is enqueued after
    commit. Returns the Memo, or None when there are no changes."""
    with transaction.atomic():
        process = (
            CatalogueProcess.objects.select_for_update(of=("self",))
            .select_related("catalogue__department", "catalogue__agreement")
            .get(pk=process.pk)
        )
        if process.state != CatalogueProcess.State.SIGNED_OFF:
            return None
        told, source = told_state(process)
        if told is None:
            return None
        current = catalogue_snapshot(process.catalogue)
        changes = changes_to_tell(process, told, source, current)
        if not changes:
            return None
        number = (process.memos.aggregate(n=Max("number"))["n"] or 0) + 1
        issued_at = timezone.now()
        memo = Memo(
            process=process,
            number=number,
            issued_at=issued_at,
            issued_by=actor,
            explanation=(explanation if explanation is not None else process.memo_explanation).strip(),
            previous_snapshot=told,
            snapshot=current,
            changes=changes,
            letterhead=letterhead(process, issued_at),
        )
        memo.pdf = render_memo_pdf(memo)
        memo.save()
        MemoDelivery.objects.bulk_create(
            MemoDelivery(memo=memo, email=email, name=name[:200]) for email, name in recipients(process)
        )
        process.memo_explanation = ""
        process.changes_seen_at, process.changes_fingerprint = None, ""
        process.save(update_fields=["memo_explanation", "changes_seen_at", "changes_fingerprint", "updated_at"])
        delivery_ids = list(memo.deliveries.values_list("pk", flat=True))
        transaction.on_commit(lambda: enqueue_deliveries(delivery_ids))
    logger.info("Issued memo %s for catalogue %s with %d changes", memo.number, process.catalogue_id, len(changes))
    return memo


def save_explanation(process, explanation):
    """Store the paragraph the next memo will carry."""
    with transaction.atomic():
        CatalogueProcess.objects.filter(pk=process.pk).update(
            memo_explanation=explanation.strip(), updated_at=timezone.now()
        )


# --- Rendering -------------------------------------------------------------------------

SENDER_FIELDS = (
    "name",
    "office",
    "municipality",
    "unit",
    "address",
    "phone",
    "email",
    "case_officer",
    "case_officer_title",
)


def letterhead(process, issued_at):
    """What the memo says about its sender, addressee and sign-off, frozen at issue."""
    catalogue = process.catalogue
    department = catalogue.department
    signoff = (
        process.signoffs.filter(decision=SignOff.Decision.APPROVED, decided_at__lte=issued_at)
        .order_by("-decided_at")
        .first()
    )
    return {
        "department": {field: getattr(department, field) for field in SENDER_FIELDS},
        "agreement_name": catalogue.agreement.name if catalogue.agreement else "",
        "signoff_date": timezone.localdate(signoff.decided_at).isoformat() if signoff else "",
    }


def memo_context(memo):
    process = memo.process
    catalogue = process.catalogue
    head = memo.letterhead or letterhead(process, memo.issued_at)
    signoff_date = date.fromisoformat(head["signoff_date"]) if head["signoff_date"] else None
    previous = None
    if memo.number > 1:
        previous = process.memos.filter(number=memo.number - 1).first()
    snapshot_cat = memo.snapshot["catalogue"]
    return {
        "memo": memo,
        "doc": MemoDocument(previous_snapshot=memo.previous_snapshot, snapshot=memo.snapshot, changes=memo.changes),
        "catalogue": catalogue,
        "catalogue_title": snapshot_cat.get("title", catalogue.title),
        "agreement_name": snapshot_cat.get("agreement") or head["agreement_name"],
        "department": head["department"],
        "date_text": danish_date(timezone.localdate(memo.issued_at)),
        "signoff_date_text": danish_date(signoff_date) if signoff_date else "",
        "previous_memo": previous,
        "previous_date_text": danish_date(timezone.localdate(previous.issued_at)) if previous else "",
        "subject": memo_subject(memo),
        "css_date": css_string(danish_date(timezone.localdate(memo.issued_at))),
        "css_footer": css_string(
            _("%(title)s · Notat nr. %(number)s") % {"title": snapshot_cat.get("title", ""), "number": memo.number}
        ),
    }


def css_string(text):
    """Text safe inside a double-quoted CSS string in a <style> element (page header/footer)."""
    out = str(text).replace("\\", "\\5C ").replace('"', "\\22 ").replace("<", "\\3C ").replace("\n", " ")
    return mark_safe(out)


def memo_subject(memo):
    title = memo.snapshot["catalogue"].get("title", "")
    return _("Ændringer i %(title)s efter godkendelse") % {"title": title}


def render_memo_html(memo, *, standalone=True):
    with translation.override("da"):
        return render_to_string("approvals/memos/memo.html", memo_context(memo))


def render_memo_pdf(memo):
    from weasyprint import HTML

    return HTML(string=render_memo_html(memo), base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_filename(memo):
    slug = memo.snapshot["catalogue"].get("slug", "katalog")
    return f"notat-{slug}-{memo.number}.pdf"


# --- Delivery --------------------------------------------------------------------------


def enqueue_deliveries(delivery_ids):
    """Hand deliveries to Celery. A broker that is down is not an error: the sweep retries."""
    from .memo_tasks import deliver_memo

    for delivery_id in delivery_ids:
        try:
            deliver_memo.delay(delivery_id)
        except Retry:  # in process (no broker): the failure is recorded, the sweep retries
            pass
        except Exception:  # broker down: the rows stay pending for the sweep
            logger.warning("Could not enqueue memo delivery %s; the sweep will retry", delivery_id, exc_info=True)


def build_message(delivery):
    memo = delivery.memo
    with translation.override("da"):
        context = {**memo_context(memo), "delivery": delivery, "site_url": settings.SITE_URL}
        subject = " ".join(render_to_string("approvals/memos/email_subject.txt", context).split())
        text = render_to_string("approvals/memos/email.txt", context)
        html = render_to_string("approvals/memos/email.html", context)
    sender_email = context["department"]["email"]
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.email],
        reply_to=[sender_email] if sender_email else None,
    )
    message.attach_alternative(html, "text/html")
    message.attach(pdf_filename(memo), bytes(memo.pdf), "application/pdf")
    return message


def deliver(delivery_id):
    """Send one delivery row, at most once. Returns the row's status afterwards.

    The row is claimed by a conditional UPDATE (pending -> attempts + 1) inside a
    transaction that stays open while sending: a second worker's claim waits for it and
    then finds the row no longer pending. On failure the error is recorded and
    MemoDeliveryFailed is raised for the task to retry; after ``max_attempts`` the row is
    marked failed (an administrator can send it again). A row in its back-off period is
    left alone: a duplicate task must not use up an attempt early."""
    error = None
    now = timezone.now()
    with transaction.atomic():
        claimed = MemoDelivery.objects.filter(
            due_for_attempt(now), pk=delivery_id, status=MemoDelivery.Status.PENDING
        ).update(attempts=F("attempts") + 1)
        if not claimed:
            return MemoDelivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
        delivery = MemoDelivery.objects.select_related(
            "memo__process__catalogue__department", "memo__process__catalogue__agreement"
        ).get(pk=delivery_id)
        try:
            build_message(delivery).send(fail_silently=False)
        except Exception as exc:  # SMTP refusals, connection errors, timeouts
            error = f"{type(exc).__name__}: {exc}"
            delivery.last_error = error[:2000]
            if delivery.attempts >= max_attempts():
                delivery.status = MemoDelivery.Status.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = now + retry_delay(delivery.attempts)
            delivery.save(update_fields=["last_error", "status", "next_attempt_at"])
        else:
            delivery.status = MemoDelivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.last_error = ""
            delivery.next_attempt_at = None
            delivery.save(update_fields=["status", "sent_at", "last_error", "next_attempt_at"])
    if error:
        logger.warning("Memo delivery %s failed (attempt %s): %s", delivery_id, delivery.attempts, error)
        if delivery.status == MemoDelivery.Status.PENDING:
            raise MemoDeliveryFailed(error, retry_in=retry_delay(delivery.attempts).total_seconds())
    return delivery.status


def resend(deliveries):
    """Put failed or pending deliveries back in the queue, due now; sent ones stay sent.

    The status condition is in the UPDATE itself: a row a worker marks sent meanwhile is not
    turned back to pending (and sent again). Returns the number of rows queued."""
    with transaction.atomic():
        ids = list(deliveries.exclude(status=MemoDelivery.Status.SENT).values_list("pk", flat=True))
        count = (
            MemoDelivery.objects.filter(pk__in=ids)
            .exclude(status=MemoDelivery.Status.SENT)
            .update(status=MemoDelivery.Status.PENDING, attempts=0, next_attempt_at=None)
        )
        transaction.on_commit(lambda: enqueue_deliveries(ids))
    return count


# --- The periodic sweep ----------------------------------------------------------------


def sweep(*, now=None):
    """Check every signed-off catalogue and re-enqueue deliveries still pending.

    Returns {"memos": [Memo, ...], "requeued": n}."""
    now = now or timezone.now()
    issued = []
    for catalogue_id in CatalogueProcess.objects.filter(state=CatalogueProcess.State.SIGNED_OFF).values_list(
        "catalogue_id", flat=True
    ):
        try:
            memo = check_catalogue(catalogue_id, now=now)
        except Exception:  # one broken catalogue must not stop the others
            logger.exception("Memo check failed for catalogue %s", catalogue_id)
            continue
        if memo is not None:
            issued.append(memo)
    # Pending rows whose enqueue (or scheduled retry) should have run a while ago; rows in
    # their back-off period already have a retry on its way.
    overdue = now - PENDING_GRACE
    stale = list(
        MemoDelivery.objects.filter(
            due_for_attempt(overdue), status=MemoDelivery.Status.PENDING, memo__issued_at__lte=overdue
        ).values_list("pk", flat=True)
    )
    if stale:
        enqueue_deliveries(stale)
    return {"memos": issued, "requeued": len(stale)}


# --- "Look again" from save signals ----------------------------------------------------


def _enqueue_check(catalogue_id):
    from .memo_tasks import check_memo

    if not CatalogueProcess.objects.filter(catalogue_id=catalogue_id, state=CatalogueProcess.State.SIGNED_OFF).exists():
        return
    try:
        check_memo.delay(catalogue_id)
    except Exception:  # broker down: the sweep looks anyway
        logger.warning("Could not enqueue memo check for catalogue %s", catalogue_id, exc_info=True)


def on_catalogue_changed(sender, catalogue_id, **kwargs):
    """Receiver of proposals.signals.catalogue_changed: one check per catalogue per commit."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # One import or admin save touches many rows; register the check only once.
        for _sids, func, _robust in connection.run_on_commit:
            if getattr(func, "memo_catalogue_id", None) == catalogue_id:
                return

    def callback():
        _enqueue_check(catalogue_id)

    callback.memo_catalogue_id = catalogue_id
    transaction.on_commit(callback, robust=True)
