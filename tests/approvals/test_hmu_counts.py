"""HMU's counts agree (issue 23.6): the phase-in pool row, on which no stance is asked, is neither
"not answered" nor counted under "no stance"; the counts come from selectors.stance_counts."""

import pytest

from approvals import hearing, selectors, services
from approvals.views.committee_rows import count_table, lmu_stance_tables
from tests.approval_factories import Setup

pytestmark = pytest.mark.django_db


def pool_catalogue():
    """LMU Et submitted, with no stance on the pool row (the last); LMU To did not answer."""
    s = Setup().to_hearing()
    pool = s.proposals[-1]
    pool.is_phase_in = True
    pool.save()
    asked = s.proposals[:-1]
    stances = {p.pk: ("support", "") for p in asked}
    hearing.save_hearing_response(
        s.process, s.lmu1, actor=s.lmu1_user, general_comment="", stances=stances, submit=True
    )
    services.start_hmu_review(s.process, actor=s.admin, reason="HMU-mødet er rykket frem")
    return s, pool, asked


@pytest.mark.parametrize("read", [selectors.hearing_overview, selectors.hearing_summary])
def test_the_pool_row_counts_no_missing_stance(read):
    s, pool, asked = pool_catalogue()
    overview = read(s.process)
    by_pk = {row.proposal.pk: row for row in overview.rows}
    counts, none = selectors.stance_counts(overview, by_pk[pool.pk])
    assert none is None and [n for _v, _l, n in counts] == [0, 0, 0, 0]
    counts, none = selectors.stance_counts(overview, by_pk[asked[0].pk])
    assert none == 1 and {v: n for v, _l, n in counts} == {"support": 1, "no_remarks": 0, "concerns": 0, "oppose": 0}


def test_the_pages_tables_do_not_list_the_pool_row_as_not_answered():
    s, pool, asked = pool_catalogue()
    overview = selectors.hearing_overview(s.process)
    tables = lmu_stance_tables(overview, not_answered="Ikke svaret", stale_flag="x", heads=("a", "b", "c"))
    assert "Ikke svaret" not in tables[pool.pk]
    assert "Indfasningspuljen: der skal ikke gives en holdning." in tables[pool.pk]
    assert tables[asked[0].pk].count("Ikke svaret") == 1  # LMU To's
    _headers, body = count_table(overview, "")
    pool_line = next(line for line in body.split("</tr>") if f"#forslag-{pool.pk}" in line)
    assert pool_line.endswith('<td class="num">—</td>')  # "Ingen holdning": not asked, not 2
    # Sorted by most "no stance" first, the pool row comes last.
    _headers, body = count_table(overview, "-none")
    assert max(body.index(f"#forslag-{p.pk}") for p in asked) < body.index(f"#forslag-{pool.pk}")
