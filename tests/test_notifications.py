"""E-mail notifications: sent after commit, to the right people, HTML + text, with a link."""

import datetime
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import transaction

from approvals import hearing, notifications, permissions, services, tasks
from approvals.models import CatalogueProcess, HearingReminder, Membership
from tests.approval_factories import Setup
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://budget.example.dk"
    return settings


def html_of(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def by_recipient(messages):
    return {m.to[0]: m for m in messages}


def test_nothing_is_sent_before_commit(django_capture_on_commit_callbacks):
    s = Setup()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.open_hearing(s.process, actor=s.admin)
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 2


def test_refused_transition_sends_nothing(django_capture_on_commit_callbacks):
    s = Setup()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.WorkflowError):
        services.open_hearing(s.process, actor=s.lmu1_user)
    assert mail.outbox == []


def test_rolled_back_transition_sends_nothing(django_capture_on_commit_callbacks):
    s = Setup()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.open_hearing(s.process, actor=s.admin)
            raise RuntimeError("afbrudt")
    assert callbacks == []
    assert mail.outbox == []
    assert CatalogueProcess.objects.get(pk=s.process.pk).state == "draft"


def test_hearing_opened_goes_to_heard_lmu_members_with_their_form_link(site, django_capture_on_commit_callbacks):
    s = Setup()
    no_email = make_user()
    no_email.email = ""
    no_email.save()
    s.lmu1.memberships.create(user=no_email)
    with django_capture_on_commit_callbacks(execute=True):
        services.open_hearing(s.process, actor=s.admin)
    sent = by_recipient(mail.outbox)
    assert set(sent) == {s.lmu1_user.email, s.lmu2_user.email}  # not the unheard LMU, HMU, or address-less
    message = sent[s.lmu1_user.email]
    assert message.subject == f"Høring åbnet: {s.catalogue.title}"
    link = notifications.response_url(s.process, s.lmu1)
    assert link.startswith("https://budget.example.dk/")
    assert s.catalogue.slug in link
    assert link in message.body and link in html_of(message)
    assert notifications.response_url(s.process, s.lmu2) not in message.body
    deadline = s.deadline
    months = [
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ]
    danish = f"{deadline.day}. {months[deadline.month - 1]} {deadline.year}"
    assert f"Høringsfrist: {danish}" in message.body
    assert "<html" in html_of(message) and danish in html_of(message)
    assert "<" not in message.body  # the plain-text part is plain


def test_hmu_review_ready_goes_to_hmu_and_names_missing_lmus(site, django_capture_on_commit_callbacks):
    s = Setup().to_hearing()
    s.submit(s.lmu1, s.lmu1_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_hmu_review(s.process, actor=s.admin, reason="HMU-mødet er rykket frem")
    [message] = mail.outbox
    assert message.to == [s.hmu_user.email]
    assert message.subject == f"Klar til HMU-behandling: {s.catalogue.title}"
    assert "LMU To" in message.body and "LMU Et" not in message.body
    assert "HMU-mødet er rykket frem" in message.body
    assert notifications.hmu_review_url(s.process) in html_of(message)


def test_awaiting_signoff_and_signed_off(site, django_capture_on_commit_callbacks):
    s = Setup().to_hmu_review()
    hearing.save_hmu_review(s.process, actor=s.hmu_user, statement="OK", positions={})
    with django_capture_on_commit_callbacks(execute=True):
        services.forward_to_signoff(s.process, actor=s.hmu_user)
    [message] = mail.outbox
    assert message.to == [s.signoff_user.email]
    assert notifications.signoff_url(s.process) in message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_off(s.process, actor=s.signoff_user, note="Vedtaget uden bemærkninger")
    sent = by_recipient(mail.outbox)
    assert set(sent) == {u.email for u in (s.lmu1_user, s.lmu2_user, s.hmu_user, s.signoff_user)}
    message = sent[s.hmu_user.email]
    assert message.subject == f"Katalog godkendt: {s.catalogue.title}"
    assert "Vedtaget uden bemærkninger" in message.body
    assert notifications.catalogue_url(s.process) in html_of(message)


def test_sent_back_tells_the_receiving_body_the_reason(django_capture_on_commit_callbacks):
    s = Setup().to_awaiting_signoff()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_back(s.process, actor=s.signoff_user, reason="Forslag 2 mangler risikovurdering")
    [message] = mail.outbox
    assert message.to == [s.hmu_user.email]
    assert "Forslag 2 mangler risikovurdering" in message.body
    assert "Forslag 2 mangler risikovurdering" in html_of(message)
    mail.outbox.clear()
    both = make_user()  # sits on both heard LMUs: one e-mail, a link to each response
    Membership.objects.create(committee=s.lmu1, user=both)
    Membership.objects.create(committee=s.lmu2, user=both)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_back(s.process, actor=s.hmu_user, reason="Ny høring")
    assert {m.to[0] for m in mail.outbox} == {s.lmu1_user.email, s.lmu2_user.email, both.email}
    [message] = [m for m in mail.outbox if m.to == [both.email]]
    for text in (message.body, html_of(message)):
        assert "genåbnet som kladde" in text
        assert notifications.response_url(s.process, s.lmu1) in text
        assert notifications.response_url(s.process, s.lmu2) in text


def test_each_recipient_gets_a_separate_message(django_capture_on_commit_callbacks):
    s = Setup()
    for _ in range(3):
        s.lmu1.memberships.create(user=make_user())
    with django_capture_on_commit_callbacks(execute=True):
        services.open_hearing(s.process, actor=s.admin)
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    assert len(mail.outbox) == 5


def test_reminder_to_lmus_that_have_not_submitted_once_per_deadline(site, settings):
    settings.HEARING_REMINDER_DAYS = 2
    s = Setup(deadline_in_days=2).to_hearing()
    s.submit(s.lmu1, s.lmu1_user)
    assert tasks.send_hearing_reminders.delay().get() == 1
    [message] = mail.outbox
    assert message.to == [s.lmu2_user.email]
    assert message.subject == f"Påmindelse om høringsfrist: {s.catalogue.title}"
    assert "2 dage tilbage" in message.body
    assert notifications.response_url(s.process, s.lmu2) in message.body
    assert notifications.response_url(s.process, s.lmu2) in html_of(message)
    # The beat task runs again (same day, next day): no second reminder for this deadline.
    assert tasks.send_hearing_reminders.delay().get() == 0
    assert notifications.send_hearing_reminders(today=permissions.local_today() + datetime.timedelta(days=1)) == 0
    assert len(mail.outbox) == 1
    assert HearingReminder.objects.count() == 1


def test_reminder_window_and_states(settings):
    settings.HEARING_REMINDER_DAYS = 2
    s = Setup(deadline_in_days=5).to_hearing()
    assert notifications.send_hearing_reminders() == 0  # too early
    today = permissions.local_today()
    assert notifications.send_hearing_reminders(today=s.deadline + datetime.timedelta(days=1)) == 0  # too late
    assert notifications.send_hearing_reminders(today=s.deadline - datetime.timedelta(days=2)) == 2
    # A new deadline may be reminded again.
    services.configure_hearing(
        s.process, actor=s.admin, committees=[s.lmu1, s.lmu2], hearing_deadline=today + datetime.timedelta(days=1)
    )
    assert notifications.send_hearing_reminders() == 2
    draft = Setup(deadline_in_days=1)  # not in hearing: no reminders
    assert notifications.send_hearing_reminders() == 0
    assert not HearingReminder.objects.filter(process=draft.process).exists()


def test_failed_reminder_is_released_for_the_next_run(settings):
    s = Setup(deadline_in_days=1).to_hearing()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on the discard port
    assert notifications.send_hearing_reminders() == 0  # logged, not raised: other catalogues go on
    assert not HearingReminder.objects.filter(process=s.process).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications.send_hearing_reminders() == 2


def test_links_fall_back_to_the_catalogue_page(site):
    s = Setup()
    url = notifications.absolute_url("approvals:no_such_page", slug=s.catalogue.slug)
    assert url.startswith("https://budget.example.dk/") and s.catalogue.slug in url


class RefusingBackend(locmem.EmailBackend):
    """The test outbox, but a mail server that refuses one address (settings.REFUSED_ADDRESS)."""

    def send_messages(self, messages):
        from django.conf import settings

        for message in messages:
            if settings.REFUSED_ADDRESS in message.to:
                raise SMTPRecipientsRefused({settings.REFUSED_ADDRESS: (550, b"No such user")})
        return super().send_messages(messages)


def test_one_refused_address_does_not_stop_the_others_and_the_retry_reaches_only_it(settings):
    s = Setup()
    settings.EMAIL_BACKEND = "tests.test_notifications.RefusingBackend"
    settings.REFUSED_ADDRESS = s.lmu1_user.email
    log = services.open_hearing(s.process, actor=s.admin)
    with pytest.raises(notifications.NotificationFailed) as failed:
        notifications.hearing_opened(log.pk)
    reached = {m.to[0] for m in mail.outbox}
    assert s.lmu1_user.email not in reached and s.lmu2_user.email in reached
    assert failed.value.failed_user_ids == [s.lmu1_user.pk] and failed.value.sent == len(reached)

    # The task retries for that recipient only, once the server takes the address.
    mail.outbox.clear()
    settings.REFUSED_ADDRESS = "nobody@example.invalid"
    assert tasks.notify_hearing_opened.apply(args=[log.pk, failed.value.failed_user_ids]).get() == 1
    assert [m.to for m in mail.outbox] == [[s.lmu1_user.email]]


def test_a_reminder_reaching_part_of_a_committee_is_not_repeated_to_the_others(settings):
    s = Setup(deadline_in_days=1).to_hearing()
    extra = make_user()
    Membership.objects.create(committee=s.lmu1, user=extra, role=Membership.Role.MEMBER)
    settings.EMAIL_BACKEND = "tests.test_notifications.RefusingBackend"
    settings.REFUSED_ADDRESS = s.lmu1_user.email
    assert notifications.send_hearing_reminders() == 2  # LMU To's member, and LMU Et's other member
    assert sorted(m.to[0] for m in mail.outbox) == sorted([extra.email, s.lmu2_user.email])
    assert HearingReminder.objects.filter(process=s.process).count() == 2  # LMU Et partly reached: kept
    mail.outbox.clear()
    assert notifications.send_hearing_reminders() == 0 and mail.outbox == []
