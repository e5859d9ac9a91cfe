"""The catalogue list: table with first-year total and balance, sorting, pagination, filters."""

import pytest
from django.urls import reverse

from proposals.models import Catalogue
from tests.factories import make_catalogue, make_department, make_user
from tests.overview_examples import make_msb_like, make_mso_000, table_rows

pytestmark = pytest.mark.django_db
URL = "/kataloger/"


@pytest.fixture
def user_client(client):
    # A reader who may see every catalogue (who sees what: test_access_matrix.py).
    client.force_login(make_user(is_superuser=True))
    return client


def rows(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200
    return table_rows(response.content.decode(), "table", "tbody")


def test_url_name():
    assert reverse("proposals:catalogue_list") == URL


def test_list_shows_facts_first_year_total_and_balance(user_client):
    make_mso_000()
    make_msb_like()
    make_mso_000(slug="mso-skaev", change=("1.", 2027, 11000), title="Skæv")
    listed = {r[0]: r for r in rows(user_client)}
    mso = listed["Omprioriteringer til Velfærdspuljen i Sundhed og Omsorg"]
    assert mso[1:] == ["MSO", "Omprioriteringskatalog", "2024–2027", "2024-PL", "7", "17.700 (2024)", "Ja"]
    assert listed["Omprioriteringskatalog 2024-2027"][5:] == ["2", "-3.665 (2024)", "Ja"]
    assert listed["Skæv"][6:] == ["17.700 (2024)", "Nej 1 afvigelse"]


def test_title_links_to_overview(user_client):
    catalogue = make_mso_000()
    html = user_client.get(URL).content.decode()
    assert f'<a href="/kataloger/{catalogue.slug}/">{catalogue.title}</a>' in html


def test_sort_by_first_year_total_in_each_catalogues_convention(user_client):
    make_mso_000()  # 17.700 (savings positive)
    make_msb_like()  # -3.665 (savings negative)
    make_catalogue(title="Lille", proposals=1, amount=-100)  # -100
    totals = [r[6] for r in rows(user_client, "?sort=first_year_total")]
    assert totals == ["-3.665 (2024)", "-100 (2024)", "17.700 (2024)"]
    totals = [r[6] for r in rows(user_client, "?sort=-first_year_total")]
    assert totals == ["17.700 (2024)", "-100 (2024)", "-3.665 (2024)"]


def test_sort_by_title(user_client):
    for title in ["Bravo", "Alfa", "Charlie"]:
        make_catalogue(title=title, proposals=1)
    assert [r[0] for r in rows(user_client, "?sort=-title")] == ["Charlie", "Bravo", "Alfa"]


def test_pagination(user_client):
    department = make_department("PAG")
    for i in range(30):
        make_catalogue(title=f"Katalog {i:02d}", proposals=1, department=department)
    first = rows(user_client, "?sort=title")
    second = rows(user_client, "?sort=title&page=2")
    assert len(first) == 25 and len(second) == 5
    assert second[-1][0] == "Katalog 29"
    html = user_client.get(URL).content.decode()
    assert "30 kataloger" in html
    assert 'aria-current="page"' in html


def test_filter_by_department_kind_and_text(user_client):
    mso = make_mso_000()
    make_msb_like()
    make_catalogue(
        title="Besparelser på administration",
        proposals=1,
        department=mso.department,
        kind=Catalogue.Kind.SAVINGS,
        sector="1.20 Drift",
    )
    by_department = [r[0] for r in rows(user_client, f"?department={mso.department.pk}")]
    assert sorted(by_department) == ["Besparelser på administration", mso.title]
    by_kind = [r[0] for r in rows(user_client, "?kind=omprioritering")]
    assert sorted(by_kind) == [
        "Omprioriteringer til Velfærdspuljen i Sundhed og Omsorg",
        "Omprioriteringskatalog 2024-2027",
    ]
    assert [r[0] for r in rows(user_client, "?q=administration")] == ["Besparelser på administration"]
    assert [r[0] for r in rows(user_client, "?q=msb")] == ["Omprioriteringskatalog 2024-2027"]  # department code
    assert sorted(r[0] for r in rows(user_client, "?q=1.20+drift")) == [
        "Besparelser på administration",
        "Omprioriteringskatalog 2024-2027",
    ]
    both = [r[0] for r in rows(user_client, f"?department={mso.department.pk}&kind=spareforslag")]
    assert both == ["Besparelser på administration"]


def test_no_match_and_invalid_filter(user_client):
    make_mso_000()
    response = user_client.get(URL + "?q=findesikke")
    assert "Ingen kataloger matcher søgningen." in response.content.decode()
    response = user_client.get(URL + "?kind=noget")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Filteret er ugyldigt" in html


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"
