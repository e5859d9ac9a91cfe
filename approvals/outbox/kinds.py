"""How each kind of e-mail becomes a message. The kinds are listed once, with their labels, in
``Email.Kind``. A kind's message is either

- stored: rendered when its event happened and kept on the row (subject, body, html): every
  workflow e-mail; or
- built when sent, by the builder the kind's owner registers at start-up (``register``): a
  password reset (accounts.password_reset: no reset link waits in the database) and a memo
  (approvals.memos.delivery: the memo's PDF and the recipient's signed link, from the
  ``MemoDelivery`` beside the row).

A builder takes the row and returns an ``EmailMessage``; it raises ``NothingToSend`` when the
row has nobody to go to (the row is marked skipped, not failed)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

BUILDERS = {}


class NothingToSend(Exception):
    """A row's builder found nobody to send it to."""


class NoMessage(Exception):
    """A row has neither a stored message nor a builder for its kind (not registered)."""


def register(kind, builder):
    BUILDERS[kind] = builder


def build_message(row):
    """The row's message: its kind's builder's, or the one stored on it."""
    builder = BUILDERS.get(row.kind)
    if builder is not None:
        return builder(row)
    if not row.body:
        # A kind built when sent whose owner did not register: never send an empty e-mail.
        raise NoMessage(f"no builder registered for e-mails of kind {row.kind!r}")
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.body, from_email=settings.DEFAULT_FROM_EMAIL, to=[row.email]
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message
