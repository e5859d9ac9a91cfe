"""Memo e-mails in the outbox: one outbox row (``Email``, kind "memo") per memo and recipient,
and beside it a ``MemoDelivery``, the row the recipient's signed link names. The outbox sends
the row like every other e-mail (approvals.outbox.delivery); this module writes the rows and
says how a memo row becomes a message, when it is sent (the outbox's builder for the kind,
registered in hooks.py)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from ..outbox import delivery as outbox
from ..outbox.models import Email
from . import links
from .models import MemoDelivery
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


def build_message(row):
    """The memo e-mail of an outbox row: the memo as text and HTML, its PDF, and the
    recipient's own signed link (made now, valid for MEMO_READER_LINK_MAX_AGE_DAYS from now)."""
    delivery = MemoDelivery.objects.select_related(
        "memo__process__catalogue__department", "memo__process__catalogue__agreement"
    ).get(outbox_email_id=row.pk)
    memo = delivery.memo
    with translation.override("da"):
        context = {
            **memo_context(memo),
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
