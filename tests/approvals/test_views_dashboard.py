"""The dashboard: each role's catalogues, deadline and response state, filters, sorting; query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import deadlines, hearing, services
from approvals.models import CatalogueProcess, Committee, DepartmentAdministrator
from tests.approval_factories import Setup, make_committee
from tests.factories import make_catalogue

pytestmark = pytest.mark.django_db
State = CatalogueProcess.State
URL = reverse("approvals:dashboard")


def test_lmu_member_sees_deadline_days_left_and_missing_response(client):
    s = Setup(deadline_in_days=5, title="Besparelser på administration").to_hearing()
    client.force_login(s.lmu1_user)
    html = client.get(URL).content.decode()
    assert "Høringer for dine LMU&#x27;er" in html
    assert "Besparelser på administration" in html
    assert s.deadline.strftime("%-d. ") in html
    assert "5 dage" in html
    response_url = reverse("approvals:response", args=[s.catalogue.slug, s.lmu1.pk])
    assert f'<a href="{response_url}" class="app-next-step">Skriv høringssvar</a>' in html
    assert "Mangler" in html
    # No HMU / sign-off sections for a plain LMU member.
    assert 'id="section-hmu"' not in html and 'id="section-signoff"' not in html


def test_response_state_draft_then_submitted(client):
    s = Setup().to_hearing()
    client.force_login(s.lmu1_user)
    hearing.save_hearing_response(
        s.process, s.lmu1, actor=s.lmu1_user, general_comment="", stances={s.proposals[0].pk: ("support", "")}
    )
    html = client.get(URL).content.decode()
    assert "Kladde" in html and 'class="app-next-step">Ret høringssvar</a>' in html
    s.submit(s.lmu1, s.lmu1_user)
    html = client.get(URL).content.decode()
    assert ">Indsendt</a>" in html and "app-next-step" not in html  # nothing left to do


def test_date_is_danish(client):
    s = Setup().to_hearing()
    CatalogueProcess.objects.filter(pk=s.process.pk).update(hearing_deadline=datetime.date(2023, 12, 5))
    client.force_login(s.lmu1_user)
    html = client.get(URL).content.decode()
    assert "5. december 2023" in html
    assert "Overskredet" in html


def test_draft_catalogue_is_hidden_from_lmu(client):
    s = Setup(title="Hemmeligt udkast")
    client.force_login(s.lmu1_user)
    assert "Hemmeligt udkast" not in client.get(URL).content.decode()


def test_hmu_and_signoff_queues(client):
    s = Setup(title="Til HMU").to_hmu_review()
    client.force_login(s.hmu_user)
    html = client.get(URL).content.decode()
    assert 'id="section-hmu">Afventer HMU-behandling' in html
    assert reverse("approvals:hmu_review", args=[s.catalogue.slug]) in html
    assert "2 af 2" in html
    client.force_login(s.signoff_user)
    html = client.get(URL).content.decode()
    assert 'id="section-signoff">Afventer godkendelse' in html
    assert "Ingen kataloger afventer godkendelse." in html


def test_staff_sees_all_and_filters_by_state(client):
    a = Setup(title="Katalog i høring").to_hearing()
    b = Setup(title="Katalog i kladde")
    DepartmentAdministrator.objects.create(user=a.admin, department=b.department)  # administers both
    client.force_login(a.admin)
    html = client.get(URL).content.decode()
    assert "Alle kataloger" in html
    assert "Katalog i høring" in html and "Katalog i kladde" in html
    html = client.get(URL, {"state": "hearing"}).content.decode()
    assert "Katalog i høring" in html and "Katalog i kladde" not in html


def test_filter_by_department_and_deadline(client):
    a = Setup(title="Første").to_hearing()
    b = Setup(title="Anden", deadline_in_days=30).to_hearing()
    DepartmentAdministrator.objects.create(user=a.admin, department=b.department)  # administers both
    client.force_login(a.admin)
    html = client.get(URL, {"department": b.department.pk}).content.decode()
    assert "Anden" in html and "Første" not in html
    html = client.get(URL, {"deadline_before": (a.deadline + datetime.timedelta(days=1)).isoformat()}).content.decode()
    assert "Første" in html and "Anden" not in html
    html = client.get(URL, {"deadline_after": (a.deadline + datetime.timedelta(days=1)).isoformat()}).content.decode()
    assert "Anden" in html and "Første" not in html


def test_sortable_and_paginated(client):
    s = Setup(title="AAA første").to_hearing()
    for i in range(21):
        make_catalogue(department=s.department, title=f"Katalog {i:02d}")
    CatalogueProcess.objects.bulk_create(
        [CatalogueProcess(catalogue=c) for c in s.department.catalogues.filter(process__isnull=True)]
    )
    client.force_login(s.admin)
    html = client.get(URL, {"a-sort": "-catalogue"}).content.decode()
    assert 'aria-sort="descending"' in html
    assert html.index("Katalog 20") < html.index("Katalog 19")
    assert "AAA første" not in html.split('id="section-all"')[1]  # on page 2 when sorted descending
    assert 'class="pagination"' in html
    html = client.get(URL, {"a-sort": "-catalogue", "a-page": 2}).content.decode()
    assert "AAA første" in html


def test_plain_user_is_told_they_have_no_committee(client):
    s = Setup().to_hearing()
    client.force_login(s.outsider)
    html = client.get(URL).content.decode()
    assert "Du er ikke medlem af et udvalg" in html
    assert s.catalogue.title not in html


def _many(n_catalogues, lmus):
    s = Setup().to_hearing()
    extra = [make_committee(s.department, Committee.Kind.LMU, members=[s.lmu1_user]) for _ in range(lmus)]
    for _ in range(n_catalogues):
        c = make_catalogue(department=s.department, proposals=5)
        process = c.process
        services.configure_hearing(
            process,
            actor=s.admin,
            committees=[s.lmu1, *extra],
            hearing_deadline=deadlines.local_today() + datetime.timedelta(days=3),
        )
        services.open_hearing(process, actor=s.admin)
    return s


def _count(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow(client, django_assert_num_queries):
    small = _many(1, 0)
    lmu_queries, staff_queries = _count(client, small.lmu1_user), _count(client, small.admin)
    large = _many(8, 4)  # 8 more catalogues of 5 proposals, 5 heard LMUs of the user each
    DepartmentAdministrator.objects.create(user=large.admin, department=small.department)  # both departments
    client.force_login(large.lmu1_user)
    with django_assert_num_queries(lmu_queries):
        response = client.get(URL)
    assert response.content.decode().count(">Skriv høringssvar</a>") == 9
    client.force_login(large.admin)
    with django_assert_num_queries(staff_queries):
        response = client.get(URL)
    assert response.content.decode().count('href="/forloeb/') >= 11


def test_favicon_for_pages_without_a_link_to_it(client):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")  # anonymous: no login needed
    assert response.status_code == 301 and response["Location"].endswith("/favicon.svg")
    assert finders.find("favicon.svg")
