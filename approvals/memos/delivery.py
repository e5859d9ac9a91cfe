"""Memo e-mails in the outbox: one outbox row (``Email``, kind "memo") per memo and recipient,
and beside it a ``MemoDelivery``, the row the recipient's signed link names. The outbox sends
the row like every other e-mail (approvals.outbox.delivery); this module writes the rows and
says how a memo row becomes a message, when it is sent (the outbox's builder for the kind,
registered in hooks.py)."""

import threading
from collections import OrderedDict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from ..outbox import delivery as outbox
from ..outbox.models import Email
from . import links
from .models import Memo, MemoDelivery
from .rendering import memo_context, memo_subject, pdf_filename


def email_subject(context):
    return " ".join(render_to_string("approvals/memos/email_subject.txt", context).split())


def write_deliveries(memo, recipients):
    """The memo's e-mails to ``recipients`` ([(address, name)]) into the outbox, each with its
    delivery row; handed to the worker once the transaction commits."""
    with translation.override("da"):
        subject = email_subject({"memo": memo, "subject": memo_subject(memo)})
    rows = Email.objects.bulk_create(
        Email(
            process_id=memo.process_id,
            kind=Email.Kind.MEMO,
            key=f"memo:{memo.pk}",
            email=address,
            subject=subject[:300],
            body="",
            queued_at=memo.issued_at,
        )
        for address, _name in recipients
    )
    MemoDelivery.objects.bulk_create(
        MemoDelivery(memo=memo, outbox_email=row, name=name[:200])
        for row, (_address, name) in zip(rows, recipients, strict=True)
    )
    outbox.announce_on_commit(row.pk for row in rows)


# A memo never changes once issued: its e-mails' shared context (the memo with its PDF, the
# document, the sections as HTML) is built once per process for all its recipients (a worker
# sends them one row per task, the sweep one after the other), not once per e-mail. A few memos
# are kept; a saved memo row is forgotten (hooks.py: a database's ids may come again, in tests).
MEMO_CONTEXTS_KEPT = 4
_memo_contexts = OrderedDict()
_memo_contexts_lock = threading.Lock()


def memo_email_context(memo_id):
    with _memo_contexts_lock:
        context = _memo_contexts.get(memo_id)
        if context is not None:
            _memo_contexts.move_to_end(memo_id)
            return context
    memo = Memo.objects.select_related("process__catalogue__department", "process__catalogue__agreement").get(
        pk=memo_id
    )
    with translation.override("da"):
        context = memo_context(memo)
    with _memo_contexts_lock:
        _memo_contexts[memo_id] = context
        while len(_memo_contexts) > MEMO_CONTEXTS_KEPT:
            _memo_contexts.popitem(last=False)
    return context


def forget_memo_context(sender, instance, **kwargs):
    """Receiver of Memo's post_save."""
    with _memo_contexts_lock:
        _memo_contexts.pop(instance.pk, None)


def build_message(row):
    """The memo e-mail of an outbox row: the memo as text and HTML, its PDF, and the
    recipient's own signed link (made now, valid for MEMO_READER_LINK_MAX_AGE_DAYS from now)."""
    delivery = MemoDelivery.objects.get(outbox_email_id=row.pk)
    shared = memo_email_context(delivery.memo_id)
    memo = shared["memo"]
    with translation.override("da"):
        context = {
            **shared,
            "delivery": delivery,
            "site_url": settings.SITE_URL,
            # The parties have no login: their own signed, read-only link to this memo.
            "reader_url": links.reader_url(delivery),
            "reader_link_days": settings.MEMO_READER_LINK_MAX_AGE_DAYS,
        }
        subject = email_subject(context)
        text = render_to_string("approvals/memos/email.txt", context)
        html = render_to_string("approvals/memos/email.html", context)
    sender_email = context["department"]["email"]
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.email],
        reply_to=[sender_email] if sender_email else None,
    )
    message.attach_alternative(html, "text/html")
    message.attach(pdf_filename(memo), bytes(memo.pdf), "application/pdf")
    return message
