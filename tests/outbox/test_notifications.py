"""The workflow's e-mails: written to the outbox with their step, sent afterwards (never inside
the request without a broker), to the right people, once each, HTML + text, with a link."""

import datetime
import socket
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import transaction
from django.urls import reverse

from approvals import deadlines, hearing, notifications, services, tasks
from approvals.models import CatalogueProcess, Email, HearingReminder, Membership
from approvals.outbox import delivery as outbox
from approvals.outbox import sweep as outbox_sweep
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


def sent():
    """Run the outbox as the sweep beside the web server does (no broker); the test outbox."""
    outbox_sweep.sweep()
    return mail.outbox


def settled(setup):
    """The set-up's earlier steps have sent their e-mails; the test outbox starts empty."""
    sent()
    mail.outbox.clear()
    return setup


def test_the_emails_are_written_with_the_step_and_sent_after_it(django_capture_on_commit_callbacks):
    s = Setup()
    with django_capture_on_commit_callbacks(execute=True):
        log = services.open_hearing(s.process, actor=s.admin)
        rows = list(Email.objects.all())  # in the step's transaction
        assert {r.email for r in rows} == {s.lmu1_user.email, s.lmu2_user.email}
        assert {(r.kind, r.key, r.status) for r in rows} == {("hearing_opened", f"transition:{log.pk}", "pending")}
    # Without a broker the request itself sends nothing (a mail server that does not answer
    # cannot hold the page); the sweep beside the web server does.
    assert mail.outbox == []
    assert len(sent()) == 2
    assert set(Email.objects.values_list("status", flat=True)) == {Email.Status.SENT}
    assert len(sent()) == 2  # a second sweep sends nothing again


def test_a_repeated_event_tells_each_recipient_once():
    s = Setup()
    log = services.open_hearing(s.process, actor=s.admin)
    assert notifications.hearing_opened(log) == 0  # the step already wrote them
    assert Email.objects.count() == 2 and len(sent()) == 2


def test_refused_transition_writes_nothing(django_capture_on_commit_callbacks):
    s = Setup()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.NotPermitted):
        services.open_hearing(s.process, actor=s.lmu1_user)
    assert not Email.objects.exists() and sent() == []


def test_rolled_back_transition_writes_nothing(django_capture_on_commit_callbacks):
    s = Setup()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.open_hearing(s.process, actor=s.admin)
            raise RuntimeError("afbrudt")
    assert callbacks == []
    assert not Email.objects.exists() and sent() == []
    assert CatalogueProcess.objects.get(pk=s.process.pk).state == "draft"


def test_hearing_opened_goes_to_heard_lmu_members_with_their_form_link(site, django_capture_on_commit_callbacks):
    s = Setup()
    no_email = make_user()
    no_email.email = ""
    no_email.save()
    s.lmu1.memberships.create(user=no_email)
    with django_capture_on_commit_callbacks(execute=True):
        services.open_hearing(s.process, actor=s.admin)
    received = by_recipient(sent())
    assert set(received) == {s.lmu1_user.email, s.lmu2_user.email}  # not the unheard LMU, HMU, or address-less
    message = received[s.lmu1_user.email]
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
    s = settled(Setup().to_hearing())
    s.submit(s.lmu1, s.lmu1_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_hmu_review(s.process, actor=s.admin, reason="HMU-mødet er rykket frem")
    [message] = sent()
    assert message.to == [s.hmu_user.email]
    assert message.subject == f"Klar til HMU-behandling: {s.catalogue.title}"
    assert "LMU To" in message.body and "LMU Et" not in message.body
    assert "HMU-mødet er rykket frem" in message.body
    assert notifications.hmu_review_url(s.process) in html_of(message)


def test_awaiting_signoff_and_signed_off(site, django_capture_on_commit_callbacks):
    s = settled(Setup().to_hmu_review())
    hearing.save_hmu_review(s.process, actor=s.hmu_user, statement="OK", positions={})
    with django_capture_on_commit_callbacks(execute=True):
        services.forward_to_signoff(s.process, actor=s.hmu_user)
    [message] = sent()
    assert message.to == [s.signoff_user.email]
    assert notifications.signoff_url(s.process) in message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_off(
            s.process, actor=s.signoff_user, note="Vedtaget uden bemærkninger", approved_before_meeting=True
        )
    received = by_recipient(sent())
    assert set(received) == {u.email for u in (s.lmu1_user, s.lmu2_user, s.hmu_user, s.signoff_user)}
    message = received[s.hmu_user.email]
    assert message.subject == f"Katalog godkendt: {s.catalogue.title}"
    assert "Vedtaget uden bemærkninger" in message.body
    assert notifications.catalogue_url(s.process) in html_of(message)


def test_sent_back_tells_the_receiving_body_the_reason(django_capture_on_commit_callbacks):
    s = settled(Setup().to_awaiting_signoff())
    with django_capture_on_commit_callbacks(execute=True):
        services.send_back(s.process, actor=s.signoff_user, reason="Forslag 2 mangler risikovurdering")
    [message] = sent()
    assert message.to == [s.hmu_user.email]
    assert "Forslag 2 mangler risikovurdering" in message.body
    assert "Forslag 2 mangler risikovurdering" in html_of(message)
    mail.outbox.clear()
    both = make_user()  # sits on both heard LMUs: one e-mail, a link to each response
    Membership.objects.create(committee=s.lmu1, user=both)
    Membership.objects.create(committee=s.lmu2, user=both)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_back(s.process, actor=s.hmu_user, reason="Ny høring")
    assert {m.to[0] for m in sent()} == {s.lmu1_user.email, s.lmu2_user.email, both.email}
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
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in sent())
    assert len(mail.outbox) == 5


def test_reminder_to_lmus_that_have_not_submitted_once_per_deadline(site, settings):
    settings.HEARING_REMINDER_DAYS = 2
    s = settled(Setup(deadline_in_days=2).to_hearing())
    s.submit(s.lmu1, s.lmu1_user)
    assert tasks.send_hearing_reminders.delay().get() == 1
    [message] = sent()
    assert message.to == [s.lmu2_user.email]
    assert message.subject == f"Påmindelse om høringsfrist: {s.catalogue.title}"
    assert "2 dage tilbage" in message.body
    assert notifications.response_url(s.process, s.lmu2) in message.body
    assert notifications.response_url(s.process, s.lmu2) in html_of(message)
    # The beat task runs again (same day, next day): no second reminder for this deadline.
    assert tasks.send_hearing_reminders.delay().get() == 0
    assert notifications.send_hearing_reminders(today=deadlines.local_today() + datetime.timedelta(days=1)) == 0
    assert len(sent()) == 1
    assert HearingReminder.objects.count() == 1


def test_reminder_window_and_states(settings):
    settings.HEARING_REMINDER_DAYS = 2
    s = settled(Setup(deadline_in_days=5).to_hearing())
    assert notifications.send_hearing_reminders() == 0  # too early
    today = deadlines.local_today()
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


def test_a_mail_server_that_does_not_answer_keeps_the_reminder_for_the_outbox_to_retry(settings):
    s = settled(Setup(deadline_in_days=1).to_hearing())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on the discard port
    assert notifications.send_hearing_reminders() == 2  # written to the outbox, not sent here
    assert sent() == []
    rows = Email.objects.filter(kind=Email.Kind.HEARING_REMINDER)
    assert {(r.status, r.attempts) for r in rows} == {(Email.Status.PENDING, 1)}
    assert all(r.next_attempt_at and r.last_error for r in rows)  # the back-off, and why
    assert notifications.send_hearing_reminders() == 0  # the reminder itself is not written twice
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sent()
    assert mail.outbox == []  # its back-off is not over
    rows.update(next_attempt_at=None)  # as when it is
    assert sorted(m.to[0] for m in sent()) == sorted([s.lmu1_user.email, s.lmu2_user.email])


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
    settings.EMAIL_BACKEND = "tests.outbox.test_notifications.RefusingBackend"
    settings.REFUSED_ADDRESS = s.lmu1_user.email
    services.open_hearing(s.process, actor=s.admin)
    reached = {m.to[0] for m in sent()}
    assert reached == {s.lmu2_user.email}
    refused = Email.objects.get(email=s.lmu1_user.email)
    assert refused.status == Email.Status.PENDING and "550" in refused.last_error

    # The retry, once the server takes the address, reaches that recipient only.
    mail.outbox.clear()
    settings.REFUSED_ADDRESS = "nobody@example.invalid"
    Email.objects.filter(pk=refused.pk).update(next_attempt_at=None)  # its back-off is over
    assert tasks.deliver_email.apply(args=[refused.pk]).get() == Email.Status.SENT
    assert [m.to for m in sent()] == [[s.lmu1_user.email]]


def test_after_the_last_attempt_an_email_is_failed_and_an_administrator_can_send_it_again(settings):
    s = Setup()
    settings.EMAIL_MAX_ATTEMPTS = 1
    settings.EMAIL_BACKEND = "tests.outbox.test_notifications.RefusingBackend"
    settings.REFUSED_ADDRESS = s.lmu1_user.email
    services.open_hearing(s.process, actor=s.admin)
    sent()
    refused = Email.objects.get(email=s.lmu1_user.email)
    assert refused.status == Email.Status.FAILED
    settings.REFUSED_ADDRESS = "nobody@example.invalid"
    assert outbox.resend(Email.objects.all()) == 1  # the sent one stays sent
    assert [m.to for m in sent()] == [[s.lmu2_user.email], [s.lmu1_user.email]]


def test_a_request_without_a_broker_never_talks_to_the_mail_server(client, settings):
    """A mail server that accepts the connection and never answers held the request for
    EMAIL_TIMEOUT before; now the request only writes outbox rows and never connects."""
    s = Setup()
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        silent.setblocking(False)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent.getsockname()[1]
        client.force_login(s.admin)
        response = client.post(reverse("approvals:open_hearing", args=[s.catalogue.slug]), {"open-note": ""})
        assert response.status_code == 302 and s.reload().state == "hearing"
        with pytest.raises(BlockingIOError):
            silent.accept()  # nobody connected
    assert Email.objects.filter(status=Email.Status.PENDING).count() == 2
