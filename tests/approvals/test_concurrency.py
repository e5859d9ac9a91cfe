"""Two people pressing the same button at once move the catalogue once (PostgreSQL row lock)."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from django.utils.formats import date_format

from approvals import services
from approvals.models import CatalogueProcess, SignOff, Transition
from tests.approval_factories import Setup, make_department_admin

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no SELECT ... FOR UPDATE row locks (run with DATABASE_URL=postgres://...)",
    ),
]


def race(n, call):
    """Run ``call(i)`` in n threads released together; returns (results, errors)."""
    barrier = threading.Barrier(n)
    results, errors = [], []

    def worker(i):
        try:
            barrier.wait()
            results.append(call(i))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results, errors


def test_two_users_open_the_hearing_at_once():
    s = Setup()
    other_admin = make_department_admin(s.department)  # both may: the lock decides who opens it
    admins = [s.admin, other_admin]
    results, errors = race(
        2, lambda i: services.open_hearing(CatalogueProcess.objects.get(pk=s.process.pk), actor=admins[i])
    )
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], services.TransitionNotAllowed)
    [step] = Transition.objects.filter(process=s.process)
    assert CatalogueProcess.objects.get(pk=s.process.pk).state == "hearing"
    # The loser is told who took the step, not "from »LMU-høring« to »LMU-høring«".
    winner = step.actor
    assert str(errors[0]) == (
        f"Kataloget er allerede gået videre til »LMU-høring«: {winner.get_full_name() or winner.username} "
        f"tog det skridt {date_format(timezone.localtime(step.at), 'DATETIME_FORMAT')}."
    )


def test_many_signers_at_once_make_one_approval():
    s = Setup().to_awaiting_signoff()
    signers = [s.signoff_user] + [
        type(s.admin).objects.create_user(f"raad{i}", f"r{i}@example.dk", "x") for i in range(3)
    ]
    for user in signers[1:]:
        s.signoff.memberships.create(user=user)
    results, errors = race(
        4,
        lambda i: services.sign_off(
            CatalogueProcess.objects.get(pk=s.process.pk), actor=signers[i], approved_before_meeting=True
        ),
    )
    assert len(results) == 1 and len(errors) == 3
    assert all(isinstance(e, services.TransitionNotAllowed) for e in errors)
    assert SignOff.objects.filter(process=s.process).count() == 1
    assert Transition.objects.filter(process=s.process, to_state="signed_off").count() == 1


def test_the_co_member_who_submits_second_keeps_what_they_typed():
    """Two members of one LMU press "Indsend" at once: one submits, the other is refused under the
    lock, and their page shows the text they typed to copy ("Det, du skrev, er ikke gemt")."""
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    s = Setup().to_hearing()
    co_member = type(s.admin).objects.create_user("kollega", "k@example.dk", "x")
    s.lmu1.memberships.create(user=co_member)
    url = reverse("approvals:response", args=[s.catalogue.slug, s.lmu1.pk])

    def post(user, text):
        client = Client()
        client.force_login(user)
        data = {"general_comment": text, "action": "submit", "confirm_submit": "on"}
        for p in s.proposals:
            data[f"stance_{p.pk}"], data[f"comment_{p.pk}"] = "support", ""
        return client.post(url, data)

    # Both pages pass the view's own check while the process row is held, then meet at the lock.
    holder = threading.Event()
    release = threading.Event()

    def hold_the_lock():
        with transaction.atomic():
            CatalogueProcess.objects.select_for_update().get(pk=s.process.pk)
            holder.set()
            release.wait(10)
        connections.close_all()

    lock = threading.Thread(target=hold_the_lock)
    lock.start()
    holder.wait(10)
    results = []
    posts = [
        threading.Thread(target=lambda u=u, t=t: (results.append(post(u, t)), connections.close_all()))
        for u, t in ((s.lmu1_user, "Først: vi støtter alt"), (co_member, "Anden: vores egen tekst"))
    ]
    for thread in posts:
        thread.start()
    threading.Event().wait(1.5)  # both requests are now waiting for the lock
    release.set()
    for thread in (*posts, lock):
        thread.join(30)
    assert len(results) == 2
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 302], statuses
    [loser] = [r for r in results if r.status_code == 200]
    html = loser.content.decode()
    assert "Det, du skrev, er ikke gemt" in html and ("vores egen tekst" in html or "vi støtter alt" in html)
