"""The workflow's e-mails: who gets what, rendered as HTML with a plain-text part, written to
the outbox (approvals.outbox) in the transaction of the event they tell of.

Each rule of the transition table names its e-mail function (approvals.transitions, ``email``),
which services.perform calls inside the step's transaction; hearing completion
(approvals.completion) and the reminders write theirs in their own. Nothing is
sent here: the outbox's engine sends each row after the commit (a worker, or without a broker
the sweep), with back-off, once per row. Every message goes to one recipient (members do not
see each other's addresses) and carries an absolute link (settings.SITE_URL) to the page
where the recipient acts. A row's key names the event, and (key, address) is unique: a
repeated step, beat or retry never tells anyone twice."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import policy
from .deadlines import local_today
from .models import CatalogueProcess, HearingCompletion, HearingReminder, Membership
from .outbox import delivery as outbox
from .outbox.models import Email
from .selectors import hearing_round_opening, missing_committees

logger = logging.getLogger(__name__)
State = CatalogueProcess.State
Kind = Email.Kind


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


def _recipients(obj, *actions):
    """Who is told: the active users the access policy names for any of ``actions`` on ``obj``
    (users_with_permission_for_instance), with an e-mail address, by user name."""
    users = None
    for action in actions:
        found = policy.users_with_permission_for_instance(action, obj)
        users = found if users is None else users | found
    return list(users.exclude(email="").order_by("username"))


def _queue(kind, key, template, subject, process, messages):
    """Render one e-mail per message into the outbox under ``key``; returns how many rows are
    new (a recipient who already has this key's e-mail is skipped, not told twice).

    Call inside the event's transaction: the rows commit with it, and are announced to the
    worker only after the commit."""
    rows = []
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
            rows.append(
                Email(
                    process=process,
                    kind=kind,
                    key=key,
                    user=message.user,
                    email=message.user.email,
                    subject=subject,
                    body=render_to_string(f"approvals/email/{template}.txt", context),
                    html=render_to_string(f"approvals/email/{template}.html", context),
                )
            )
    if not rows:
        return 0
    before = set(Email.objects.filter(key=key).values_list("pk", flat=True))
    Email.objects.bulk_create(rows, ignore_conflicts=True)
    new = list(Email.objects.filter(key=key).exclude(pk__in=before).values_list("pk", flat=True))
    outbox.announce_on_commit(new)
    return len(new)


def _subject(text, process):
    return f"{text}: {process.catalogue.title}"


def _step_key(log):
    return f"transition:{log.pk}"


def _lmu_links(process, log):
    """To the members of the heard LMUs, each with the links to their own LMUs' response forms."""
    users = _recipients(process, "process.write_response")
    committees = {}
    memberships = Membership.objects.filter(user__in=users, committee__in=process.heard_committees.all())
    for membership in memberships.select_related("committee").order_by("committee__name"):
        committees.setdefault(membership.user_id, []).append(membership.committee)
    return [
        Message(user, {"links": [(c, response_url(process, c)) for c in committees[user.pk]], "transition": log})
        for user in users
    ]


def hearing_opened(log):
    """To the members of every heard LMU, with a link to their committee's response form."""
    process = log.process
    with translation.override(settings.LANGUAGE_CODE):
        subject = _subject(_("Høring åbnet"), process)
    return _queue(Kind.HEARING_OPENED, _step_key(log), "hearing_opened", subject, process, _lmu_links(process, log))


def _hmu_ready_messages(process, log):
    missing = list(missing_committees(process).order_by("name"))
    return [
        Message(user, {"link": hmu_review_url(process), "transition": log, "missing": missing})
        for user in _recipients(process, "process.record_hmu")
    ]


def hmu_review_ready(log):
    """To the HMU members of the catalogue's department, unless the hearing's completion
    already told them (approvals.completion): then starting the review tells nobody again."""
    process = log.process
    opening = hearing_round_opening(process, before=log)
    if opening is not None and HearingCompletion.objects.filter(opening=opening).exists():
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _subject(_("Klar til HMU-behandling"), process)
    messages = _hmu_ready_messages(process, log)
    return _queue(Kind.HMU_REVIEW_READY, _step_key(log), "hmu_review_ready", subject, process, messages)


def hearing_complete(completion):
    """To the HMU members: the hearing round is complete, the catalogue waits for them.
    Keyed on the round, so each member is told once per round."""
    process = completion.process
    with translation.override(settings.LANGUAGE_CODE):
        subject = _subject(_("Klar til HMU-behandling"), process)
    messages = _hmu_ready_messages(process, None)
    key = f"hearing-complete:{completion.opening_id}"
    return _queue(Kind.HEARING_COMPLETE, key, "hmu_review_ready", subject, process, messages)


def awaiting_signoff(log):
    """To the sign-off body's members of the catalogue's department."""
    process = log.process
    with translation.override(settings.LANGUAGE_CODE):
        subject = _subject(_("Klar til godkendelse"), process)
    messages = [
        Message(user, {"link": signoff_url(process), "transition": log})
        for user in _recipients(process, "process.sign_off")
    ]
    return _queue(Kind.AWAITING_SIGNOFF, _step_key(log), "awaiting_signoff", subject, process, messages)


def signed_off(log):
    """To everyone involved: heard LMUs, HMU and the sign-off body."""
    process = log.process
    with translation.override(settings.LANGUAGE_CODE):
        subject = _subject(_("Katalog godkendt"), process)
    messages = [
        Message(user, {"link": catalogue_url(process), "transition": log})
        for user in _recipients(process, "process.write_response", "process.record_hmu", "process.sign_off")
    ]
    return _queue(Kind.SIGNED_OFF, _step_key(log), "signed_off", subject, process, messages)


def sent_back(log):
    """Sign-off body → HMU: to HMU's members; HMU → hearing: to the heard LMUs' members. With the reason."""
    process = log.process
    with translation.override(settings.LANGUAGE_CODE):
        if log.to_state == State.HMU_REVIEW:
            subject = _subject(_("Sendt tilbage til HMU"), process)
            messages = [
                Message(user, {"link": hmu_review_url(process), "transition": log})
                for user in _recipients(process, "process.record_hmu")
            ]
        else:
            subject = _subject(_("Sendt tilbage til høring"), process)
            messages = _lmu_links(process, log)
    return _queue(Kind.SENT_BACK, _step_key(log), "sent_back", subject, process, messages)


def send_hearing_reminders(today=None):
    """Remind heard LMUs that have not submitted, once per catalogue, committee and deadline,
    when the deadline is at most settings.HEARING_REMINDER_DAYS days away. Returns e-mails queued.

    The reminder row and its e-mails are written in one transaction: the unique reminder row
    keeps a repeated or concurrent run from writing them again, and the outbox sends them
    (retrying an SMTP failure itself)."""
    today = today or local_today()
    days = settings.HEARING_REMINDER_DAYS
    processes = (
        CatalogueProcess.objects.in_hearing()
        .select_related("catalogue", "catalogue__department")
        .filter(hearing_deadline__gte=today, hearing_deadline__lte=today + timedelta(days=days))
    )
    queued = 0
    for process in processes:
        for committee in missing_committees(process).order_by("name"):
            try:
                with transaction.atomic():
                    HearingReminder.objects.create(
                        process=process, committee=committee, deadline=process.hearing_deadline, sent_at=timezone.now()
                    )
                    queued += _remind(process, committee, today)
            except IntegrityError:
                continue  # already reminded for this deadline
    return queued


def _remind(process, committee, today):
    with translation.override(settings.LANGUAGE_CODE):
        subject = _subject(_("Påmindelse om høringsfrist"), process)
    days_left = (process.hearing_deadline - today).days
    messages = [
        Message(user, {"link": response_url(process, committee), "committee": committee, "days_left": days_left})
        for user in _recipients(committee, "committee.act_for")
    ]
    key = f"reminder:{process.pk}:{committee.pk}:{process.hearing_deadline.isoformat()}"
    return _queue(Kind.HEARING_REMINDER, key, "hearing_reminder", subject, process, messages)


def stale_stances(notice, proposals):
    """To the members of an LMU whose submitted stances on ``proposals`` were given on an earlier
    version of them (approvals.stale_notices, once their changes have been quiet). Keyed on the
    versions told, so each burst of changes is told once."""
    process, committee = notice.process, notice.committee
    with translation.override(settings.LANGUAGE_CODE):
        subject = _subject(_("Forslag ændret siden jeres høringssvar"), process)
    link = response_url(process, committee)
    messages = [
        Message(user, {"link": link, "committee": committee, "proposals": proposals})
        for user in _recipients(committee, "committee.act_for")
    ]
    key = f"stale-stances:{process.pk}:{committee.pk}:{notice.told_digest()}"
    return _queue(Kind.STALE_STANCES, key, "stale_stances", subject, process, messages)
