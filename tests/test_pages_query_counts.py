"""The pages' number of SQL queries does not grow with the number of proposals or
catalogues: the count measured with a small catalogue is asserted, exactly, with a large one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.approval_factories import make_department_admin
from tests.factories import make_catalogue, make_department

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


@pytest.mark.parametrize("query", ["", "?sort=-y2025", "?_export=xlsx", "?_export=csv"])
def test_overview_page_and_exports(user_client, department, django_assert_num_queries, query):
    small = make_catalogue(proposals=10, lines=True, department=department)
    expected = count_queries(user_client, overview_url(small, query))
    assert expected <= 20  # 8 of them ours; the rest are the session and other apps' panels
    large = make_catalogue(proposals=1000, lines=True, department=department)
    with django_assert_num_queries(expected):
        response = user_client.get(overview_url(large, query))
    assert response.status_code == 200
    if not query:
        assert "Forslag 1000" in response.content.decode()


def test_proposal_page(user_client, department, django_assert_num_queries):
    small = make_catalogue(proposals=10, lines=True, department=department)
    proposal = small.proposals.first()
    expected = count_queries(user_client, reverse("proposals:proposal_detail", args=[small.slug, proposal.pk]))
    assert expected <= 14  # 4 of them the proposal's history (tests/test_figure_history.py)
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
