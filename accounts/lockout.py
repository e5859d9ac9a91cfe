"""The login lockout (django-axes, config/settings.py AXES_*) as people meet it and as the log
tells it. Axes counts wrong passwords per user name and client address (accounts.client) and
writes the lockout itself to the log ("AXES: Locking out ..."); the lifting of one, by the
cool-off, an administrator's deletion in the admin or ``manage.py axes_reset*``, is logged here."""

import logging

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models.signals import post_delete
from django.shortcuts import render

logger = logging.getLogger("accounts.lockout")
USERNAME_LENGTH = AccessAttempt._meta.get_field("username").max_length


def attempted_username(request, credentials=None):
    """The user name an attempt is recorded under (AXES_USERNAME_CALLABLE), as axes' own, cut to
    the length axes' tables hold: a longer one was written as typed, and PostgreSQL refused it
    with a 500 instead of the form's "wrong user name or password". No account has a name that
    long (Django's end at 150), so the cut name never counts against a real user."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    return username[:USERNAME_LENGTH] if isinstance(username, str) else username


def lockout_response(request, original_response=None, credentials=None):
    """The Danish lockout page (AXES_LOCKOUT_CALLABLE), with the cool-off in minutes."""
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)


def log_lifted(sender, instance, **kwargs):
    if instance.failures_since_start >= settings.AXES_FAILURE_LIMIT:
        logger.warning(
            "login lockout lifted: user name %r from %s (%s failures)",
            instance.username,
            instance.ip_address,
            instance.failures_since_start,
        )


def connect():
    post_delete.connect(log_lifted, sender=AccessAttempt, dispatch_uid="accounts_lockout_lifted")
