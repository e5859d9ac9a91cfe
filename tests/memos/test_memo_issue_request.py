"""The admin's "Udsend notat nu" never issues inside the web request: the request is recorded, and the
worker's check (or, without a broker, the sweep beside the web server) issues it at once,
without waiting for the quiet period."""

import socket

import pytest
from django.urls import reverse

from approvals import sweep
from approvals.memos import issuing, tasks
from approvals.models import NextMemo
from config.celery import app
from proposals.models import Proposal, ProposalYear
from tests.e2e.services import celery_on_broker
from tests.memo_factories import make_memo_with_one_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed(settings):
    settings.MEMO_QUIET_PERIOD_SECONDS = 3600  # the request does not wait for it
    memo = make_memo_with_one_change()
    proposal = Proposal.objects.filter(catalogue=memo.process.catalogue).order_by("position").first()
    ProposalYear.objects.filter(proposal=proposal, year=2026).update(net_amount=-2100)
    return memo.process


def test_the_request_issues_nothing_in_process_and_the_sweep_issues_it(
    admin_client, changed, django_capture_on_commit_callbacks
):
    url = reverse("admin:approvals_memo_issue", args=[changed.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"explanation": "Efter aftale med rådmanden.", "issue": "1"})
    assert response.status_code == 302
    assert changed.memos.count() == 1  # not issued by the request, nor by its on-commit hook
    state = NextMemo.objects.get(process=changed)
    assert state.issue_requested_at is not None and state.issue_requested_by.username == "admin"

    [memo] = sweep.sweep()["memos"]
    assert (memo.number, memo.explanation, memo.issued_by.username) == (2, "Efter aftale med rådmanden.", "admin")
    assert NextMemo.objects.get(process=changed).issue_requested_at is None


def test_without_a_request_the_sweep_waits_for_the_quiet_period(changed):
    assert sweep.sweep()["memos"] == []
    assert changed.memos.count() == 1


def test_a_request_with_nothing_to_tell_lapses(changed, admin_user):
    issuing.request_issue(changed, actor=admin_user, explanation="")
    assert issuing.issue_memo(changed).number == 2  # told meanwhile (e.g. the command line)
    issuing.request_issue(changed, actor=admin_user, explanation="")
    assert issuing.check_catalogue(changed.catalogue_id) is None
    assert NextMemo.objects.get(process=changed).issue_requested_at is None


def test_with_a_broker_the_worker_is_asked_and_a_broker_that_is_down_leaves_it_to_the_sweep(changed, admin_user):
    issuing.request_issue(changed, actor=admin_user, explanation="")
    assert app.conf.task_always_eager
    assert tasks.enqueue_issue(changed.catalogue_id) is False  # eager: it would run in the request
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    fail_fast = {"broker_transport_options": {"max_retries": 0}, "broker_connection_retry": False}
    saved = {key: app.conf[key] for key in (*fail_fast, "task_publish_retry")}
    app.conf.update(fail_fast, task_publish_retry=False)
    try:
        with celery_on_broker(f"redis://127.0.0.1:{closed}/0"):
            assert tasks.enqueue_issue(changed.catalogue_id) is False  # logged, not raised
    finally:
        app.conf.update(saved)
    assert changed.memos.count() == 1
    assert [m.number for m in sweep.sweep()["memos"]] == [2]
