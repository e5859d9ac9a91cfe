"""The admin tells the truth, in Danish: it is branded "Budgetkataloger", the spreadsheet import's
pages have no English left, the preview lists each proposal's lines and "heraf" lines under it,
the message after a confirmed import counts proposals and lines as the file has them, and a year
row's inputs are named by column and year."""

import re

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals.models import Catalogue
from tests.factories import make_catalogue
from tests.importing import csv_bytes, row

pytestmark = pytest.mark.django_db

# What django-import-export and Django's admin say in English when nothing overrides them.
ENGLISH = (
    "Django administration",
    "Django site admin",
    "This importer will import",
    "File to import",
    "Submit",
    "Confirm import",
    "Below is a preview",
    ">Preview<",
    ">New<",
    ">Update<",
    ">Skipped<",
    "Import finished",
    "skipped",
    ">Import<",
)


def english_in(html):
    return [text for text in ENGLISH if text in html]


def upload(admin_client, catalogue, rows, **options):
    return admin_client.post(
        reverse("admin:proposals_proposal_import"),
        {
            "catalogue": catalogue.pk,
            "format": 0,
            "import_file": SimpleUploadedFile("katalog.csv", csv_bytes(rows)),
            **options,
        },
    )


def seven_proposals_three_lines(catalogue):
    """Proposals 1–5 exist (changed by the file), 6 and 7 are new; proposal 1 gets two lines and a
    "heraf" line, which are three saved lines, not three skipped rows."""
    rows = [row(code="1", theme="Tema 1", title="Ændret 1", net=["-1.000"] * 4)]
    rows += [
        row(kind="linje", code="1", title="Lukning af café", net=["-700"] * 4),
        row(kind="linje", code="1", title="Færre vikarer", net=["-300"] * 4),
        row(kind="heraf", code="1", title="Heraf løn", net=["-200"] * 4),
    ]
    rows += [row(code=str(n), theme="Tema 1", title=f"Ændret {n}", net=["-1.000"] * 4) for n in range(2, 6)]
    rows += [row(code=str(n), theme="Tema 1", title=f"Nyt {n}", net=["-10"] * 4) for n in (6, 7)]
    return rows


def test_the_admin_is_branded_budgetkataloger(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert re.search(r"<title>[^<]*Budgetkataloger</title>", html)
    assert '<div id="site-name"><a href="/admin/">Budgetkataloger</a></div>' in html
    assert "Django" not in html


def test_the_proposal_list_offers_the_import_in_danish(admin_client):
    html = admin_client.get(reverse("admin:proposals_proposal_changelist")).content.decode()
    assert "Importér regneark</a>" in html
    assert not english_in(html)


def test_the_import_page_is_danish_and_lists_the_chosen_catalogues_columns(admin_client):
    catalogue = make_catalogue(proposals=1)
    html = admin_client.get(reverse("admin:proposals_proposal_import"), {"catalogue": catalogue.pk}).content.decode()
    assert "<h1>Importér regneark</h1>" in html
    assert "Filen kan have disse kolonner:" in html and "Netto 2027" in html and "Årsværk 2024" in html
    assert '<label for="id_import_file">Regneark:</label>' in html
    assert 'value="Prøvekør importen"' in html
    assert not english_in(html), english_in(html)


def test_the_preview_lists_lines_and_of_which_lines_under_their_proposal(admin_client):
    catalogue = make_catalogue(proposals=5)
    response = upload(admin_client, catalogue, seven_proposals_three_lines(catalogue))
    html = response.content.decode()
    assert response.context["confirm_form"] is not None
    assert not english_in(html), english_in(html)
    assert "Nedenfor ses, hvad importen vil gøre." in html and 'value="Bekræft import"' in html

    rows = response.context["preview_rows"]
    assert [(r.kind, r.code, r.title.value) for r in rows[:5]] == [
        ("proposal", "1", "Ændret 1"),
        ("line", "1", "Lukning af café"),
        ("line", "1", "Færre vikarer"),
        ("of_which", "1", "Heraf løn"),
        ("proposal", "2", "Ændret 2"),
    ]
    assert [(r.status_label, r.code) for r in rows if r.kind == "proposal"] == [
        ("Ændret", "1"),
        ("Ændret", "2"),
        ("Ændret", "3"),
        ("Ændret", "4"),
        ("Ændret", "5"),
        ("Ny", "6"),
        ("Ny", "7"),
    ]
    # A changed proposal's title shows what it replaces; a line's amounts are in the catalogue's convention.
    assert (rows[0].title.value, rows[0].title.before) == ("Ændret 1", "Forslag 1")
    assert [c.value for c in rows[1].figures[:4]] == ["-700"] * 4
    # In the page: the line rows stand between proposal 1 and proposal 2.
    table = html[html.index("app-import-preview") :]
    positions = [
        table.index(text) for text in ("Ændret 1", "Lukning af café", "Færre vikarer", "Heraf løn", "Ændret 2")
    ]
    assert positions == sorted(positions)
    assert '<del><span class="visually-hidden">før: </span>Forslag 1</del>' in table


def test_the_preview_shows_stored_figures_in_the_catalogues_own_convention(admin_client):
    catalogue = make_catalogue(proposals=1, sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE)
    response = upload(
        admin_client, catalogue, [row(code="1", theme="Tema 1", net=["1.200", "1.000", "1.000", "1.000"])]
    )
    first = response.context["preview_rows"][0]
    assert (first.figures[0].value, first.figures[0].before) == ("1.200", "1.000")  # a saving, written positive
    assert first.figures[1].before is None  # unchanged year


def test_the_confirmation_counts_proposals_and_lines(admin_client):
    catalogue = make_catalogue(proposals=5)
    preview = upload(admin_client, catalogue, seven_proposals_three_lines(catalogue))
    response = admin_client.post(
        reverse("admin:proposals_proposal_process_import"), preview.context["confirm_form"].initial, follow=True
    )
    texts = [str(m) for m in response.context["messages"]]
    success = [t for t in texts if t.startswith("Importeret")]
    assert success == [f"Importeret i «{catalogue}»: 7 forslag (2 nye, 5 ændrede), 3 linjer."], texts
    assert not any("skipped" in t or "Import finished" in t for t in texts)
    assert catalogue.proposals.get(code="1").lines.count() == 3


def test_the_confirmation_names_unchanged_and_single_counts(admin_client):
    catalogue = make_catalogue(proposals=2)
    rows = [
        row(
            code="1",
            theme="Tema 1",
            title="Forslag 1",
            net=["-1.000"] * 4,
            fte=["1,5"] * 4,
            text="Beskrivelse af forslag 1",
        ),
        row(code="2", theme="Tema 1", title="Nyt navn", net=["-1.000"] * 4, fte=["1,5"] * 4),
        row(kind="linje", code="2", title="Eneste linje", net=["-1.000"] * 4),
    ]
    preview = upload(admin_client, catalogue, rows)
    response = admin_client.post(
        reverse("admin:proposals_proposal_process_import"), preview.context["confirm_form"].initial, follow=True
    )
    texts = [str(m) for m in response.context["messages"]]
    assert texts[0] == (f"Importeret i «{catalogue}»: 1 forslag (0 nye, 1 ændret), 1 linje. 1 forslag var uændret."), (
        texts
    )


def test_imported_proposals_are_in_the_admin_history_in_danish(admin_client):
    catalogue = make_catalogue(proposals=1)
    rows = [row(code="1", theme="Tema 1", title="Ændret", net=["-1.000"] * 4), row(code="2", theme="Tema 1")]
    preview = upload(admin_client, catalogue, rows)
    admin_client.post(reverse("admin:proposals_proposal_process_import"), preview.context["confirm_form"].initial)
    entries = {(e.object_repr, e.action_flag, e.get_change_message()) for e in LogEntry.objects.all()}
    changed = catalogue.proposals.get(code="1")
    added = catalogue.proposals.get(code="2")
    assert entries == {
        (str(changed), CHANGE, "Ændret ved import af regneark."),
        (str(added), ADDITION, "Oprettet ved import af regneark."),
    }


def test_year_row_inputs_are_named_by_column_and_year(admin_client):
    catalogue = make_catalogue(proposals=1, lines=True)
    proposal = catalogue.proposals.get()
    html = admin_client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk])).content.decode()
    assert 'aria-label="Nettoændring (1.000 kr.) for 2025"' in html
    assert 'aria-label="Personaleændring (årsværk) for 2025"' in html
    # Every other input of a table row has a (visually hidden) label of its own.
    assert '<label class="visually-hidden" for="id_lines-0-text">Tekst' in html
    assert '<label class="visually-hidden" for="id_years-0-DELETE">Slet (2024)</label>' in html

    html = admin_client.get(reverse("admin:proposals_catalogue_change", args=[catalogue.pk])).content.decode()
    assert 'aria-label="Måltal for 2024"' in html
