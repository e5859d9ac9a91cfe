"""E-mail notifications of the workflow: who gets what, rendered as HTML with a plain-text part.

Called by the thin Celery tasks in tasks.py, which follow the ``process_state_changed`` signal
(sent after the workflow step has committed). Every
message goes to one recipient (members do not see each other's addresses) and carries an
absolute link (settings.SITE_URL) to the page where the recipient acts."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import permissions
from .models import CatalogueProcess, Committee, HearingReminder, Membership, Transition
from .selectors import missing_committees

logger = logging.getLogger(__name__)
State = CatalogueProcess.State


def absolute_url(name, **kwargs):
    """SITE_URL + the named page; falls back to the catalogue's page if the workflow page is missing."""
    try:
        path = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        try:
            path = reverse("approvals:catalogue", kwargs={"slug": kwargs["slug"]})
        except NoReverseMatch:
            path = reverse("proposals:catalogue_detail", kwargs={"slug": kwargs["slug"]})
    return settings.SITE_URL + path


def catalogue_url(process):
    return absolute_url("approvals:catalogue", slug=process.catalogue.slug)


def response_url(process, committee):
    return absolute_url("approvals:response", slug=process.catalogue.slug, committee_id=committee.pk)


def hmu_review_url(process):
    return absolute_url("approvals:hmu_review", slug=process.catalogue.slug)


def signoff_url(process):
    return absolute_url("approvals:signoff", slug=process.catalogue.slug)


@dataclass
class Message:
    user: object
    context: dict


def _load_process(process_id):
    return CatalogueProcess.objects.select_related("catalogue", "catalogue__department").get(pk=process_id)


def _load_transition(transition_id):
    return Transition.objects.select_related(
        "actor", "process", "process__catalogue", "process__catalogue__department"
    ).get(pk=transition_id)


def _users_of(committees):
    """{user: [committees]} for active members with an e-mail address, in a stable order."""
    found = {}
    memberships = (
        Membership.objects.filter(committee__in=committees, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "committee")
        .order_by("user__username", "committee__name")
    )
    for membership in memberships:
        found.setdefault(membership.user, []).append(membership.committee)
    return found


def _department_committees(process, *kinds):
    return Committee.objects.filter(department_id=process.catalogue.department_id, kind__in=kinds)


class NotificationFailed(Exception):
    """Some recipients could not be reached; the others got their e-mail (a retry sends
    only to ``failed_user_ids``)."""

    def __init__(self, sent, failed_user_ids, error):
        super().__init__(f"{len(failed_user_ids)} recipient(s) not reached: {error}")
        self.sent = sent
        self.failed_user_ids = failed_user_ids


def _send(template, subject, process, messages, only_user_ids=None):
    """Render and send one e-mail per message; returns the number sent.

    One recipient's refused address or a dropped connection does not stop the others:
    everyone is tried, then NotificationFailed names those who were not reached."""
    if only_user_ids is not None:
        wanted = set(only_user_ids)
        messages = [m for m in messages if m.user.pk in wanted]
    if not messages:
        return 0
    emails = []
    with translation.override(settings.LANGUAGE_CODE):
        for message in messages:
            context = {
                "user": message.user,
                "process": process,
                "catalogue": process.catalogue,
                "department": process.catalogue.department,
                "site_url": settings.SITE_URL,
                "subject": subject,
                **message.context,
            }
            text = render_to_string(f"approvals/email/{template}.txt", context)
            html = render_to_string(f"approvals/email/{template}.html", context)
            email = EmailMultiAlternatives(subject=subject, body=text, to=[message.user.email])
            email.attach_alternative(html, "text/html")
            emails.append(email)
    connection = get_connection()
    sent, failed, error = 0, [], None
    for message, email in zip(messages, emails, strict=True):
        try:
            sent += connection.send_messages([email]) or 0
        except Exception as exc:  # SMTP refusal, connection error, timeout
            logger.warning("Notification %s to user %s failed: %s", template, message.user.pk, exc)
            failed.append(message.user.pk)
            error = exc
    if failed:
        raise NotificationFailed(sent, failed, error)
    return sent


def _subject(text, process):
    return f"{text}: {process.catalogue.title}"


def hearing_opened(transition_id, only_user_ids=None):
    """To the members of every heard LMU, with a link to their committee's response form."""
    log = _load_transition(transition_id)
    process = log.process
    with translation.override(settings.LANGUAGE_CODE):
        subject = _subject(_("Høring åbnet"), process)
        messages = [
            Message(user, {"links": [(c, response_url(process, c)) for c in committees], "transition": log})
            for user, committees in _users_of(process.heard_committees.all()).items()
        ]
    return _send("hearing_opened", subject, process, messages, only_user_ids)


def hmu_review_ready(transition_id, only_user_ids=None):
    """To the HMU members of the catalogue's department."""
    log = _load_transition(transition_id)
    process = log.process
    with translation.override(settings.LANGUAGE_CODE):
        subject = _subject(_("Klar til HMU-behandling"), process)
        missing = list(_missing(process))
        messages = [
            Message(user, {"link": hmu_review_url(process), "transition": log, "missing": missing})
            for user in _users_of(_department_committees(process, Committee.Kind.HMU))
        ]
    return _send("hmu_review_ready", subject, process, messages, only_user_ids)


def _missing(process):
    return missing_committees(process).order_by("name")


def awaiting_signoff(transition_id, only_user_ids=None):
    """To the sign-off body's members of the catalogue's department."""
    log = _load_transition(transition_id)
    process = log.process
    with translation.override(settings.LANGUAGE_CODE):
        subject = _subject(_("Klar til godkendelse"), process)
        messages = [
            Message(user, {"link": signoff_url(process), "transition": log})
            for user in _users_of(_department_committees(process, Committee.Kind.SIGNOFF))
        ]
    return _send("awaiting_signoff", subject, process, messages, only_user_ids)


def signed_off(transition_id, only_user_ids=None):
    """To everyone involved: heard LMUs, HMU and the sign-off body."""
    log = _load_transition(transition_id)
    process = log.process
    with translation.override(settings.LANGUAGE_CODE):
        subject = _subject(_("Katalog godkendt"), process)
        committees = list(process.heard_committees.all()) + list(
            _department_committees(process, Committee.Kind.HMU, Committee.Kind.SIGNOFF)
        )
        messages = [
            Message(user, {"link": catalogue_url(process), "transition": log}) for user in _users_of(committees)
        ]
    return _send("signed_off", subject, process, messages, only_user_ids)


def sent_back(transition_id, only_user_ids=None):
    """Sign-off body → HMU: to HMU's members; HMU → hearing: to the heard LMUs' members. With the reason."""
    log = _load_transition(transition_id)
    process = log.process
    with translation.override(settings.LANGUAGE_CODE):
        if log.to_state == State.HMU_REVIEW:
            subject = _subject(_("Sendt tilbage til HMU"), process)
            messages = [
                Message(user, {"link": hmu_review_url(process), "transition": log})
                for user in _users_of(_department_committees(process, "hmu"))
            ]
        else:
            subject = _subject(_("Sendt tilbage til høring"), process)
            messages = [
                Message(user, {"links": [(c, response_url(process, c)) for c in committees], "transition": log})
                for user, committees in _users_of(process.heard_committees.all()).items()
            ]
    return _send("sent_back", subject, process, messages, only_user_ids)


def send_hearing_reminders(today=None):
    """Remind heard LMUs that have not submitted, once per catalogue, committee and deadline,
    when the deadline is at most settings.HEARING_REMINDER_DAYS days away. Returns e-mails sent.

    A reminder row is claimed (unique) before sending, so concurrent or repeated runs never
    send twice. If nobody in the committee was reached the claim is released so the next run
    tries again; a partly reached committee keeps it (the others must not get it twice)."""
    today = today or permissions.local_today()
    days = settings.HEARING_REMINDER_DAYS
    processes = CatalogueProcess.objects.select_related("catalogue", "catalogue__department").filter(
        state=State.HEARING, hearing_deadline__gte=today, hearing_deadline__lte=today + timedelta(days=days)
    )
    sent = 0
    for process in processes:
        for committee in missing_committees(process).order_by("name"):
            try:
                with transaction.atomic():
                    claim = HearingReminder.objects.create(
                        process=process, committee=committee, deadline=process.hearing_deadline, sent_at=timezone.now()
                    )
            except IntegrityError:
                continue  # already reminded for this deadline
            try:
                sent += _remind(process, committee)
            except NotificationFailed as exc:
                logger.warning("Hearing reminder for %s on %s: %s", committee, process, exc)
                sent += exc.sent
                if not exc.sent:
                    claim.delete()
    return sent


def _remind(process, committee):
    with translation.override(settings.LANGUAGE_CODE):
        subject = _subject(_("Påmindelse om høringsfrist"), process)
        days_left = (process.hearing_deadline - permissions.local_today()).days
        messages = [
            Message(user, {"link": response_url(process, committee), "committee": committee, "days_left": days_left})
            for user in _users_of([committee])
        ]
    return _send("hearing_reminder", subject, process, messages)


def users_notified_of_signoff(process):
    """Everyone ``signed_off`` writes to (for pages that say who was told)."""
    committees = list(process.heard_committees.all()) + list(
        _department_committees(process, Committee.Kind.HMU, Committee.Kind.SIGNOFF)
    )
    return get_user_model().objects.filter(memberships__committee__in=committees).distinct()
