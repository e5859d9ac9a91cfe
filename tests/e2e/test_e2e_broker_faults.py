"""No web request waits on the broker (issue 24, items 1-2), with the real pieces: PostgreSQL, the
web view through Django's test client, a Celery worker on a private Redis, an SMTP server on
loopback. An administrator opens a hearing for 100 LMU members while the broker refuses
connections, or hangs (a server that accepts and never answers): the page answers within a few
seconds, the hearing is open and its 100 e-mails wait in the outbox; once the broker is back the
sweep hands them to the worker and every member gets the e-mail exactly once."""

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import timezone

from approvals import deadlines, services, sweep
from approvals import tasks as approvals_tasks
from approvals.models import CatalogueProcess, Email
from config.celery import enqueue
from tests.approval_factories import make_committee, make_department_admin
from tests.conftest import require
from tests.e2e import test_e2e_memo
from tests.e2e.services import HangingBroker, PrivateRedis, celery_on_broker, wait_for
from tests.factories import make_catalogue, make_department

# The memo's end-to-end fixtures: PostgreSQL, the SMTP sink, workers on demand.
postgres, smtp, make_worker = test_e2e_memo.postgres, test_e2e_memo.smtp, test_e2e_memo.make_worker

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

MEMBERS = 100
# Seconds, generous (a fault test, not a benchmark): the time the request spends on the broker
# (BROKER_ENQUEUE_SECONDS is 0.5), and the whole request, rendering 100 e-mails on a shared
# 2-core machine included (issue 24: 0,6 s per e-mail, gunicorn's 60 s timeout hit at 100).
ON_THE_BROKER = 2.0
WHOLE_REQUEST = 20.0
WAIT = 120  # seconds, upper bound for the 100 e-mails to arrive


def hearing_for_100_members():
    """A draft catalogue configured for a hearing of 100 LMUs, one member each."""
    department = make_department()
    catalogue = make_catalogue(department=department, proposals=3)
    admin = make_department_admin(department)
    password = make_password("x")
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"medlem{n:03d}", email=f"medlem{n:03d}@hoering.example", password=password)
        for n in range(MEMBERS)
    )
    lmus = [make_committee(department, name=f"LMU {n:03d}", members=[user]) for n, user in enumerate(users)]
    today = deadlines.local_today()
    services.configure_hearing(
        catalogue.process,
        actor=admin,
        committees=lmus,
        hearing_deadline=today + timedelta(days=14),
        hmu_meeting=today + timedelta(days=16),
        signoff_meeting=today + timedelta(days=18),
    )
    return catalogue, admin, {user.email for user in users}


def opened_mails(sink):
    return [m for m in sink.received() if m.subject.startswith("Høring åbnet: ")]


@pytest.mark.parametrize("fault", ["refusing", "hanging"])
def test_a_hearing_for_100_opens_at_once_with_the_broker_down_and_every_email_goes_out_once(
    fault, postgres, smtp, make_worker, client, monkeypatch
):
    require(PrivateRedis.available(), "needs the redis-server program for a broker that comes back")
    publishes = []  # (tasks queued, seconds) of each real publish the request makes

    def timed(task, calls, **kwargs):
        started = time.monotonic()
        queued = enqueue(task, calls, **kwargs)
        publishes.append((queued, time.monotonic() - started))
        return queued

    monkeypatch.setattr(approvals_tasks, "enqueue", timed)
    sink, port = smtp
    broker = PrivateRedis()  # not started: its port refuses connections
    hanging = HangingBroker(port=broker.port).start() if fault == "hanging" else None
    try:
        with celery_on_broker(broker.url):
            catalogue, admin, members = hearing_for_100_members()
            client.force_login(admin)
            started = time.monotonic()
            response = client.post(reverse("approvals:open_hearing", args=[catalogue.slug]), {"open-note": ""})
            took = time.monotonic() - started
            assert response.status_code == 302
            [(queued, on_the_broker)] = publishes
            print(
                f"open hearing for {MEMBERS}, broker {fault}: {took:.2f} s, {on_the_broker:.2f} s of it on the broker"
            )  # noqa: T201
            assert queued == 0 and on_the_broker < ON_THE_BROKER, f"{on_the_broker:.1f} s on the broker ({fault})"
            assert took < WHOLE_REQUEST, f"the request took {took:.1f} s with the broker {fault}"
            assert CatalogueProcess.objects.get(catalogue=catalogue).state == "hearing"
            assert Email.objects.count() == MEMBERS
            assert set(Email.objects.values_list("status", flat=True)) == {"pending"}
            if hanging is not None:
                assert hanging.accepted >= 1  # the request did reach the hanging broker
                hanging.stop()

            broker.start()  # back, on the same port
            worker = make_worker(broker.url, port)
            Email.objects.update(queued_at=timezone.now() - timedelta(minutes=2))
            assert sweep.sweep()["emails"] == MEMBERS  # beat: what was never queued is queued now
            wait_for(
                lambda: not Email.objects.exclude(status="sent").exists(),
                WAIT,
                message=f"{MEMBERS} e-mails sent\n{worker.log()[-3000:]}",
            )
            assert sweep.sweep()["emails"] == 0
            time.sleep(1)  # give a duplicate the chance to (wrongly) arrive
    finally:
        if hanging is not None:
            hanging.stop()
        broker.stop()
    mails = opened_mails(sink)
    assert Counter(m.rcpt_tos[0] for m in mails) == Counter({address: 1 for address in members})
    assert {m.message["Message-ID"] for m in mails} == set(Email.objects.values_list("message_id", flat=True))
