"""The catalogue's economic overview page: figures in the catalogue's own convention,
balance report, theme groups, sorting with the summary rows kept at the bottom."""

import pytest
from django.urls import reverse

from proposals.hooks import _catalogue_panels, register_catalogue_panel
from tests.factories import make_user
from tests.overview_examples import make_msb_like, make_mso_000, table_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_client(client):
    # A reader who may see every catalogue (who sees what: test_access_matrix.py).
    client.force_login(make_user(is_superuser=True))
    return client


def overview(client, catalogue, query=""):
    response = client.get(reverse("proposals:catalogue_detail", args=[catalogue.slug]) + query)
    assert response.status_code == 200
    return response


def body_and_foot(response):
    html = response.content.decode()
    return table_rows(html, "app-overview", "tbody"), table_rows(html, "app-overview", "tfoot")


def test_savings_positive_catalogue_is_shown_as_written(user_client):
    response = overview(user_client, make_mso_000())
    body, foot = body_and_foot(response)
    rows = {r[0]: r for r in body}
    # A saving of 11.100 shows positive, a cost (investment) of 1.960 negative, as in the document.
    assert rows["1."][2:6] == ["11.100", "11.100", "11.100", "11.100"]
    assert rows["3."][2:6] == ["-1.960", "1.400", "1.400", "1.400"]
    assert rows["2."][2:6] == ["-2.000", "-3.000", "-3.000", "0"]
    assert rows["7."] == ["7.", "Indfasning af omprioriteringer", "8.410", "5.000", "5.000", "2.000", "-"]
    labels = {r[0]: r[1:5] for r in foot}
    assert labels["Nettoændringer i driftsudgifter i alt"] == ["17.700"] * 4
    assert labels["Måltal"] == ["17.700"] * 4
    assert labels["Difference"] == ["0"] * 4
    # MSO states only the catalogue's staffing total (a reduction of 2,8 årsværk written "2,8").
    assert labels["Personaleændringer i alt, oplyst (årsværk)"] == ["0", "2,8", "2,8", "2,8"]
    assert "Personaleændringer (årsværk)" not in labels


def test_header_facts_sign_convention_and_balance(user_client):
    html = overview(user_client, make_mso_000()).content.decode()
    assert "<h1>Omprioriteringer til Velfærdspuljen i Sundhed og Omsorg</h1>" in html
    assert "MSO – Sundhed og Omsorg" in html
    assert "3.31 Foranstaltninger ældre og handicappede" in html
    assert "2024-PL" in html and "1.000 kr." in html
    assert "Besparelser er angivet med positivt fortegn" in html
    assert "Økonomiske konsekvenser og personaleændringer 2024-2027 (2024-PL i 1.000 kr.)" in html
    assert "Kataloget balancerer." in html
    assert "fuld effekt af 2. velfærdsteknologi i 2028" in html  # the catalogue's footnote


def test_savings_negative_catalogue_groups_by_theme_and_sums_fte(user_client):
    html = overview(user_client, make_msb_like()).content.decode()
    body = table_rows(html, "app-overview", "tbody")
    # Theme group rows in theme order, each followed by its proposals.
    assert [r[0] for r in body] == ["Tema 1: Børn og unge", "Tema 1, BFF-1", "Tema 2: Voksne", "Tema 2, V-1"]
    assert body[1][2:6] == ["-3.115"] * 4
    foot = {r[0]: r[1:5] for r in table_rows(html, "app-overview", "tfoot")}
    assert foot["Nettoændringer i driftsudgifter i alt"] == ["-3.665"] * 4
    assert foot["Personaleændringer (årsværk)"] == ["-3,5"] * 4
    assert foot["Personaleændringer i alt, oplyst (årsværk)"] == ["-3,5"] * 4
    assert "Besparelser er angivet med negativt (-) fortegn" in html


def test_unbalanced_catalogue_lists_every_difference_and_highlights_it(user_client):
    catalogue = make_mso_000(change=("3.", 2025, 1500))
    html = overview(user_client, catalogue).content.decode()
    foot = {r[0]: r[1:5] for r in table_rows(html, "app-overview", "tfoot")}
    assert foot["Nettoændringer i driftsudgifter i alt"] == ["17.700", "17.800", "17.700", "17.700"]
    assert foot["Difference"] == ["0", "+100 (afviger)", "0", "0"]
    assert '<td class="num app-diff-bad"><strong>+100</strong>' in html
    assert "Kataloget balancerer ikke: 1 afvigelse." in html
    assert "2025: forslagene summerer til 17.800, men måltallet er 17.700 (forskel +100)." in html
    assert "Kataloget balancerer." not in html


def test_line_differences_are_listed(user_client):
    catalogue = make_msb_like()
    line = catalogue.proposals.get(code="Tema 2, V-1").lines.get(text="Housing First opgaver")
    line.years.filter(year=2026).update(amount=400)
    html = overview(user_client, catalogue).content.decode()
    assert "2026, forslag Tema 2, V-1: linjerne summerer til -600, men nettoændringen er -550" in html


def test_titles_link_to_the_proposal_page(user_client):
    catalogue = make_mso_000()
    proposal = catalogue.proposals.get(code="3.")
    html = overview(user_client, catalogue).content.decode()
    assert f'<a href="/kataloger/{catalogue.slug}/forslag/{proposal.pk}/">Digitaliseringsindsatser</a>' in html


def test_sort_by_year_keeps_summary_rows_in_the_footer(user_client):
    catalogue = make_mso_000()
    body, foot = body_and_foot(overview(user_client, catalogue, "?sort=y2024"))
    assert [r[0] for r in body] == ["2.", "3.", "5.", "6.", "4.", "7.", "1."]
    assert foot[0][0] == "Nettoændringer i driftsudgifter i alt"
    body, _foot = body_and_foot(overview(user_client, catalogue, "?sort=-y2024"))
    assert [r[0] for r in body] == ["1.", "7.", "4.", "6.", "5.", "3.", "2."]


def test_sort_by_title_and_code(user_client):
    catalogue = make_mso_000()
    body, _foot = body_and_foot(overview(user_client, catalogue, "?sort=title"))
    titles = [r[1] for r in body]
    assert titles == sorted(titles)
    body, _foot = body_and_foot(overview(user_client, catalogue, "?sort=-code"))
    assert [r[0] for r in body] == ["7.", "6.", "5.", "4.", "3.", "2.", "1."]


def test_sorted_view_shows_theme_column_instead_of_group_rows(user_client):
    html = overview(user_client, make_msb_like(), "?sort=-y2024").content.decode()
    head = table_rows(html, "app-overview", "thead")[0]
    assert head[:3] == ["Nr.", "Forslag", "Tema"]
    body = table_rows(html, "app-overview", "tbody")
    assert [r[0] for r in body] == ["Tema 2, V-1", "Tema 1, BFF-1"]  # -550 before -3.115, no group rows
    assert body[0][2] == "Tema 2: Voksne"


def test_catalogue_with_other_years(user_client):
    from tests.factories import make_catalogue

    catalogue = make_catalogue(proposals=2, years=(2026, 2027, 2028, 2029, 2030, 2031), amount=-250, fte="-0.5")
    html = overview(user_client, catalogue).content.decode()
    head = table_rows(html, "app-overview", "thead")[0]
    assert head == ["Nr.", "Forslag", "2026", "2027", "2028", "2029", "2030", "2031", "Type"]
    foot = {r[0]: r[1:7] for r in table_rows(html, "app-overview", "tfoot")}
    assert foot["Nettoændringer i driftsudgifter i alt"] == ["-500"] * 6
    assert foot["Personaleændringer (årsværk)"] == ["-1"] * 6


def test_panels_from_other_apps_are_shown(user_client):
    def panel(request, catalogue):
        return f'<div class="test-panel">Arbejdsgang for {catalogue.slug}</div>'

    register_catalogue_panel(panel)
    try:
        html = overview(user_client, make_mso_000()).content.decode()
    finally:
        _catalogue_panels.remove(panel)
    assert '<div class="test-panel">Arbejdsgang for mso-velfaerdspuljen</div>' in html


def test_unknown_catalogue_is_404(user_client):
    response = user_client.get(reverse("proposals:catalogue_detail", args=["findes-ikke"]))
    assert response.status_code == 404


def test_anonymous_user_is_sent_to_login(client):
    catalogue = make_mso_000()
    url = reverse("proposals:catalogue_detail", args=[catalogue.slug])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
    assert client.get(url + "?_export=xlsx").status_code == 302


def test_empty_catalogue(user_client):
    from tests.factories import make_catalogue

    catalogue = make_catalogue(proposals=0, target=None)
    html = overview(user_client, catalogue).content.decode()
    assert "Kataloget har ingen forslag endnu." in html
    foot = {r[0]: r[1:5] for r in table_rows(html, "app-overview", "tfoot")}
    assert foot["Nettoændringer i driftsudgifter i alt"] == ["0"] * 4
    assert "Måltal" not in foot
