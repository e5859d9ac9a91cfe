"""End to end with the real pieces: PostgreSQL, a Celery worker process on a Redis broker, and
an SMTP server on loopback. A change to a signed-off catalogue becomes one memo, e-mailed to
each recipient exactly once, also when the mail server or the broker is down for a while."""

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from approvals import sweep
from approvals.memos import issuing
from approvals.models import Email, Memo
from approvals.tasks import enqueue_rows
from proposals.models import Catalogue, Department, Proposal, ProposalYear
from tests.approval_factories import Setup
from tests.conftest import require, require_service
from tests.e2e.services import (
    PrivateRedis,
    Worker,
    celery_on_broker,
    database_url,
    machine_redis_broker,
    smtp_server,
    wait_for,
)
from tests.memo_factories import make_agreement, make_signed_off_catalogue, memo_emails

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

RECIPIENTS = {"anna@parti-a.example", "bo@parti-v.example", "direktor@aarhus.example", "KRMI@aarhus.example"}
WAIT = 60  # seconds, upper bound for anything to arrive


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (the worker process shares the test database)")


@pytest.fixture
def redis_broker(postgres):
    require_service("Redis", "127.0.0.1", 6379)
    with machine_redis_broker("memo") as url:
        yield url


@pytest.fixture
def smtp():
    with smtp_server() as (sink, port):
        yield sink, port


@pytest.fixture
def make_worker(transactional_db, tmp_path):
    """Start workers on demand; always stopped at the end (before the database is flushed)."""
    started = []

    def start(broker_url, smtp_port, wait_ready=True, env=None):
        worker = Worker(
            broker_url=broker_url,
            database_url=database_url(connection.settings_dict),
            smtp_port=smtp_port,
            log_path=tmp_path / f"worker-{len(started)}.log",
            env=env,
        )
        started.append(worker)
        worker.start(wait_ready=wait_ready)
        return worker

    yield start
    for worker in started:
        worker.stop()


def first_two(process):
    return list(Proposal.objects.filter(catalogue=process.catalogue).order_by("position")[:2])


def change_two_proposals(process):
    """One admin session: proposal 1 saves 200 more in 2024 and 2025, proposal 2 gets a new title."""
    first, second = first_two(process)
    with transaction.atomic():
        for row in ProposalYear.objects.filter(proposal=first, year__in=[2024, 2025]):
            row.net_amount = -1300
            row.save()
        second.title = "Samling af administration"
        second.save()


def memo_mails(sink):
    # The workflow's own notifications (e.g. "signed off") may arrive too; memos are "Notat nr. …".
    return [m for m in sink.received() if m.subject.startswith("Notat nr.")]


def delivered(sink, count):
    return lambda: len(memo_mails(sink)) >= count


def assert_exactly_once(sink):
    per_recipient = Counter(addr.lower() for m in memo_mails(sink) for addr in m.rcpt_tos)
    assert per_recipient == Counter({e.lower(): 1 for e in RECIPIENTS}), per_recipient


def test_change_after_sign_off_is_mailed_by_the_worker(redis_broker, smtp, make_worker):
    sink, port = smtp
    worker = make_worker(redis_broker, port)
    # Signed off through the real workflow (hearing, HMU review, sign-off), not a shortcut.
    setup = Setup(
        proposals=3,
        amount=-1100,
        sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE,
        agreement=make_agreement(),
        title="Omprioriteringer til Velfærdspuljen",
    )
    Department.objects.filter(pk=setup.department.pk).update(
        manager_emails="direktor@aarhus.example\nKRMI@aarhus.example"
    )
    process = setup.to_signed_off().reload()
    assert process.signoffs.get().snapshot is not None

    # The saves' signal enqueues a check on commit; the worker compares states, issues the memo
    # (quiet period 0) and sends it.
    change_two_proposals(process)
    wait_for(delivered(sink, len(RECIPIENTS)), WAIT, message=f"4 e-mails\n{worker.log()[-3000:]}")

    memo = Memo.objects.get()
    assert memo.number == 1
    assert sorted((c["kind"], c["code"]) for c in memo.changes) == [("field", "2"), ("net", "1"), ("net", "1")]
    assert_exactly_once(sink)
    for message in memo_mails(sink):
        assert message.subject == "Notat nr. 1: Ændringer i Omprioriteringer til Velfærdspuljen efter godkendelse"
        assert message.message["To"] in {r for r in RECIPIENTS}
        assert "Nettoændring, efter: 2024: 1.300, 2025: 1.300, 2026: 1.100, 2027: 1.100" in message.text_body()
        text = message.pdf_text()
        for expected in ("Side 1 af", "1.300", "+200", "Samling af administration", "3. Samlet effekt", "3.500"):
            assert expected in text, expected
    wait_for(
        lambda: set(memo_emails(memo).values_list("status", flat=True)) == {Email.Status.SENT},
        10,
        message="deliveries marked sent",
    )
    assert all(d.sent_at and d.attempts == 1 for d in memo_emails(memo))
    # Each copy carries its row's Message-ID.
    assert {m.message["Message-ID"] for m in memo_mails(sink)} == set(
        memo_emails(memo).values_list("message_id", flat=True)
    )
    assert len(memo_mails(sink)) == len(RECIPIENTS)


def test_mail_server_refusing_then_back_delivers_exactly_once(redis_broker, smtp, make_worker):
    sink, port = smtp
    sink.refuse = True
    worker = make_worker(redis_broker, port)
    process = make_signed_off_catalogue(proposals=3, amount=-1100)
    first, _second = first_two(process)
    ProposalYear.objects.filter(proposal=first).update(net_amount=-1250)  # bulk: no signal
    memo = issuing.issue_memo(process)  # the administrator's "Udsend notat nu"; enqueued on commit

    wait_for(
        lambda: all(d.attempts >= 1 and d.last_error for d in memo_emails(memo)),
        WAIT,
        message=f"every delivery tried and refused\n{worker.log()[-4000:]}",
    )
    assert memo_mails(sink) == [] and sink.refused >= len(RECIPIENTS)
    assert set(memo_emails(memo).values_list("status", flat=True)) == {Email.Status.PENDING}

    sink.refuse = False  # the mail server is back; the retries (back-off) deliver
    wait_for(delivered(sink, len(RECIPIENTS)), WAIT, message="4 e-mails after the server came back")
    # A sweep (beat) re-enqueues what looks stale; duplicates of the tasks must not send again.
    memo_emails(memo).update(queued_at=timezone.now() - timedelta(minutes=5))
    sweep.sweep()
    wait_for(
        lambda: set(memo_emails(memo).values_list("status", flat=True)) == {Email.Status.SENT},
        WAIT,
        message="deliveries marked sent",
    )
    # Refused first, sent by a retry.
    assert all(d.attempts >= 2 and d.sent_at for d in memo_emails(memo))
    enqueue_rows(Email, ids=list(memo_emails(memo).values_list("pk", flat=True)))  # a stray duplicate
    time.sleep(3)  # give any duplicate the chance to (wrongly) send
    assert_exactly_once(sink)
    assert len(memo_mails(sink)) == len(RECIPIENTS)


def test_broker_down_when_memo_is_issued_then_back_delivers_exactly_once(postgres, smtp, make_worker):
    require(PrivateRedis.available(), "needs the redis-server program to stop and restart a private broker")
    sink, port = smtp
    broker = PrivateRedis()
    broker.start()
    try:
        with celery_on_broker(broker.url):
            make_worker(broker.url, port)
            process = make_signed_off_catalogue(proposals=3, amount=-1100)
            first, _second = first_two(process)
            ProposalYear.objects.filter(proposal=first, year=2026).update(net_amount=-1400)

            broker.stop()  # the broker goes down while the memo is due
            memo = issuing.issue_memo(process)  # committed; the on_commit enqueue fails and is logged
            assert memo.deliveries.count() == len(RECIPIENTS)
            assert set(memo_emails(memo).values_list("status", flat=True)) == {Email.Status.PENDING}
            assert memo_mails(sink) == []

            broker.start()  # back on the same port; the worker reconnects
            memo_emails(memo).update(queued_at=timezone.now() - timedelta(minutes=2))
            sweep.sweep()  # what beat runs every minute: pending rows older than a minute are re-enqueued
            wait_for(delivered(sink, len(RECIPIENTS)), WAIT, message="4 e-mails after the broker came back")
            sweep.sweep()  # another round finds nothing pending, or only duplicates that must not send
            wait_for(
                lambda: set(memo_emails(memo).values_list("status", flat=True)) == {Email.Status.SENT},
                WAIT,
                message="deliveries marked sent",
            )
            time.sleep(2)
            assert_exactly_once(sink)
            assert "1.400" in memo_mails(sink)[0].pdf_text()
    finally:
        broker.stop()
