"""Export of a catalogue re-imports to the identical catalogue (CSV and XLSX)."""

import pytest
from django.core.management import call_command

from proposals.models import Catalogue, CatalogueYear, Theme
from proposals.services import export_catalogue_rows, import_catalogue_rows
from proposals.snapshots import catalogue_snapshot
from tests.factories import make_catalogue

pytestmark = pytest.mark.django_db


def copy_header(source, slug):
    """A fresh catalogue with the same header facts and themes, but no proposals."""
    fields = {f.name: getattr(source, f.name) for f in Catalogue._meta.fields if f.name not in ("id", "slug")}
    fields.pop("created_at"), fields.pop("updated_at")
    target = Catalogue.objects.create(slug=slug, **fields)
    CatalogueYear.objects.bulk_create(
        CatalogueYear(catalogue=target, year=y.year, target=y.target, stated_fte_total=y.stated_fte_total)
        for y in source.year_rows.all()
    )
    return target


def comparable(snapshot):
    snapshot["catalogue"].pop("id")
    snapshot["catalogue"].pop("slug")
    return snapshot


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_seed_catalogues_round_trip(fmt):
    call_command("load_seed_catalogues", stdout=open("/dev/null", "w"))
    for source in Catalogue.objects.all():
        target = copy_header(source, f"kopi-{source.slug}"[:80])
        data = export_catalogue_rows(source, fmt)
        outcome = import_catalogue_rows(target, data, fmt, dry_run=False)
        assert outcome.ok, outcome.error_messages()
        assert comparable(catalogue_snapshot(target)) == comparable(catalogue_snapshot(source)), source.slug
        assert outcome.balance.balanced


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("convention", ["savings_positive", "savings_negative"])
def test_factory_catalogue_round_trip(fmt, convention):
    source = make_catalogue(proposals=4, lines=True, fte="-2.75", sign_convention=convention, years=(2026, 2027, 2028))
    p = source.proposals.get(code="2")
    p.reduces_service, p.from_innovation_proposal, p.is_phase_in = True, False, True
    p.footnote, p.affected_units, p.risk_assessment = "Fodnote; med semikolon", "Enhed A\nEnhed B", 'Lav "risiko"'
    p.description = "=1+1 er tekst, ikke en formel"
    p.save()
    p.years.filter(year=2027).delete()  # a proposal may lack a year
    second = Theme.objects.create(catalogue=source, title="Tema 2", position=2)
    source.proposals.filter(code="3").update(theme=second)
    target = copy_header(source, "kopi")
    Theme.objects.create(catalogue=target, title="Tema 1", position=1)
    Theme.objects.create(catalogue=target, title="Tema 2", position=2)
    outcome = import_catalogue_rows(target, export_catalogue_rows(source, fmt), fmt, dry_run=False)
    assert outcome.ok, outcome.error_messages()
    assert comparable(catalogue_snapshot(target)) == comparable(catalogue_snapshot(source))


def test_csv_export_is_danish_and_in_the_catalogues_convention():
    call_command("load_seed_catalogues", stdout=open("/dev/null", "w"))
    mso = Catalogue.objects.get(slug="mso-omprioriteringer-velfaerdspuljen-2024")
    text = export_catalogue_rows(mso, "csv").decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.startswith(
        "Række;Kode;Tema;Titel;Type;Indfasning;Netto 2024;Netto 2025;Netto 2026;Netto 2027;Årsværk 2024"
    )
    assert first.startswith(
        "forslag;1;;Effekt af Styrket Rehabilitering og brug af hjælpemidler mv.;Eff;nej;11.100;11.100;"
    )
    assert ";-1.960;1.400;" in text
    msb = Catalogue.objects.get(slug="msb-omprioriteringskatalog-2024-2027")
    text = export_catalogue_rows(msb, "csv").decode("utf-8-sig")
    assert "heraf;BFF-3A;;Internt MSB-råderum;;;-385;-285;-1.335;-1.635" in text
    assert ";-1.300;-1.300;-1.700;-1.700" not in text  # FTE are decimals, not thousands
    assert ";-1,3;-1,3;-1,7;-1,7;" in text


def test_xlsx_text_that_looks_like_a_formula_is_a_text_cell():
    from io import BytesIO

    from openpyxl import load_workbook

    catalogue = make_catalogue(proposals=1)
    catalogue.proposals.update(title='=HYPERLINK("http://example.com")')
    sheet = load_workbook(BytesIO(export_catalogue_rows(catalogue, "xlsx"))).active
    title = sheet.cell(row=2, column=4)
    assert sheet.cell(row=1, column=4).value == "Titel"
    assert title.value == '=HYPERLINK("http://example.com")' and title.data_type == "s"
