"""The pages' number of SQL queries does not grow with the number of proposals or
catalogues: the count measured with a small catalogue is asserted, exactly, with a large one."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from approvals.memos import delivery as memo_delivery
from approvals.memos import detection, issuing, links
from approvals.memos.models import Memo
from approvals.memos.rendering import letterhead
from proposals.models import ProposalYear
from proposals.snapshots import catalogue_snapshot
from tests.approval_factories import make_committee, make_department_admin
from tests.factories import make_catalogue, make_department, make_user
from tests.memo_factories import make_agreement, sign_off_directly

pytestmark = pytest.mark.django_db


@pytest.fixture
def department():
    return make_department("QC")


@pytest.fixture
def user_client(client, department):
    # The department's administrator: the access policy's queryset filter and predicate run.
    client.force_login(make_department_admin(department))
    return client


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def overview_url(catalogue, query=""):
    return reverse("proposals:catalogue_detail", args=[catalogue.slug]) + query


def test_overview_page_and_exports(user_client, department):
    """The overview, sorted and exported, costs as many queries at 1.000 proposals as at 10 (the
    two catalogues built once for the four requests)."""
    small = make_catalogue(proposals=10, lines=True, department=department)
    large = make_catalogue(proposals=1000, lines=True, department=department)
    differences = {}
    for query in ["", "?sort=-y2025", "?_export=xlsx", "?_export=csv"]:
        expected = count_queries(user_client, overview_url(small, query))
        # Ours: the catalogue twice, its year rows, the proposals, their yearly figures, the lines with
        # their years; the rest the session, the access policy's standing and other apps' panels.
        assert expected <= 16, (query, expected)
        with CaptureQueriesContext(connection) as ctx:
            response = user_client.get(overview_url(large, query))
        assert response.status_code == 200, query
        if len(ctx.captured_queries) != expected:
            differences[query] = (expected, len(ctx.captured_queries))
        if not query:
            assert "Forslag 1000" in response.content.decode()
    assert differences == {}, "query: (queries at 10 proposals, at 1.000)"


def test_proposal_page(user_client, department, django_assert_num_queries):
    small = make_catalogue(proposals=10, lines=True, department=department)
    proposal = small.proposals.first()
    expected = count_queries(user_client, reverse("proposals:proposal_detail", args=[small.slug, proposal.pk]))
    # 2 the session, 1 the access policy's standing, 4 the proposal (with its theme and catalogue),
    # goals, years and lines with their years, 4 its history (tests/proposals/test_figure_history.py).
    assert expected <= 11, expected
    large = make_catalogue(proposals=1000, lines=True, department=department)
    proposal = large.proposals.order_by("-position").first()
    with django_assert_num_queries(expected):
        response = user_client.get(reverse("proposals:proposal_detail", args=[large.slug, proposal.pk]))
    assert "Forslag 1000" in response.content.decode()


def test_list_page_with_more_catalogues_and_proposals(user_client, department, django_assert_num_queries):
    make_catalogue(proposals=10, lines=True, department=department)
    url = reverse("proposals:catalogue_list")
    expected = count_queries(user_client, url)
    assert expected <= 20
    for _ in range(29):
        make_catalogue(proposals=10, lines=True, department=department)
    make_catalogue(proposals=1000, lines=True, department=department, title="AAA stor")
    make_catalogue(proposals=10, department=make_department("QX"), title="AAA andre")  # not theirs: not listed
    with django_assert_num_queries(expected):
        response = user_client.get(url + "?sort=title")
    html = response.content.decode()
    assert "AAA stor" in html and "31 kataloger" in html and "AAA andre" not in html
    with django_assert_num_queries(expected):
        user_client.get(url + "?sort=-first_year_total&page=2")


# --- At 1.000 proposals and 30 LMUs, on a signed-off catalogue with a memo -------------


def signed_off_with_memo(department, *, proposals, lmus):
    """A catalogue heard by ``lmus`` LMUs (a member each), signed off, memo no. 1 telling of a
    fifth of its proposals changed (written directly: its PDF is not what is counted here), and
    a tenth changed again since, as the last look recorded it (the memo panel's marker)."""
    catalogue = make_catalogue(proposals=proposals, lines=True, department=department, agreement=make_agreement())
    process = sign_off_directly(catalogue)
    process.heard_committees.set(make_committee(department, members=[make_user()]) for _ in range(lmus))
    ids = list(catalogue.proposals.order_by("position").values_list("pk", flat=True))
    ProposalYear.objects.filter(proposal_id__in=ids[::5], year=2024).update(net_amount=-1500)
    told, source = detection.told_state(process)
    current = catalogue_snapshot(catalogue)
    now = timezone.now()
    memo = Memo.objects.create(
        process=process,
        number=1,
        issued_at=now,
        previous_snapshot=told,
        snapshot=current,
        changes=detection.changes_to_tell(process, told, source, current),
        letterhead=letterhead(process, now),
        pdf=b"%PDF-1.4 test",
    )
    memo_delivery.write_deliveries(memo, [(e, name) for e, name, _role in issuing.recipients(process)])
    ProposalYear.objects.filter(proposal_id__in=ids[1::10], year=2027).update(net_amount=-1200)
    detection.observe(process, catalogue_snapshot(catalogue), changed=True, now=now)
    return catalogue, memo


PAGES = {
    "overview": lambda catalogue, memo: reverse("proposals:catalogue_detail", args=[catalogue.slug]),
    "overview sorted": lambda catalogue, memo: (
        reverse("proposals:catalogue_detail", args=[catalogue.slug]) + "?sort=-y2025"
    ),
    "proposal": lambda catalogue, memo: reverse(
        "proposals:proposal_detail", args=[catalogue.slug, catalogue.proposals.order_by("-position").first().pk]
    ),
    "memo list": lambda catalogue, memo: reverse("memos:list"),
    "memo": lambda catalogue, memo: reverse("memos:detail", args=[memo.pk]),
    "memo link (no login)": lambda catalogue, memo: links.reader_path(
        memo.deliveries.order_by("outbox_email__email").first()
    ),
}


def test_pages_at_1000_proposals_and_30_lmus(user_client, department):
    """Each page costs as many queries at 1.000 proposals and 30 LMUs as at 10 and 1 (the two
    catalogues built once for all pages: building them is most of the test's time)."""
    small, small_memo = signed_off_with_memo(department, proposals=10, lmus=1)
    other = make_department("QL")  # its own memo list: the two catalogues' memos are not mixed
    large, large_memo = signed_off_with_memo(other, proposals=1000, lmus=30)
    client = Client()
    client.force_login(make_department_admin(other))
    differences = {}
    for page, url_of in PAGES.items():
        expected = count_queries(user_client, url_of(small, small_memo))
        assert expected <= 24, page
        url = url_of(large, large_memo)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, page
        if len(ctx.captured_queries) != expected:
            differences[page] = (expected, len(ctx.captured_queries))
        html = response.content.decode()
        if page.startswith("overview"):
            assert "Forslag 1000" in html and "Der er ændringer, som endnu ikke er meddelt" in html
        if page.startswith("memo link"):
            assert "Notat nr. 1" in html
    assert differences == {}, "page: (queries at 10 proposals and 1 LMU, at 1.000 and 30)"
