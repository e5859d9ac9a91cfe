"""Sending a memo: the e-mail, at most once per recipient, failures, retries and the sweep."""

import socket
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.utils import timezone

from approvals import sweep
from approvals.models import Email
from approvals.outbox import delivery as outbox
from approvals.outbox import sweep as outbox_sweep
from approvals.tasks import deliver_email, enqueue_rows
from approvals.tasks import sweep as sweep_task
from config.celery import app
from tests.memo_factories import make_memo_with_one_change, memo_emails

pytestmark = pytest.mark.django_db


@pytest.fixture
def memo():
    return make_memo_with_one_change()


def queued_tasks():
    """[(task name, args)] waiting in the broker's default queue, taken off it."""
    found = []
    with app.connection_for_read() as connection:
        queue = connection.SimpleQueue("celery", no_ack=True)
        while True:
            try:
                message = queue.get(block=False)
            except queue.Empty:
                return found
            found.append((message.headers["task"], list(message.payload[0])))


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_deliver_sends_html_text_and_pdf_and_marks_sent(memo):
    delivery = memo_emails(memo).get(email="anna@parti-a.example")
    assert outbox.deliver(delivery.pk) == Email.Status.SENT
    [message] = mail.outbox
    assert message.to == ["anna@parti-a.example"]
    assert message.subject == "Notat nr. 1: Ændringer i Omprioriteringer til Velfærdspuljen efter godkendelse"
    assert message.reply_to == ["krmi@aarhus.example"]
    # MSO writes savings positive: the 1.500 saving is shown as 1.500, the change as +500.
    assert "Nettoændring, efter: 2024: 1.500, 2025: 1.000" in message.body
    assert "Ændring: 2024: +500" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and "1.500" in html
    [(filename, content, pdf_type)] = message.attachments
    assert filename == f"notat-{memo.snapshot['catalogue']['slug']}-1.pdf"
    assert pdf_type == "application/pdf" and content == bytes(memo.pdf)
    assert message.extra_headers["Message-ID"] == delivery.message_id
    delivery.refresh_from_db()
    assert delivery.status == Email.Status.SENT and delivery.sent_at and delivery.attempts == 1


def test_a_delivery_is_never_sent_twice(memo):
    delivery = memo_emails(memo).first()
    outbox.deliver(delivery.pk)
    assert outbox.deliver(delivery.pk) == Email.Status.SENT
    deliver_email.delay(delivery.pk)  # a duplicate task (retry, sweep) finds it sent
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def refusing_mail_server(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2


def make_due(delivery):
    Email.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_smtp_failure_is_recorded_and_retried_then_marked_failed(memo, settings):
    refusing_mail_server(settings)
    settings.EMAIL_MAX_ATTEMPTS = 3
    delivery = memo_emails(memo).first()
    before = timezone.now()
    with pytest.raises(outbox.DeliveryFailed) as failed:
        outbox.deliver(delivery.pk)
    assert failed.value.retry_in == 5
    delivery.refresh_from_db()
    assert delivery.status == Email.Status.PENDING and delivery.claimed_until is None
    assert delivery.attempts == 1 and "ConnectionRefusedError" in delivery.last_error
    assert before + timedelta(seconds=5) <= delivery.next_attempt_at <= timezone.now() + timedelta(seconds=5)
    # Each retry of the task is another attempt, once the back-off has passed; after the last
    # one the row is marked failed.
    make_due(delivery)
    with pytest.raises(outbox.DeliveryFailed) as failed:
        outbox.deliver(delivery.pk)
    assert failed.value.retry_in == 10
    make_due(delivery)
    assert outbox.deliver(delivery.pk) == Email.Status.FAILED
    delivery.refresh_from_db()
    assert delivery.status == Email.Status.FAILED and delivery.attempts == 3
    assert delivery.next_attempt_at is None
    # A failed delivery can be sent again by an administrator once the server is back.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.resend(Email.objects.filter(pk=delivery.pk)) == 1
    delivery.refresh_from_db()
    assert delivery.status == Email.Status.PENDING and delivery.attempts == 0


def test_back_off_doubles_from_five_seconds_to_at_most_an_hour():
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 10, 11, 16)] == [
        5,
        10,
        20,
        40,
        2560,
        3600,
        3600,
    ]


def test_a_task_during_the_back_off_does_not_use_up_an_attempt(memo, settings):
    refusing_mail_server(settings)
    delivery = memo_emails(memo).first()
    with pytest.raises(Retry) as retry:  # the task fails and asks to run again after the back-off
        deliver_email.delay(delivery.pk)
    assert retry.value.when == 5
    assert deliver_email.delay(delivery.pk).get() == Email.Status.PENDING  # a stray duplicate
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.next_attempt_at > timezone.now()


def test_sweep_leaves_rows_in_their_back_off_alone_and_requeues_overdue_ones(memo):
    memo_emails(memo).update(queued_at=timezone.now() - timedelta(minutes=30))
    waiting, overdue = memo_emails(memo).all()[:2]
    memo_emails(memo).exclude(pk=overdue.pk).update(attempts=3, next_attempt_at=timezone.now() + timedelta(seconds=40))
    Email.objects.filter(pk=overdue.pk).update(attempts=3, next_attempt_at=timezone.now() - timedelta(minutes=2))
    assert sweep.sweep()["emails"] == 1
    assert [m.to for m in mail.outbox] == [[overdue.email]]
    waiting.refresh_from_db()
    assert waiting.status == Email.Status.PENDING and waiting.attempts == 3


def test_resend_queues_failed_and_pending_and_skips_sent(memo, django_capture_on_commit_callbacks):
    sent = memo_emails(memo).first()
    outbox.deliver(sent.pk)
    with django_capture_on_commit_callbacks(execute=True):
        count = outbox.resend(memo_emails(memo))
    assert count == 3
    assert len(mail.outbox) == 1  # without a broker the request only queues them ...
    sweep.sweep()  # ... and the sweep beside the web server sends them
    assert len(mail.outbox) == 4
    assert set(memo_emails(memo).values_list("status", flat=True)) == {Email.Status.SENT}


def test_without_a_broker_the_sweep_sends_pending_deliveries_at_once(memo):
    sweep_task.delay()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(memo_emails(memo).values_list("email", flat=True))
    assert sweep.sweep()["emails"] == 0  # all sent now
    assert len(mail.outbox) == 4


def test_with_a_broker_the_sweep_requeues_pending_deliveries_older_than_a_minute(memo, monkeypatch):
    # The broker was down when the memo committed: the rows are pending and nobody sends them.
    # The broker now: kombu's in-memory transport (this process's own queue).
    monkeypatch.setitem(app.conf, "broker_url", "memory://")
    app.conf.task_always_eager = False
    try:
        assert outbox_sweep.sweep() == 0  # too fresh: the on_commit enqueue may still be on its way
        memo_emails(memo).update(queued_at=timezone.now() - timedelta(minutes=2))
        assert outbox_sweep.sweep() == 4
        queued = queued_tasks()
    finally:
        app.conf.task_always_eager = True
    assert sorted(args for name, args in queued if name == deliver_email.name) == sorted(
        [pk] for pk in memo_emails(memo).values_list("pk", flat=True)
    )
    assert mail.outbox == []


def test_enqueue_survives_a_broker_that_is_down(memo, settings):
    eager = app.conf.task_always_eager
    broker = app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{closed_port()}/0"
    app.conf.broker_connection_retry = False
    app.conf.broker_transport_options = {"max_retries": 0}
    app.conf.task_publish_retry = False
    app._pool = None
    try:
        enqueue_rows(Email, ids=list(memo_emails(memo).values_list("pk", flat=True)))  # logs, does not raise
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, broker
        app._pool = None
    assert set(memo_emails(memo).values_list("status", flat=True)) == {Email.Status.PENDING}
    assert len(mail.outbox) == 0


def test_a_memos_context_is_built_once_for_all_its_recipients(memo, monkeypatch):
    """Each recipient's e-mail has its own link and name, but the memo's document and
    sections are built once (issue 26), not once per e-mail."""
    from approvals.memos import delivery as memo_delivery
    from approvals.memos import links

    built = []
    original = memo_delivery.memo_context
    monkeypatch.setattr(memo_delivery, "memo_context", lambda m: built.append(m.pk) or original(m))
    rows = list(memo_emails(memo).order_by("pk"))
    assert len(rows) >= 3
    for row in rows:
        assert outbox.deliver(row.pk) == Email.Status.SENT
    assert built == [memo.pk]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in rows)
    # Each e-mail still carries its own recipient's signed link.
    for message, row in zip(mail.outbox, rows, strict=True):
        token = message.body.split("/laes/")[1].split("/")[0]
        assert links.delivery_for(token).pk == row.memo_delivery.pk


def test_a_memo_row_saved_again_is_built_anew(memo, monkeypatch):
    from approvals.memos import delivery as memo_delivery

    first, second = memo_emails(memo).order_by("pk")[:2]
    outbox.deliver(first.pk)
    memo.explanation = "Rettet forklaring."
    memo.save()
    outbox.deliver(second.pk)
    assert "Rettet forklaring." in mail.outbox[-1].body
    assert "Rettet forklaring." not in mail.outbox[0].body
    assert memo_delivery.memo_email_context(memo.pk)["memo"].explanation == "Rettet forklaring."
