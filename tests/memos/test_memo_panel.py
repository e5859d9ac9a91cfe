"""The memo panel on a signed-off catalogue's page reads what the last look at the catalogue
found (it no longer compares the whole catalogue on every view); a save's own
check keeps it current."""

import pytest

from approvals.memos.models import NextMemo
from proposals.models import ProposalYear
from tests.approval_factories import make_department_admin
from tests.memo_factories import make_memo_with_one_change

# Committed saves, as in a request: each save's on_commit check runs (in process: no broker).
pytestmark = pytest.mark.django_db(transaction=True)

PENDING = "Der er ændringer, som endnu ikke er meddelt forligspartierne."


def test_a_saved_change_shows_on_the_panel_through_its_own_check(client, settings):
    settings.MEMO_QUIET_PERIOD_SECONDS = 3600  # seen, not yet due
    memo = make_memo_with_one_change()
    catalogue = memo.process.catalogue
    client.force_login(make_department_admin(catalogue.department))
    assert PENDING not in client.get(catalogue.get_absolute_url()).content.decode()

    year = ProposalYear.objects.filter(proposal__catalogue=catalogue, year=2026).order_by("proposal__position").first()
    year.net_amount = -1234
    year.save()  # the save's "look again" runs the check
    assert NextMemo.objects.get(process=memo.process).changes_seen_at is not None
    html = client.get(catalogue.get_absolute_url()).content.decode()
    assert PENDING in html and "udsendes automatisk" in html

    year.net_amount = -1000  # back to what was told: nothing to tell any more
    year.save()
    assert PENDING not in client.get(catalogue.get_absolute_url()).content.decode()
