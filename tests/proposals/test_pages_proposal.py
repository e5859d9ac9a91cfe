"""The proposal page: all facts, the yearly table with breakdown lines, follow-up goals."""

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.overview_examples import make_msb_like, make_mso_000, table_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_client(client):
    # A reader who may see every catalogue (who sees what: test_access_matrix.py).
    client.force_login(make_user(is_superuser=True))
    return client


def page(client, proposal):
    response = client.get(reverse("proposals:proposal_detail", args=[proposal.catalogue.slug, proposal.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_all_facts_and_paragraphs(user_client):
    proposal = make_msb_like().proposals.get(code="Tema 2, V-1")
    html = page(user_client, proposal)
    assert "Natcafeen og Housing First</h1>" in html
    for fact in [
        "Tema 2: Voksne",
        "BAO – bortfald af opgave",
        "5.38 Botilbud",
        "12,3 mio. kr.",
        "4,5 %",
        "Ikke relevant",
        "Natcafeen<br>Housing First-teamet",
        "Lav risiko.",
        "Fuld effekt fra 2025.",
    ]:
        assert fact in html, fact
    assert "<dt>Serviceforringelse</dt><dd>Ja</dd>" in html
    assert "<dt>Stammer fra innovationsforslag</dt><dd>Nej</dd>" in html
    assert "<p>Første afsnit.</p>\n\n<p>Andet afsnit om Natcafeen.</p>" in html


def test_yearly_table_with_lines_and_goals(user_client):
    proposal = make_msb_like().proposals.get(code="Tema 2, V-1")
    html = page(user_client, proposal)
    rows = table_rows(html, "app-proposal-years")
    assert rows[0] == ["Post", "2024", "2025", "2026", "2027"]
    by_label = {r[0]: r[1:] for r in rows[1:]}
    assert by_label["Nettoændring i driftsudgifter"] == ["-550"] * 4
    assert by_label["Personaleændring (årsværk)"] == ["-1,5"] * 4
    assert by_label["Ophør af kommunalt tilskud til Natcafeen"] == ["-1.000"] * 4
    assert by_label["Housing First opgaver"] == ["450"] * 4
    assert by_label["Sum af linjer der indgår i netto"] == ["-550"] * 4
    assert by_label["Forskel til nettoændringen"] == ["0"] * 4
    goals = table_rows(html.split('id="goals-heading"')[1].split('id="history-heading"')[0], "table")
    assert goals == [
        ["Hvad følges op", "Hvordan måles", "Hvem", "Hvornår"],
        ["Antal overnatninger", "Registrering", "Socialcenter", "Halvårligt"],
    ]


def test_heraf_line_is_marked_and_not_summed(user_client):
    proposal = make_msb_like().proposals.get(code="Tema 1, BFF-1")
    html = page(user_client, proposal)
    by_label = {r[0]: r[1:] for r in table_rows(html, "app-proposal-years")}
    assert by_label["heraf Bruttoreduktion (indgår ikke i netto)"] == ["-3.500"] * 4
    assert "Sum af linjer der indgår i netto" not in by_label  # no counting lines
    assert "Forslaget har ingen opfølgningsmål." in html


def test_line_difference_is_highlighted(user_client):
    proposal = make_msb_like().proposals.get(code="Tema 2, V-1")
    proposal.lines.get(text="Housing First opgaver").years.filter(year=2025).update(amount=500)
    by_label = {r[0]: r[1:] for r in table_rows(page(user_client, proposal), "app-proposal-years")}
    assert by_label["Sum af linjer der indgår i netto"] == ["-550", "-500", "-550", "-550"]
    assert by_label["Forskel til nettoændringen"] == ["0", "+50 (afviger)", "0", "0"]


def test_savings_positive_proposal_shown_in_its_convention(user_client):
    catalogue = make_mso_000()
    html = page(user_client, catalogue.proposals.get(code="3."))
    by_label = {r[0]: r[1:] for r in table_rows(html, "app-proposal-years")}
    assert by_label["Nettoændring i driftsudgifter"] == ["-1.960", "1.400", "1.400", "1.400"]
    assert "Besparelser er angivet med positivt fortegn" in html
    assert f'<a href="/kataloger/{catalogue.slug}/" class="breadcrumbs__link">' in html


def test_unknown_or_foreign_proposal_is_404(user_client):
    mso = make_mso_000()
    msb = make_msb_like()
    foreign = msb.proposals.first()
    assert user_client.get(reverse("proposals:proposal_detail", args=[mso.slug, foreign.pk])).status_code == 404
    assert user_client.get(reverse("proposals:proposal_detail", args=[mso.slug, 999999])).status_code == 404
    assert user_client.get(reverse("proposals:proposal_detail", args=["ukendt", foreign.pk])).status_code == 404


def test_anonymous_user_is_sent_to_login(client):
    proposal = make_mso_000().proposals.first()
    url = reverse("proposals:proposal_detail", args=[proposal.catalogue.slug, proposal.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
