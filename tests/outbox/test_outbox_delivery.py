"""The outbox's sending engine, exactly once as far as SMTP allows: every row has its own
Message-ID from when it is written, sent on every attempt; a row is claimed ("sending", with a
lease) before the mail server hears of it; nobody else sends it while the lease runs; a row
left "sending" by a worker that died is sent again (same Message-ID) once the lease is over."""

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, connections
from django.utils import timezone

from approvals import services
from approvals.outbox import delivery as outbox
from approvals.outbox import sweep as outbox_sweep
from approvals.outbox.models import Email
from tests.approval_factories import Setup

pytestmark = pytest.mark.django_db

SEEN = []  # (status, claimed_until) of the row as the mail server is talked to


class PeekingBackend(LocmemBackend):
    """The test outbox, noting the row's state in the database while it sends."""

    def send_messages(self, messages):
        for message in messages:
            row = Email.objects.get(message_id=message.extra_headers["Message-ID"])
            SEEN.append((row.status, row.claimed_until, row.attempts))
        return super().send_messages(messages)


class SlowBackend(LocmemBackend):
    def send_messages(self, messages):
        time.sleep(0.5)
        return super().send_messages(messages)


@pytest.fixture
def rows():
    s = Setup()
    services.open_hearing(s.process, actor=s.admin)
    return list(Email.objects.order_by("pk"))


def test_every_row_has_its_own_message_id_of_the_sites_domain_from_when_it_is_written(rows, settings):
    assert len(rows) == 2
    ids = [row.message_id for row in rows]
    assert len(set(ids)) == 2
    host = settings.SITE_URL.split("://", 1)[1].split(":")[0].split("/")[0]
    assert all(m.startswith("<") and m.endswith(f"@{host}>") for m in ids)


def test_the_claim_is_made_before_sending_and_every_attempt_sends_the_same_message_id(rows, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    row = rows[0]
    with pytest.raises(outbox.DeliveryFailed):
        outbox.deliver(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.claimed_until) == ("pending", 1, None)
    Email.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))

    settings.EMAIL_BACKEND = "tests.outbox.test_outbox_delivery.PeekingBackend"
    settings.EMAIL_SEND_LEASE_SECONDS = 600
    SEEN.clear()
    before = timezone.now()
    assert outbox.deliver(row.pk) == "sent"
    [(status, claimed_until, attempts)] = SEEN
    assert status == "sending" and attempts == 2
    assert before + timedelta(seconds=599) < claimed_until < timezone.now() + timedelta(seconds=601)
    [message] = mail.outbox
    assert message.message()["Message-ID"] == row.message_id
    row.refresh_from_db()
    assert (row.status, row.claimed_until, row.message_id) == ("sent", None, message.message()["Message-ID"])


def test_a_row_held_by_a_worker_is_not_sent_again_until_its_lease_is_over(rows):
    row = rows[0]
    held = timezone.now() + timedelta(minutes=5)
    Email.objects.filter(pk=row.pk).update(status="sending", attempts=1, claimed_until=held)
    assert outbox.deliver(row.pk) == "sending"  # a duplicate task: left alone
    assert outbox_sweep.sweep() == 1  # the sweep sends the other row only
    assert [m.to for m in mail.outbox] == [[rows[1].email]]

    # The worker died: once its lease is over the sweep sends the row, with the same Message-ID.
    Email.objects.filter(pk=row.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert outbox_sweep.sweep() == 1
    assert mail.outbox[-1].to == [row.email]
    assert mail.outbox[-1].message()["Message-ID"] == row.message_id
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)


class OvertakenBackend(LocmemBackend):
    def send_messages(self, messages):
        # Meanwhile this worker's lease ran out and another worker claimed the row.
        Email.objects.filter(message_id=messages[0].extra_headers["Message-ID"]).update(
            attempts=2, claimed_until=timezone.now() + timedelta(minutes=9)
        )
        return super().send_messages(messages)


def test_a_worker_whose_lease_ran_out_does_not_overwrite_the_next_claim(rows, settings):
    row = rows[0]
    settings.EMAIL_BACKEND = f"{__name__}.OvertakenBackend"
    outbox.deliver(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sending", 2)  # the other worker's claim stands


def test_resend_leaves_a_row_being_sent_alone(rows):
    Email.objects.filter(pk=rows[0].pk).update(status="sending", claimed_until=timezone.now() + timedelta(minutes=5))
    Email.objects.filter(pk=rows[1].pk).update(status="failed", attempts=16)
    assert outbox.resend(Email.objects.all()) == 1
    assert dict(Email.objects.values_list("pk", "status")) == {rows[0].pk: "sending", rows[1].pk: "pending"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (concurrent connections)")
def test_two_workers_at_once_send_a_row_once(settings):
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    s = Setup()
    services.open_hearing(s.process, actor=s.admin)
    row = Email.objects.order_by("pk").first()
    barrier = threading.Barrier(4)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(outbox.deliver(row.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 4 and "sent" in results  # the others found it claimed (or, late, sent)
    assert [m.to for m in mail.outbox] == [[row.email]]
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)
