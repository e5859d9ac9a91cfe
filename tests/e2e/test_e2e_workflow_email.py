"""End to end, the workflow's e-mails through the outbox with the real pieces (PostgreSQL, a
Celery worker on Redis, an SMTP server on loopback): each heard LMU member gets the "hearing
opened" e-mail exactly once when the mail server refuses for a while, when the broker is down
as the hearing opens, and when the worker is killed in the middle of sending."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from approvals import services, sweep
from approvals.models import Email
from approvals.tasks import deliver_email
from tests.approval_factories import Setup
from tests.conftest import require, require_service
from tests.e2e import test_e2e_memo
from tests.e2e.services import PrivateRedis, celery_on_broker, machine_redis_broker, wait_for

# The memo's end-to-end fixtures: PostgreSQL, the SMTP sink, workers on demand.
postgres, smtp, make_worker = test_e2e_memo.postgres, test_e2e_memo.smtp, test_e2e_memo.make_worker


@pytest.fixture
def redis_broker(postgres):
    require_service("Redis", "127.0.0.1", 6379)
    with machine_redis_broker("workflow_email") as url:
        yield url


pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WAIT = 60  # seconds, upper bound for anything to arrive
SUBJECT = "Høring åbnet: "


def opened_mails(sink):
    return [m for m in sink.received() if m.subject.startswith(SUBJECT)]


def recipients(setup):
    return {setup.lmu1_user.email, setup.lmu2_user.email}


def assert_exactly_once(sink, setup):
    per_recipient = Counter(addr for m in opened_mails(sink) for addr in m.rcpt_tos)
    assert per_recipient == Counter({e: 1 for e in recipients(setup)}), per_recipient


def all_sent():
    return set(Email.objects.values_list("status", flat=True)) == {Email.Status.SENT}


def test_mail_server_refusing_then_back_delivers_the_workflow_email_exactly_once(redis_broker, smtp, make_worker):
    sink, port = smtp
    sink.refuse = True
    worker = make_worker(redis_broker, port)
    s = Setup()
    services.open_hearing(s.process, actor=s.admin)  # the rows commit with the step, then go to the worker
    wait_for(
        lambda: Email.objects.count() == 2 and all(e.attempts >= 1 and e.last_error for e in Email.objects.all()),
        WAIT,
        message=f"both e-mails tried and refused\n{worker.log()[-3000:]}",
    )
    assert opened_mails(sink) == [] and set(Email.objects.values_list("status", flat=True)) == {"pending"}
    sink.refuse = False  # back; the retries (the row's back-off) deliver
    wait_for(all_sent, WAIT, message=f"e-mails sent after the server came back\n{worker.log()[-3000:]}")
    assert_exactly_once(sink, s)
    assert all(e.attempts >= 2 and e.sent_at for e in Email.objects.all())
    # A sweep and a stray duplicate task find the rows sent and send nothing.
    Email.objects.update(queued_at=timezone.now() - timedelta(minutes=5))
    sweep.sweep()
    done = worker.log().count("succeeded")
    for email_id in Email.objects.values_list("pk", flat=True):
        deliver_email.delay(email_id)
    wait_for(lambda: worker.log().count("succeeded") >= done + 2, WAIT, message="the duplicates ran")
    assert_exactly_once(sink, s)


def test_broker_down_when_the_hearing_opens_then_back_delivers_exactly_once(postgres, smtp, make_worker):
    require(PrivateRedis.available(), "needs the redis-server program to stop and restart a private broker")
    sink, port = smtp
    broker = PrivateRedis()
    broker.start()
    try:
        with celery_on_broker(broker.url):
            make_worker(broker.url, port)
            s = Setup()
            broker.stop()  # down as the step commits: the enqueue fails and is logged, the step stands
            services.open_hearing(s.process, actor=s.admin)
            assert s.reload().state == "hearing"
            assert Email.objects.count() == 2 and not all_sent() and opened_mails(sink) == []

            broker.start()  # back on the same port; the worker reconnects
            Email.objects.update(queued_at=timezone.now() - timedelta(minutes=2))
            sweep.sweep()  # beat: pending rows older than a minute are announced again
            wait_for(all_sent, WAIT, message="e-mails sent after the broker came back")
            sweep.sweep()  # nothing pending any more
            assert_exactly_once(sink, s)
    finally:
        broker.stop()


LEASE = 4  # seconds a worker holds a row it sends (EMAIL_SEND_LEASE_SECONDS; 600 by default)


def lease_over():
    return not Email.objects.filter(status=Email.Status.SENDING, claimed_until__gte=timezone.now()).exists()


def test_worker_killed_mid_send_then_a_new_worker_delivers_exactly_once(redis_broker, smtp, make_worker):
    sink, port = smtp
    sink.hold()  # the server takes the data and does not answer: the worker is mid-send
    worker = make_worker(redis_broker, port, env={"EMAIL_SEND_LEASE_SECONDS": str(LEASE)})
    s = Setup()
    services.open_hearing(s.process, actor=s.admin)
    wait_for(lambda: sink.held >= 2, WAIT, message=f"both sends in progress\n{worker.log()[-3000:]}")
    worker.kill()
    sink.release()  # the server never accepted them (421 to a closed connection)
    assert opened_mails(sink) == []
    # The claims were committed before the server heard of the rows: they are held until the lease is over.
    assert set(Email.objects.values_list("status", "attempts")) == {("sending", 1)}
    Email.objects.update(queued_at=timezone.now() - timedelta(minutes=2))
    assert sweep.sweep()["emails"] == 0  # the lease still runs: nobody takes them

    make_worker(redis_broker, port)
    wait_for(lease_over, 2 * LEASE + 5, message="the dead worker's lease over")
    assert sweep.sweep()["emails"] == 2  # beat finds the rows the dead worker never finished
    wait_for(all_sent, WAIT, message="e-mails sent by the new worker")
    assert_exactly_once(sink, s)


def test_worker_killed_after_the_server_accepted_sends_the_same_message_again(redis_broker, smtp, make_worker):
    """Issue 24's duplicate: the server accepted the e-mail, the worker died before it recorded
    so. The copy sent again after the lease is the same message (the same Message-ID), which
    the receiving server and mail clients can drop; the row ends sent."""
    sink, port = smtp
    sink.hold(accept=True)  # the server has the message for delivery; its "250" waits
    worker = make_worker(redis_broker, port, env={"EMAIL_SEND_LEASE_SECONDS": str(LEASE)})
    s = Setup()
    services.open_hearing(s.process, actor=s.admin)
    wait_for(lambda: sink.held >= 2, WAIT, message=f"both messages accepted\n{worker.log()[-3000:]}")
    worker.kill()  # SIGKILL before the worker heard "250": nothing recorded
    sink.release()
    first = {m.rcpt_tos[0]: m.message["Message-ID"] for m in opened_mails(sink)}
    assert set(first) == recipients(s)
    rows = {row.email: row for row in Email.objects.all()}
    assert {(row.status, row.attempts) for row in rows.values()} == {("sending", 1)}
    assert first == {address: row.message_id for address, row in rows.items()}

    make_worker(redis_broker, port)
    wait_for(lease_over, 2 * LEASE + 5, message="the dead worker's lease over")
    Email.objects.update(queued_at=timezone.now() - timedelta(minutes=2))
    sweep.sweep()
    wait_for(all_sent, WAIT, message="e-mails sent again by the new worker")
    copies = Counter((m.rcpt_tos[0], m.message["Message-ID"]) for m in opened_mails(sink))
    assert copies == Counter({(address, row.message_id): 2 for address, row in rows.items()})
    assert {(row.status, row.attempts) for row in Email.objects.all()} == {("sent", 2)}
