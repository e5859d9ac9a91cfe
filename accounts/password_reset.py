"""Password reset for local accounts, through the outbox.

The page only writes one outbox row for the address typed, whatever it is: the same work and
the same answer whether or not an account has that address, so neither the answer nor its
timing tells who has an account here, and a mail server that hangs never holds the page. When
the row's turn comes (a worker, or the sweep), the builder looks the address up and writes the
link then, so no reset link waits in the database; an address without an active account with
a local password is marked "Ingen modtager" and nothing is sent.

Requests are limited per address (PASSWORD_RESET_PER_ADDRESS_PER_HOUR: more are silently
dropped, so nobody can flood a person's inbox) and per client (PASSWORD_RESET_PER_CLIENT_PER_HOUR:
more are refused with 429), counted in the shared cache."""

import hashlib
import uuid

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from approvals.outbox import delivery as outbox
from approvals.outbox import kinds
from approvals.outbox.models import Email

HOUR = 3600


def _count(scope, value):
    """How many requests this scope and value made within the hour, this one included."""
    key = "password-reset:%s:%s" % (scope, hashlib.sha256(value.encode()).hexdigest())
    cache.add(key, 0, HOUR)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, HOUR)
        return 1


def client_allowed(client):
    return _count("client", client) <= settings.PASSWORD_RESET_PER_CLIENT_PER_HOUR


def request_reset(email):
    """Write the reset e-mail for ``email`` to the outbox (unless this address asked too often
    within the hour). Returns whether a row was written; the caller tells the user the same
    either way."""
    email = email.strip()
    if _count("address", email.casefold()) > settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR:
        return False
    with transaction.atomic():
        row = Email.objects.create(
            kind=Email.Kind.PASSWORD_RESET, key=f"password-reset:{uuid.uuid4()}", email=email, subject="", body=""
        )
        outbox.announce_on_commit([row.pk])
    return True


def build_message(row):
    """The reset e-mail, written when it is sent: one link per account with this address."""
    users = list(PasswordResetForm().get_users(row.email))
    if not users:
        raise kinds.NothingToSend
    accounts = []
    for user in users:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)}
        )
        accounts.append({"user": user, "url": settings.SITE_URL + path})
    with translation.override(settings.LANGUAGE_CODE):
        context = {"accounts": accounts, "site_url": settings.SITE_URL}
        subject = "".join(render_to_string("registration/password_reset_subject.txt", context).splitlines())
        body = render_to_string("registration/password_reset_email.txt", context)
    return EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [row.email])


def register():
    kinds.register(Email.Kind.PASSWORD_RESET, build_message)
