"""The proposal page reads its history with the ids of the proposal's lines it already has
(``figure_history(line_ids=...)``): the same changes as the general read, the lines deleted
since included, and no line-year read at all for a proposal that never had a line."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from proposals.history import recording
from proposals.history_selectors import figure_history
from proposals.models import BreakdownLine, BreakdownLineYear
from tests.factories import make_catalogue, make_user

pytestmark = pytest.mark.django_db


def test_with_the_pages_line_ids_the_history_is_the_same():
    catalogue = make_catalogue(proposals=2, lines=True)
    proposal = catalogue.proposals.order_by("position").first()
    user = make_user()
    with recording(user=user):
        kept = BreakdownLine.objects.create(proposal=proposal, position=5, text="Bliver")
        year = BreakdownLineYear.objects.create(line=kept, year=2024, amount=-100)
        year.amount = -150
        year.save()
        gone = BreakdownLine.objects.create(proposal=proposal, position=6, text="Slettes")
        gone_year = BreakdownLineYear.objects.create(line=gone, year=2025, amount=-50)
        gone_year.amount = -70
        gone_year.save()
        gone_year.delete()
        gone.delete()
    line_ids = list(proposal.lines.values_list("pk", flat=True))
    general = figure_history(proposal)
    assert any("Slettes" in change.what for change in general)
    assert any("Bliver" in change.what and change.year == 2024 for change in general)
    assert figure_history(proposal, line_ids=line_ids) == general


def queries(func, *args, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        result = func(*args, **kwargs)
    return len(ctx.captured_queries), result


def test_a_proposal_without_lines_reads_no_line_years():
    catalogue = make_catalogue(proposals=1)
    proposal = catalogue.proposals.get()
    general_count, general = queries(figure_history, proposal)
    page_count, page = queries(figure_history, proposal, line_ids=[])
    assert page == general
    assert (general_count, page_count) == (4, 3)
