"""Writes to catalogues: spreadsheet import and export, and loading the seed catalogues.

Admin, management commands and the seed loader call these functions; none of them
writes catalogue figures by another way."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .history import recording, seed_reason
from .models import BudgetAgreement, Catalogue, CatalogueYear, Department
from .numbers import parse_amount, parse_decimal
from .spreadsheets.errors import CatalogueFileError, RowError, old_excel_message
from .spreadsheets.export import export_dataset
from .spreadsheets.importer import CatalogueImport
from .spreadsheets.outcome import ImportOutcome
from .spreadsheets.reading import FORMATS, load_dataset
from .spreadsheets.safety import neutralise_dataset, xlsx_bytes

SEED_DIR = Path(__file__).resolve().parent / "seed_data"
SEED_MANIFEST = SEED_DIR / "manifest.json"


class SeedLoadError(Exception):
    """A shipped seed file does not import cleanly or does not balance."""


def format_from_filename(name):
    """ "katalog.xlsx" -> "xlsx"; raises CatalogueFileError for other extensions."""
    suffix = Path(str(name)).suffix.lower().lstrip(".")
    if suffix == "xls":
        raise CatalogueFileError(old_excel_message())
    if suffix not in FORMATS:
        raise CatalogueFileError(
            _("Filtypen «.%(ext)s» kendes ikke. Brug en .csv- eller .xlsx-fil.") % {"ext": suffix}
            if suffix
            else _("Filen har ingen filtype. Brug en .csv- eller .xlsx-fil, eller angiv formatet.")
        )
    return suffix


def import_catalogue_rows(
    catalogue,
    data,
    file_format,
    *,
    dry_run,
    user=None,
    file_name=None,
    create_themes=False,
    delete_missing=False,
):
    """Import a CSV/XLSX file (bytes) into ``catalogue``; all or nothing.

    With ``dry_run`` nothing is kept, but the outcome shows what would be created,
    updated, kept or deleted and the balance check as it would be after the import.
    Proposals that are in the catalogue but not in the file are reported in
    ``outcome.missing`` and deleted only with ``delete_missing``. Every change is in the
    figure history under ``user`` with the reason "Import af <file_name>"."""
    try:
        dataset = load_dataset(data, file_format)
    except CatalogueFileError as exc:
        return ImportOutcome(catalogue=catalogue, dry_run=dry_run, errors=[RowError(None, "", m) for m in exc.messages])
    importer = CatalogueImport(catalogue, create_themes=create_themes, delete_missing=delete_missing)
    return importer.run(dataset, dry_run=dry_run, user=user, file_name=file_name)


def export_catalogue_rows(catalogue, file_format):
    """The catalogue in the import format as bytes: CSV (UTF-8 with BOM, semicolons, so
    Danish Excel opens it) or XLSX (numbers as number cells).

    Neither can carry a formula (``proposals.spreadsheets.safety``): a CSV text cell that
    starts with = + - @ tab or CR gets a leading apostrophe, which the importer removes;
    an XLSX text is always a text cell."""
    if file_format == "csv":
        text = neutralise_dataset(export_dataset(catalogue)).export("csv", delimiter=";")
        return text.encode("utf-8-sig")
    if file_format == "xlsx":
        return xlsx_bytes(export_dataset(catalogue, numeric=True), title=catalogue.slug[:31])
    raise CatalogueFileError(_("Ukendt filformat «%(format)s». Brug CSV eller XLSX.") % {"format": file_format})


# --------------------------------------------------------------------------- seeds


def _upsert(model, lookup, values, *, update=True):
    """Create, or (``update``) update; save only when something differs. Returns (obj, changed)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    if not update:
        return obj, False
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save()
    return obj, bool(changed)


def read_seed_manifest(path=SEED_MANIFEST):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


@transaction.atomic
def load_seed_catalogues(manifest_path=SEED_MANIFEST, *, reset=False, user=None):
    """Create the seed departments, budget agreement and catalogues that do not exist yet,
    importing each catalogue's CSV through the same importer users use.

    What exists is left alone, so running it again (``bin/run`` does at every start) never
    undoes a user's changes; ``reset`` restores everything to the documents' figures.
    Every change is in the figure history under ``user`` with the reason "Seed-katalog
    indlæst/nulstillet fra <file>".
    Returns ``[(catalogue, outcome)]`` with outcome None for a catalogue left alone. Raises
    SeedLoadError (and rolls back) when a file does not import or a catalogue does not balance."""
    manifest = read_seed_manifest(manifest_path)
    base = Path(manifest_path).parent
    departments = {}
    for dep in manifest["departments"]:
        values = {k: v for k, v in dep.items() if k != "code"}
        departments[dep["code"]], _changed = _upsert(Department, {"code": dep["code"]}, values, update=reset)
    agreements = {}
    for agr in manifest["agreements"]:
        values = {
            "agreed_on": datetime.date.fromisoformat(agr["agreed_on"]) if agr.get("agreed_on") else None,
            "description": agr.get("description", ""),
        }
        agreements[agr["name"]], _changed = _upsert(BudgetAgreement, {"name": agr["name"]}, values, update=reset)
    results = []
    for spec in manifest["catalogues"]:
        if not reset and Catalogue.objects.filter(slug=spec["slug"]).exists():
            results.append((Catalogue.objects.get(slug=spec["slug"]), None))
            continue
        with recording(user=user, reason=seed_reason(spec["file"], reset=reset)):
            catalogue = _load_seed_catalogue(spec, departments, agreements, base)
            outcome = import_catalogue_rows(
                catalogue,
                (base / spec["file"]).read_bytes(),
                "csv",
                dry_run=False,
                user=user,
                file_name=spec["file"],
                create_themes=True,
                delete_missing=True,
            )
        if not outcome.ok:
            raise SeedLoadError(f"{spec['file']}: " + "; ".join(outcome.error_messages()))
        if not outcome.balance.consistent:
            raise SeedLoadError(f"{spec['slug']}: " + "; ".join(outcome.balance.messages()))
        results.append((catalogue, outcome))
    return results


def _load_seed_catalogue(spec, departments, agreements, base):
    values = {
        "department": departments[spec["department"]],
        "agreement": agreements.get(spec.get("agreement")),
        "title": spec["title"],
        "kind": spec["kind"],
        "first_year": spec["first_year"],
        "last_year": spec["last_year"],
        "price_level": spec.get("price_level", "2024-PL"),
        "unit": spec.get("unit", "1.000 kr."),
        "sector": spec.get("sector", ""),
        "sign_convention": spec["sign_convention"],
        "background": spec.get("background", ""),
        "footnotes": spec.get("footnotes", ""),
    }
    catalogue, _changed = _upsert(Catalogue, {"slug": spec["slug"]}, values)
    # Targets and stated staffing totals are written in the document's own convention.
    for year in catalogue.years:
        target = parse_amount(spec.get("targets", {}).get(str(year)))
        fte = parse_decimal(spec.get("stated_fte", {}).get(str(year)))
        _upsert(
            CatalogueYear,
            {"catalogue": catalogue, "year": year},
            {
                "target": catalogue.from_display(target),
                "stated_fte_total": None if fte is None else Decimal(catalogue.from_display(fte)),
            },
        )
    return catalogue
