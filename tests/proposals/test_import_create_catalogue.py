"""Issue 25, finding 7: a new catalogue from a file. ``import_catalogue --create`` (and the admin's
"Opret katalog fra fil") take the header facts (department, years, sign convention, targets,
title, kind, price level, unit, sector) from the file's header block or from options, refuse
clearly when something required is missing or contradicted, and import the proposals, all or
nothing. A file imported into an existing catalogue has its header block checked against it.
And the importer is told when a file has no "Art" column."""

import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from proposals.models import Catalogue, ImportJob, ProposalYear
from proposals.services import import_catalogue_rows
from tests.approval_factories import make_department_admin
from tests.factories import make_catalogue, make_department, make_user
from tests.importing import HEADERS

pytestmark = pytest.mark.django_db

BLOCK = [
    ["Magistratsafdeling:", "MSB"],
    ["Titel", "Omprioriteringskatalog 2025-2027"],
    ["Katalogtype", "Omprioriteringskatalog"],
    ["År", "2025-2027"],
    ["Fortegn", "Besparelser positive"],
    ["Prisniveau", "2025-PL"],
    ["Enhed", "1.000 kr."],
    ["Sektor", "1.20 Drift"],
    ["Måltal 2025", "1.500"],
    ["Måltal 2026", "1.500"],
    ["Måltal 2027", "1.500"],
    ["Personaleændringer 2025", "2,5"],
]
HEADERS_3 = [h for h in HEADERS if not h.endswith("2024")]
ROWS = [
    ["forslag", "A1", "Tema 1", "Færre vikarer", "Eff", "nej", "1.000", "1.000", "1.000", "2,5", "", "", ""],
    ["forslag", "A2", "Tema 2", "Ny indkøbsaftale", "Eff", "nej", "500", "500", "500", "", "", "", ""],
]


def block_csv(block=BLOCK, rows=ROWS, headers=HEADERS_3):
    lines = [";".join(cells) for cells in block] + [""] + [";".join(headers)] + [";".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def block_xlsx(block=BLOCK, rows=ROWS, headers=HEADERS_3):
    book = Workbook()
    sheet = book.active
    for cells in [*block, [], headers, *rows]:
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def msb():
    return make_department("MSB", name="Sociale Forhold og Beskæftigelse")


def create(tmp_path, slug, data, *options, name="nyt.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    out = StringIO()
    call_command("import_catalogue", slug, str(path), "--create", *options, stdout=out)
    return out.getvalue()


def create_refused(tmp_path, slug, data, *options):
    path = tmp_path / "nyt.csv"
    path.write_bytes(data)
    out = StringIO()
    with pytest.raises(CommandError, match="intet er gemt"):
        call_command("import_catalogue", slug, str(path), "--create", *options, stdout=out)
    assert not Catalogue.objects.filter(slug=slug).exists()
    return out.getvalue()


@pytest.mark.parametrize("make, name", [(block_csv, "nyt.csv"), (block_xlsx, "nyt.xlsx")])
def test_create_takes_the_header_facts_from_the_files_header_block(tmp_path, msb, make, name):
    out = create(tmp_path, "msb-2025", make(), "--user", make_user("kirsten").username, name=name)
    catalogue = Catalogue.objects.get(slug="msb-2025")
    assert (catalogue.department, catalogue.title, catalogue.kind) == (
        msb,
        "Omprioriteringskatalog 2025-2027",
        Catalogue.Kind.REPRIORITISATION,
    )
    assert (catalogue.first_year, catalogue.last_year, catalogue.sign_convention) == (
        2025,
        2027,
        Catalogue.SignConvention.SAVINGS_POSITIVE,
    )
    assert (catalogue.price_level, catalogue.unit, catalogue.sector) == ("2025-PL", "1.000 kr.", "1.20 Drift")
    # Targets and stated staffing in the file's convention (savings positive), stored internally.
    years = {y.year: (y.target, y.stated_fte_total) for y in catalogue.year_rows.all()}
    assert years == {2025: (-1500, Decimal("-2.5")), 2026: (-1500, None), 2027: (-1500, None)}
    assert list(catalogue.proposals.values_list("code", "theme__title")) == [("A1", "Tema 1"), ("A2", "Tema 2")]
    assert ProposalYear.objects.get(proposal__code="A1", year=2025).net_amount == -1000
    assert "Nyt katalog «Omprioriteringskatalog 2025-2027» (msb-2025): MSB, 2025–2027, besparelser positive" in out
    assert "prisniveau 2025-PL, enhed 1.000 kr., måltal 2025 1.500; 2026 1.500; 2027 1.500." in out
    assert "Katalogoplysninger i række 1–12." in out and "Kataloget balancerer." in out
    assert set(catalogue.history.values_list("history_user__username", "history_change_reason")) == {
        ("kirsten", f"Import af {name}")
    }


def test_create_from_options_without_a_header_block(tmp_path, msb):
    headerless = ("\r\n".join([";".join(HEADERS_3), *[";".join(r) for r in ROWS]]) + "\r\n").encode()
    create(
        tmp_path,
        "fra-valg",
        headerless,
        "--department=MSB",
        "--title=Fra valg",
        "--years=2025-2027",
        "--convention=savings_positive",
        "--target=2025=1.500",
        "--target=2026=1.500",
        "--target=2027=1.500",
    )
    catalogue = Catalogue.objects.get(slug="fra-valg")
    assert (catalogue.title, catalogue.first_year, catalogue.last_year) == ("Fra valg", 2025, 2027)
    assert catalogue.kind == Catalogue.Kind.SAVINGS  # the model's default when none is given
    assert [y.target for y in catalogue.year_rows.all()] == [-1500, -1500, -1500]


def test_create_refuses_clearly_when_required_facts_are_missing(tmp_path, msb):
    block = [cells for cells in BLOCK if cells[0] not in ("Magistratsafdeling:", "Fortegn")]
    out = create_refused(tmp_path, "mangler", block_csv(block=block))
    assert (
        "Katalogets oplysninger mangler: Magistratsafdeling, Fortegn. Skriv dem over kolonneoverskrifterne i filen"
        in out
    )


def test_an_option_may_not_contradict_the_file(tmp_path, msb):
    out = create_refused(tmp_path, "modsigelse", block_csv(), "--convention=Besparelser negative")
    assert (
        "«Fortegn» er givet to gange med forskellige værdier: «Besparelser positive (udgifter negative)» (række 5) og "
        "«Besparelser negative (udgifter positive)»." in out
    )


def test_bad_facts_are_named_by_row(tmp_path, msb):
    block = [["År", "2025 til"] if cells[0] == "År" else cells for cells in BLOCK]
    block = [["Magistratsafdeling:", "XYZ"] if cells[0] == "Magistratsafdeling:" else cells for cells in block]
    out = create_refused(tmp_path, "forkert", block_csv(block=block))
    assert "Række 1, kolonne «B»: Magistratsafdelingen «XYZ» findes ikke. Skriv dens kode (fx MSB)." in out
    assert "Række 4, kolonne «B»: «2025 til» er ikke en periode; skriv fx 2025-2031." in out


def test_an_existing_catalogue_is_not_created_again(tmp_path, msb):
    make_catalogue(slug="findes")
    path = tmp_path / "nyt.csv"
    path.write_bytes(block_csv())
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_catalogue", "findes", str(path), "--create", stdout=out)
    assert "Kataloget «findes» findes allerede. Importér filen i det, eller vælg et andet kort navn." in out.getvalue()


def test_a_bad_proposal_row_leaves_no_catalogue_behind(tmp_path, msb):
    rows = [ROWS[0], ["forslag", "A2", "Tema 2", "X", "Eff", "nej", "mange", "1", "1", "", "", "", ""]]
    out = create_refused(tmp_path, "halv", block_csv(rows=rows))
    assert "Række 16, kolonne «Netto 2025»: «mange» er ikke et tal" in out


def test_a_dry_run_creates_nothing(tmp_path, msb):
    out = create(tmp_path, "proeve", block_csv(), "--dry-run")
    assert "Prøvekørsel: intet er gemt." in out and "Nye forslag (2): A1, A2" in out
    assert not Catalogue.objects.filter(slug="proeve").exists()


def test_creation_options_without_create_are_refused(tmp_path, msb):
    catalogue = make_catalogue()
    path = tmp_path / "fil.csv"
    path.write_bytes(block_csv())
    with pytest.raises(CommandError, match="--department, --years bruges kun med --create"):
        call_command("import_catalogue", catalogue.slug, str(path), "--department=MSB", "--years=2025-2027")


# --------------------------------------------------------------------------- a header block in an ordinary import


def test_a_header_block_that_contradicts_the_catalogue_is_refused_naming_its_row(msb):
    catalogue = make_catalogue(
        department=msb, years=(2025, 2026, 2027), sign_convention=Catalogue.SignConvention.SAVINGS_NEGATIVE
    )
    block = [cells for cells in BLOCK if cells[0] in ("Magistratsafdeling:", "År", "Fortegn")]
    outcome = import_catalogue_rows(catalogue, block_csv(block=block), "csv", dry_run=True, create_themes=True)
    assert outcome.error_messages() == [
        f"Række 3, kolonne «B»: Filen siger fortegn «Besparelser positive (udgifter negative)», men kataloget "
        f"«{catalogue}» har «Besparelser negative (udgifter positive)». Ret filen, eller ret kataloget i "
        "administrationen, og prøv igen."
    ]


def test_a_header_block_that_agrees_with_the_catalogue_is_read(msb):
    catalogue = make_catalogue(
        department=msb, years=(2025, 2026, 2027), sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE, target=None
    )
    block = [cells for cells in BLOCK if cells[0] in ("Magistratsafdeling:", "År", "Fortegn")]
    outcome = import_catalogue_rows(catalogue, block_csv(block=block), "csv", dry_run=True, create_themes=True)
    assert outcome.ok, outcome.error_messages()
    assert "Katalogoplysninger i række 1–3." in outcome.summary_lines()


# --------------------------------------------------------------------------- no "Art" column


NO_KIND = "Filen har ingen kolonne «Art»: nye forslag får ingen art, og eksisterende forslag beholder deres."


def test_the_command_line_and_the_admin_say_when_the_file_has_no_kind_column(tmp_path, client, msb):
    out = create(tmp_path, "uden-art", block_csv())
    assert NO_KIND in out
    catalogue = Catalogue.objects.get(slug="uden-art")
    assert set(catalogue.proposals.values_list("kind", flat=True)) == {""}
    client.force_login(make_user("chef", is_staff=True, is_superuser=True))
    headerless = ("\r\n".join([";".join(HEADERS_3), *[";".join(r) for r in ROWS]]) + "\r\n").encode()
    response = client.post(
        reverse("admin:proposals_proposal_import"),
        {"catalogue": catalogue.pk, "format": 0, "import_file": SimpleUploadedFile("fil.csv", headerless)},
    )
    assert NO_KIND in response.content.decode()


# --------------------------------------------------------------------------- the admin's "Opret katalog fra fil"


def test_the_admin_creates_a_catalogue_from_a_file_after_a_preview(client, msb, django_capture_on_commit_callbacks):
    client.force_login(make_user("chef", is_staff=True, is_superuser=True))
    changelist = client.get(reverse("admin:proposals_catalogue_changelist")).content.decode()
    url = reverse("admin:proposals_catalogue_create_from_file")
    assert f'href="{url}"' in changelist
    block = [cells for cells in BLOCK if cells[0] != "Titel"]  # the title typed in the form instead
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "import_file": SimpleUploadedFile("nyt.csv", block_csv(block=block)),
                "slug": "fra-admin",
                "title": "Fra admin",
            },
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/import/{job.token}/")
    assert job.state == ImportJob.State.PREVIEWED and not Catalogue.objects.filter(slug="fra-admin").exists()
    html = client.get(response["Location"]).content.decode()
    assert "Nyt katalog «Fra admin» (fra-admin): MSB, 2025–2027" in html and 'name="confirm"' in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"confirm": "1"})
    catalogue = Catalogue.objects.get(slug="fra-admin")
    assert catalogue.proposals.count() == 2 and catalogue.department == msb
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.catalogue == catalogue


def test_the_admin_creates_no_catalogue_in_a_department_the_user_does_not_administer(
    client, msb, django_capture_on_commit_callbacks
):
    mine = make_department("MSO", name="Sundhed og Omsorg")
    user = make_department_admin(mine)
    client.force_login(user)
    url = reverse("admin:proposals_catalogue_create_from_file")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"import_file": SimpleUploadedFile("nyt.csv", block_csv()), "slug": "ikke-min"})
    if response.status_code == 403:
        pytest.skip("this user may not add catalogues at all")
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED
    assert "Du administrerer ikke magistratsafdelingen «MSB»." in " ".join(job.summary)
    assert not Catalogue.objects.filter(slug="ikke-min").exists()
