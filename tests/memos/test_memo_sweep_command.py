"""manage.py memo_sweep: the beat sweep from the command line (embedded set-up without beat)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from approvals.models import Memo, NextMemo
from proposals.models import ProposalYear
from tests.memo_factories import make_signed_off_catalogue, memo_emails

pytestmark = pytest.mark.django_db


def test_sweep_command_issues_due_memo_and_reports_it(django_capture_on_commit_callbacks):
    process = make_signed_off_catalogue()
    ProposalYear.objects.filter(proposal__catalogue=process.catalogue, year=2024).update(net_amount=-900)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("memo_sweep", stdout=out)
    memo = Memo.objects.get()
    assert f"Notat nr. 1 om »{process.catalogue.title}« udsendt (3 ændringer, 4 modtagere)." in out.getvalue()
    assert len(mail.outbox) == 4 and memo_emails(memo).filter(status="sent").count() == 4


def test_sweep_command_waits_for_the_quiet_period(settings):
    settings.MEMO_QUIET_PERIOD_SECONDS = 600
    process = make_signed_off_catalogue()
    ProposalYear.objects.filter(proposal__catalogue=process.catalogue, year=2024).update(net_amount=-900)
    call_command("memo_sweep", stdout=StringIO())
    assert not Memo.objects.exists()
    assert timezone.now() - NextMemo.objects.get(process=process).changes_seen_at < timedelta(minutes=1)
