"""The responses list sorts by its columns and pages by 20, keeping the filter (a plain list,
approvals.views.listing, since django-tables2 was most of its time)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.models import HearingResponse
from tests.approval_factories import Setup, make_committee
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    s = Setup().to_hearing()
    extra = [make_committee(s.department, name=f"LMU {i:02d}", members=[make_user()]) for i in range(23)]
    s.process.heard_committees.add(*extra)
    HearingResponse.objects.bulk_create(
        HearingResponse(
            process=s.process,
            committee=c,
            status=HearingResponse.Status.SUBMITTED if i % 2 else HearingResponse.Status.DRAFT,
            submitted_at=timezone.now() if i % 2 else None,
        )
        for i, c in enumerate(extra)
    )
    return s


def names(client, s, **params):
    html = client.get(reverse("approvals:responses", args=[s.catalogue.slug]), params).content.decode()
    return re.findall(r'<td><a href="/forloeb/[^"]+">([^<]+)</a></td>', html), html


def test_sorted_by_committee_and_paged_by_twenty(client, s):
    client.force_login(s.admin)
    first, html = names(client, s)
    second, _html = names(client, s, page=2)
    assert first == [f"LMU {i:02d}" for i in range(20)]
    assert second == ["LMU 20", "LMU 21", "LMU 22"]
    assert 'aria-sort="ascending"' in html and 'href="?sort=-committee"' in html
    assert 'href="?page=2"' in html and 'aria-current="page"' in html
    reversed_, html = names(client, s, sort="-committee")
    assert reversed_[:3] == ["LMU 22", "LMU 21", "LMU 20"]
    assert 'aria-sort="descending"' in html and 'href="?sort=committee"' in html


def test_sort_by_status_keeps_the_filter_and_unknown_sorts_fall_back(client, s):
    client.force_login(s.admin)
    by_status, html = names(client, s, sort="status", committee="LMU 0")
    drafts, submitted = (
        ["LMU 00", "LMU 02", "LMU 04", "LMU 06", "LMU 08"],
        ["LMU 01", "LMU 03", "LMU 05", "LMU 07", "LMU 09"],
    )
    assert by_status == drafts + submitted
    assert 'href="?sort=-status&amp;committee=LMU+0"' in html  # the filter stays, the page goes
    fallback, _html = names(client, s, sort="password")
    assert fallback[:2] == ["LMU 00", "LMU 01"]
    past_the_end, _html = names(client, s, page=99)
    assert past_the_end == ["LMU 20", "LMU 21", "LMU 22"]
