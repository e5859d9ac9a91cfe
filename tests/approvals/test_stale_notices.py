"""An LMU is told by e-mail when proposals change after it gave its stance: once per burst of
changes (the memo's quiet period), through the outbox, and only while it can still confirm."""

import datetime

import pytest
from django.utils import timezone

from approvals import hearing, stale_notices
from approvals.models import CatalogueProcess, StaleStances
from approvals.outbox.models import Email
from approvals.sweep import sweep
from proposals.models import ProposalYear
from tests.approval_factories import Setup

pytestmark = pytest.mark.django_db
QUIET = datetime.timedelta(seconds=600)


@pytest.fixture(autouse=True)
def quiet_period(settings):
    settings.MEMO_QUIET_PERIOD_SECONDS = 600


def submitted():
    s = Setup(title="Besparelser").to_hearing()
    s.submit(s.lmu1, s.lmu1_user)
    s.submit(s.lmu2, s.lmu2_user)
    return s


def change(proposal, amount):
    ProposalYear.objects.filter(proposal=proposal, year=2025).update(net_amount=amount)


def told(user):
    return list(Email.objects.filter(kind=Email.Kind.STALE_STANCES, user=user))


def test_a_burst_of_changes_is_one_email_after_the_quiet_period_to_each_lmu():
    s = submitted()
    start = timezone.now()
    change(s.proposals[0], -2500)
    stale_notices.check_hearings(now=start)
    assert StaleStances.objects.get(committee=s.lmu1).count == 1
    assert told(s.lmu1_user) == []  # not yet: more changes may follow

    change(s.proposals[0], -3000)  # the burst goes on: the clock starts again
    change(s.proposals[1], -700)
    stale_notices.check_hearings(now=start + QUIET - datetime.timedelta(seconds=1))
    stale_notices.check_hearings(now=start + QUIET + datetime.timedelta(seconds=1))
    assert told(s.lmu1_user) == []

    stale_notices.check_hearings(now=start + 2 * QUIET)
    stale_notices.check_hearings(now=start + 3 * QUIET)  # a later look tells nobody again
    [mail] = told(s.lmu1_user)
    assert len(told(s.lmu2_user)) == 1
    assert mail.subject == "Forslag ændret siden jeres høringssvar: Besparelser"
    assert f"/hoeringssvar/{s.lmu1.pk}/" in mail.body
    for proposal in s.proposals[:2]:
        assert f"{proposal.code} {proposal.title}" in mail.body
    assert f"{s.proposals[2].code} {s.proposals[2].title}" not in mail.body
    assert "Bekræft eller ret holdningerne" in mail.html


def test_confirming_clears_the_flag_and_a_later_change_is_told_again():
    s = submitted()
    first = s.proposals[0]
    change(first, -2500)
    start = timezone.now()
    stale_notices.check_hearings(now=start)
    stale_notices.check_hearings(now=start + QUIET)
    assert len(told(s.lmu1_user)) == 1

    hearing.revise_stale_stance(s.process, s.lmu1, first.pk, actor=s.lmu1_user, stance="support", comment="")
    assert StaleStances.objects.get(committee=s.lmu1).count == 0  # at once, not at the next sweep
    assert StaleStances.objects.get(committee=s.lmu2).count == 1
    stale_notices.check_hearings(now=start + 2 * QUIET)
    assert len(told(s.lmu1_user)) == 1 and len(told(s.lmu2_user)) == 1

    change(first, -4000)  # changed again after the LMU confirmed: a new e-mail, to both
    stale_notices.check_hearings(now=start + 3 * QUIET)
    stale_notices.check_hearings(now=start + 4 * QUIET)
    assert len(told(s.lmu1_user)) == 2 and len(told(s.lmu2_user)) == 2


def test_nobody_is_told_once_the_stances_can_no_longer_be_confirmed():
    s = submitted()
    change(s.proposals[0], -2500)
    start = timezone.now()
    stale_notices.check_hearings(now=start)
    assert StaleStances.objects.filter(count=1).count() == 2
    past = s.process.hearing_deadline - datetime.timedelta(days=30)
    CatalogueProcess.objects.filter(pk=s.process.pk).update(hearing_deadline=past)
    stale_notices.check_hearings(now=start + QUIET)
    assert Email.objects.filter(kind=Email.Kind.STALE_STANCES).count() == 0
    assert StaleStances.objects.exclude(count=0).count() == 0


def test_the_sweep_tells_and_sends(mailoutbox):
    s = submitted()
    change(s.proposals[0], -2500)
    start = timezone.now()
    sweep(now=start)
    result = sweep(now=start + QUIET)
    assert result["stale_stances"] == 2
    subjects = {(m.to[0], m.subject) for m in mailoutbox}
    assert (s.lmu1_user.email, "Forslag ændret siden jeres høringssvar: Besparelser") in subjects
