"""The import_catalogue and export_catalogue commands."""

import pytest
from django.core.management import CommandError, call_command

from proposals.services import export_catalogue_rows
from proposals.snapshots import catalogue_snapshot
from tests.factories import make_catalogue
from tests.importing import csv_bytes, row

pytestmark = pytest.mark.django_db


def call(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_dry_run_prints_preview_and_saves_nothing(tmp_path):
    catalogue = make_catalogue(proposals=2)
    path = tmp_path / "katalog.csv"
    path.write_bytes(csv_bytes([row(code="3", theme="Tema 1", net=["-500"] * 4)]))
    before = catalogue_snapshot(catalogue)
    out = call("import_catalogue", catalogue.slug, str(path), "--dry-run")
    assert "Prøvekørsel: intet er gemt." in out
    assert "Nye forslag (1): 3" in out
    assert "bevares: 1, 2" in out
    assert "Balancetjek: Kataloget balancerer ikke: " in out
    assert catalogue_snapshot(catalogue) == before
    out = call("import_catalogue", str(catalogue.pk), str(path))
    assert "Importen er gemt." in out and catalogue.proposals.filter(code="3").exists()


def test_errors_exit_non_zero(tmp_path):
    catalogue = make_catalogue(proposals=1)
    path = tmp_path / "katalog.csv"
    path.write_bytes(csv_bytes([row(code="1", theme="Tema 1", net=["abc"] * 4)]))
    with pytest.raises(CommandError, match="4 fejl; intet er gemt"):
        call("import_catalogue", catalogue.slug, str(path))


def test_format_from_extension_and_override(tmp_path):
    catalogue = make_catalogue(proposals=1)
    path = tmp_path / "katalog.txt"
    path.write_bytes(export_catalogue_rows(catalogue, "csv"))
    with pytest.raises(CommandError, match="Filtypen «.txt» kendes ikke"):
        call("import_catalogue", catalogue.slug, str(path))
    assert "Uændrede forslag: 1" in call("import_catalogue", catalogue.slug, str(path), "--format", "csv")
    old_excel = tmp_path / "katalog.xls"
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(CommandError, match=r"gamle Excel-format \(\.xls\)\. Gem den som \.xlsx"):
        call("import_catalogue", catalogue.slug, str(old_excel))


def test_unknown_catalogue_and_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Kataloget «findes-ikke» findes ikke"):
        call("import_catalogue", "findes-ikke", str(tmp_path / "x.csv"))
    catalogue = make_catalogue(proposals=1)
    with pytest.raises(CommandError, match="kan ikke læses"):
        call("import_catalogue", catalogue.slug, str(tmp_path / "x.csv"))


def test_export_to_file_and_stdout(tmp_path):
    catalogue = make_catalogue(proposals=2)
    call("export_catalogue", catalogue.slug, str(tmp_path / "k.xlsx"))
    assert (tmp_path / "k.xlsx").read_bytes()[:2] == b"PK"
    out = call("export_catalogue", catalogue.slug, "-")
    assert out.splitlines()[0].startswith("Række;Kode;Tema;Titel")
    assert "forslag;2;Tema 1;Forslag 2;Eff;nej;-1.000" in out
