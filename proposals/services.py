"""Writes to catalogues: spreadsheet import and export, and loading the seed catalogues.

Admin, management commands and the seed loader call these functions; none of them
writes catalogue figures by another way."""

import datetime
import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import router, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .history import import_reason, recording, seed_reason
from .history_selectors import AMOUNT_FIELDS, FTE_FIELDS, catalogue_changes_since, figure_history
from .models import (
    BreakdownLine,
    BreakdownLineYear,
    BudgetAgreement,
    Catalogue,
    CatalogueChange,
    CatalogueYear,
    Department,
    FollowUpGoal,
    Proposal,
    ProposalYear,
)
from .numbers import NumberFormatError, format_amount, format_decimal, parse_amount, parse_decimal
from .spreadsheets.errors import CatalogueFileError, RowError, old_excel_message
from .spreadsheets.export import export_dataset
from .spreadsheets.header_block import add_options, block_facts, fact_label, missing_facts, shown
from .spreadsheets.importer import CatalogueImport
from .spreadsheets.outcome import ImportOutcome
from .spreadsheets.reading import FORMATS, load_dataset
from .spreadsheets.safety import csv_text, xlsx_bytes
from .user_errors import UserError

SEED_DIR = Path(__file__).resolve().parent / "seed_data"
SEED_MANIFEST = SEED_DIR / "manifest.json"


class SeedLoadError(UserError):
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
    reason="",
):
    """Import a CSV/XLSX file (bytes) into ``catalogue``; all or nothing.

    With ``dry_run`` nothing is kept, but the outcome shows what would be created,
    updated, kept or deleted and the balance check as it would be after the import.
    Proposals that are in the catalogue but not in the file are reported in
    ``outcome.missing`` and deleted only with ``delete_missing``. Every change is in the
    figure history under ``user`` with the reason "Import af <file_name>", or ``reason``, the
    importer's own words (required when the catalogue's changes are told: signed off)."""
    try:
        dataset = load_dataset(data, file_format)
    except CatalogueFileError as exc:
        return ImportOutcome(catalogue=catalogue, dry_run=dry_run, errors=[RowError(None, "", m) for m in exc.messages])
    importer = CatalogueImport(catalogue, create_themes=create_themes, delete_missing=delete_missing)
    return importer.run(dataset, dry_run=dry_run, user=user, file_name=file_name, reason=reason)


def _file_errors(exc):
    return [RowError(None, "", m) for m in exc.messages]


def create_catalogue_from_file(slug, data, file_format, **kwargs):
    """``create_catalogue_from_dataset`` of a file's bytes. -> (catalogue or None, outcome)."""
    try:
        dataset = load_dataset(data, file_format)
    except CatalogueFileError as exc:
        return None, ImportOutcome(catalogue=None, dry_run=kwargs.get("dry_run", False), errors=_file_errors(exc))
    return create_catalogue_from_dataset(slug, dataset, **kwargs)


def create_catalogue_from_dataset(
    slug, dataset, *, options=None, dry_run, user=None, file_name=None, progress=None, may_administer=None
):
    """A new catalogue ``slug`` from a file (``reading.load_dataset``): its header facts from the
    file's header block (``spreadsheets.header_block``) and ``options`` (fact -> text, as typed
    on the command line or in the admin; they may complete the block, not contradict it), then
    the file's proposals imported into it (themes created). All or nothing: with any error, or
    in a dry run, neither the catalogue nor a proposal is kept. ``may_administer(department)``
    says whether the user may create a catalogue in that department (the admin's scope).
    -> (the catalogue, or None when nothing was kept, ImportOutcome)."""

    def refused(errors):
        return None, ImportOutcome(catalogue=None, dry_run=dry_run, errors=errors)

    facts, errors = block_facts(dataset.block)
    if errors:
        return refused(errors)
    try:
        add_options(facts, options or {})
    except UserError as exc:
        return refused([RowError(None, "", m) for m in exc.messages])
    missing = missing_facts(facts)
    if missing:
        return refused(
            [
                RowError(
                    None,
                    "",
                    _(
                        "Katalogets oplysninger mangler: %(facts)s. Skriv dem over kolonneoverskrifterne i filen (fx "
                        "«Magistratsafdeling» i første celle og «MSB» i den næste; se vejledningen), eller angiv dem "
                        "ved importen."
                    )
                    % {"facts": ", ".join(missing)},
                )
            ]
        )
    values = facts.values
    errors = []
    if (
        not slug
        or not re.fullmatch(r"[-a-zA-Z0-9_]+", slug)
        or len(slug) > Catalogue._meta.get_field("slug").max_length
    ):
        errors.append(
            _("«%(slug)s» kan ikke bruges som kort navn: brug bogstaver a-z, tal og bindestreg.") % {"slug": slug}
        )
    elif Catalogue.objects.filter(slug=slug).exists():
        errors.append(
            _("Kataloget «%(slug)s» findes allerede. Importér filen i det, eller vælg et andet kort navn.")
            % {"slug": slug}
        )
    if may_administer is not None and not may_administer(values["department"]):
        errors.append(
            _("Du administrerer ikke magistratsafdelingen «%(department)s».")
            % {"department": values["department"].code}
        )
    first, last = values["first_year"], values["last_year"]
    if last < first or last - first > 50:
        errors.append(_("Årene %(first)s–%(last)s er ikke en periode.") % {"first": first, "last": last})
    for fact in ("targets", "stated_fte"):
        outside = sorted(y for y in values.get(fact, {}) if not first <= y <= last)
        if outside:
            errors.append(
                _("%(fact)s for %(years)s ligger uden for katalogets år %(first)s–%(last)s.")
                % {"fact": fact_label(fact), "years": ", ".join(map(str, outside)), "first": first, "last": last}
            )
    if errors:
        return refused([RowError(None, "", m) for m in errors])
    with transaction.atomic():
        with recording(user=user, reason=import_reason(file_name)):
            catalogue = Catalogue.objects.create(
                slug=slug,
                department=values["department"],
                title=values["title"],
                first_year=first,
                last_year=last,
                sign_convention=values["sign_convention"],
                **{f: values[f] for f in ("kind", "price_level", "unit", "sector") if f in values},
            )
            targets, stated = values.get("targets", {}), values.get("stated_fte", {})
            CatalogueYear.objects.bulk_create(
                CatalogueYear(
                    catalogue=catalogue,
                    year=year,
                    target=catalogue.from_display(targets.get(year)),
                    stated_fte_total=catalogue.from_display(stated.get(year)),
                )
                for year in catalogue.years
            )
        importer = CatalogueImport(catalogue, create_themes=True)
        outcome = importer.run(dataset, dry_run=dry_run, user=user, file_name=file_name, progress=progress)
        outcome.notes.insert(0, new_catalogue_line(catalogue, targets))
        if dry_run or not outcome.ok:
            transaction.set_rollback(True)
    outcome.saved = importer.saved
    return (catalogue if outcome.committed else None), outcome


def new_catalogue_line(catalogue, targets):
    """The new catalogue's header facts in one Danish line (the preview and the command line)."""
    if targets:
        stated = _("måltal %(targets)s") % {
            "targets": "; ".join(f"{year} {format_amount(targets[year])}" for year in sorted(targets))
        }
    else:
        stated = _("ingen måltal (de kan sættes i administrationen)")
    return _(
        "Nyt katalog «%(title)s» (%(slug)s): %(department)s, %(first)s–%(last)s, %(convention)s, %(kind)s, "
        "prisniveau %(pl)s, enhed %(unit)s, %(targets)s."
    ) % {
        "title": catalogue.title,
        "slug": catalogue.slug,
        "department": catalogue.department.code,
        "first": catalogue.first_year,
        "last": catalogue.last_year,
        "convention": shown("sign_convention", catalogue.sign_convention).lower(),
        "kind": shown("kind", catalogue.kind),
        "pl": catalogue.price_level,
        "unit": catalogue.unit,
        "targets": stated,
    }


def export_catalogue_rows(catalogue, file_format):
    """The catalogue in the import format as bytes: CSV (UTF-8 with BOM, semicolons, so
    Danish Excel opens it) or XLSX (numbers as number cells).

    Neither can carry a formula (``proposals.spreadsheets.safety``): a CSV text cell that
    starts with = + - @ tab or CR gets a leading apostrophe, which the importer removes;
    an XLSX text is always a text cell."""
    if file_format == "csv":
        text = csv_text(export_dataset(catalogue))
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


# --------------------------------------------------------------------------- editing a proposal in place


@dataclass
class EditConflict:
    """A form was based on an older version of the proposal: what changed since it was read."""

    version: object  # the version now (a proposal's int, a catalogue's basis): a form based on it may save
    changes: list  # history_selectors.FigureChange since the form was read, newest first
    of_import: bool = False  # an import's preview, not a proposal's form
    proposal_id: int | None = None  # the proposal whose form was refused

    def messages(self, limit=10):
        if self.of_import:
            head = _(
                "Kataloget er ændret, efter forhåndsvisningen blev lavet, så importen er IKKE gemt. Forhåndsvis "
                "filen igen, så du ser, hvad den nu vil ændre. Ændret siden forhåndsvisningen:"
            )
        else:
            head = _(
                "Forslaget er gemt af en anden, efter du åbnede det, så dine ændringer er IKKE gemt. Det, du har "
                "skrevet, står stadig i formularen. Se ændringerne herunder efter, og gem igen, hvis dine skal "
                "gælde."
            )
        lines = [
            _("%(when)s, %(who)s: %(what)s, %(field)s: «%(before)s» → «%(after)s»")
            % {
                "when": c.when_text,
                "who": c.who,
                "what": c.what,
                "field": c.field,
                "before": c.before or "–",
                "after": c.after or "–",
            }
            for c in self.changes[:limit]
        ]
        if len(self.changes) > limit:
            lines.append(_("… og %(n)s ændringer mere (se forslagets historik).") % {"n": len(self.changes) - limit})
        if not self.changes:
            lines.append(
                _("Historikken siger ikke, hvad der er ændret; åbn forslaget igen for at se det, som det er nu.")
            )
        return [head, *lines]


def proposal_edit_basis(proposal, now=None):
    """What a form that edits ``proposal`` in place carries: the version it shows and when it
    was read ("<version>:<ISO time>"), handed back to ``proposal_edit_conflict`` with the save."""
    return f"{proposal.version}:{(now or timezone.now()).isoformat()}"


def _parse_basis(basis):
    version, _sep, read_at = str(basis or "").partition(":")
    try:
        return int(version), datetime.datetime.fromisoformat(read_at) if read_at else None
    except ValueError:
        return None, None


def proposal_edit_conflict(proposal_id, basis, *, saving=None):
    """THE decision whether a save based on ``basis`` (``proposal_edit_basis``) may write the
    proposal ``proposal_id``: None when it is still the version the form showed, else the
    EditConflict with what changed meanwhile (who, when, which field, from the history).

    The proposal's row is locked for the rest of the caller's transaction, so a concurrent save
    waits and then finds the version raised (``raise_version``), never the old one. A basis
    that cannot be read (a form without it) is a conflict too: nothing is saved blindly.

    ``saving``: the Proposal instance the caller saves next; with no conflict its version is
    set to the next one, written by that save's own UPDATE. Writes that do not save the
    proposal's row (its lines) call ``raise_version`` instead."""
    with transaction.atomic():
        version = Proposal.objects.select_for_update().filter(pk=proposal_id).values_list("version", flat=True).first()
        if version is None:
            return None  # deleted meanwhile: the form's own save says so
        based_on, read_at = _parse_basis(basis)
        if based_on == version:
            if saving is not None:
                saving.version = version + 1
            return None
        proposal = Proposal.objects.select_related("catalogue").get(pk=proposal_id)
        changes = figure_history(proposal)
        if read_at is not None:
            changes = [c for c in changes if c.when >= read_at]
        return EditConflict(version=version, changes=changes, proposal_id=proposal_id)


# The rows a proposal's forms edit, found among the proposal's own.
_ROWS_OF_PROPOSAL = {
    Proposal: "pk",
    ProposalYear: "proposal_id",
    BreakdownLine: "proposal_id",
    BreakdownLineYear: "line__proposal_id",
    FollowUpGoal: "proposal_id",
}
# Figures typed in the catalogue's own convention (the year rows' convention forms).
_SIGNED_FIGURES = {(ProposalYear, "net_amount"), (ProposalYear, "fte"), (BreakdownLineYear, "amount")}


@dataclass
class RefusedField:
    """One field of a refused save, as its page shows it again."""

    take_saved: bool  # the person did not change it: the page shows what is saved now
    saved: object  # the value saved now (a relation's pk; a figure in the catalogue's convention)
    note: str = ""  # changed by both: who saved what, when (what the person typed stays)
    replaces_typed: bool = False  # the page shows something else than was posted


def merge_refused_edit(conflict, opened, typed):
    """THE decision what a refused save (``proposal_edit_conflict``) shows again, field by field.

    ``opened`` and ``typed``: {(model, pk, field name): value}, what the form showed when it was
    opened and what was posted; figures as typed ("-1.200", read by the Danish parser) or as
    numbers, in the catalogue's own convention. Each is compared with what is saved now:

    - the person did not change it: the page takes the saved value, so saving again keeps the
      other person's change instead of silently reverting it;
    - only the person changed it: what was typed stays;
    - both changed it (to different values): what was typed stays, with a note of who saved
      what and when, so a second save overwrites only what the person typed on purpose.

    Returns {key: RefusedField} for the keys in both that name a row of the proposal that
    still exists."""
    keys = [key for key in opened if key in typed]
    proposal = Proposal.objects.select_related("catalogue").get(pk=conflict.proposal_id)
    catalogue = proposal.catalogue
    saved_rows = {(Proposal, proposal.pk): proposal}
    for model in {model for model, _pk, _name in keys} - {Proposal}:
        ids = {pk for m, pk, _name in keys if m is model}
        scope = {_ROWS_OF_PROPOSAL[model]: proposal.pk, "pk__in": ids}
        saved_rows |= {(model, row.pk): row for row in model._default_manager.filter(**scope)}
    merged = {}
    for key in keys:
        model, pk, name = key
        row = saved_rows.get((model, pk))
        if row is None:
            continue  # deleted meanwhile: the form's own save says so
        field = model._meta.get_field(name)
        saved = getattr(row, field.attname)
        if (model, name) in _SIGNED_FIGURES and saved is not None:
            saved = catalogue.to_display(saved)
        before, now, mine = (_comparable(name, value) for value in (opened[key], saved, typed[key]))
        if mine == before:
            merged[key] = RefusedField(take_saved=True, saved=saved, replaces_typed=mine != now)
        elif now == before or now == mine:
            merged[key] = RefusedField(take_saved=False, saved=saved)
        else:
            merged[key] = RefusedField(
                take_saved=False, saved=saved, note=_also_changed(conflict.changes, model, pk, field, saved)
            )
    return merged


def _comparable(name, value):
    """A field's value as compared: figures read by the Danish parser, relations by pk, texts
    without a browser's CRLF and trailing spaces, empty as None."""
    if hasattr(value, "_meta"):
        value = value.pk
    if isinstance(value, str) and name in AMOUNT_FIELDS | FTE_FIELDS:
        try:
            value = (parse_amount if name in AMOUNT_FIELDS else parse_decimal)(value)
        except NumberFormatError:
            return value.strip()  # not a figure: surely not what was saved
    if isinstance(value, str):
        value = "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").strip().split("\n"))
    return None if value == "" else value


def _also_changed(changes, model, pk, field, saved):
    """The note on a field both changed ("Også ændret af Anne kl. 07:40: -1.200"), from the
    field's newest change since the form was read (the history, newest first)."""
    row = (model._meta.label, pk)
    change = next((c for c in changes if c.row == row and c.field_name == field.name), None)
    if change is None:
        if saved is None or saved == "":
            shown = "–"
        elif field.name in AMOUNT_FIELDS:
            shown = format_amount(saved)
        elif field.name in FTE_FIELDS:
            shown = format_decimal(saved)
        else:
            shown = str(saved)
        return _("Også ændret af en anden: %(value)s") % {"value": shown}
    when = timezone.localtime(change.when)
    at = when.strftime("%H:%M") if when.date() == timezone.localdate() else when.strftime("%d.%m.%Y %H:%M")
    return _("Også ændret af %(who)s kl. %(time)s: %(value)s") % {
        "who": change.who,
        "time": at,
        "value": change.after or "–",
    }


def raise_version(proposal, *, proposal_ids=None):
    """Mark the proposal (or ``proposal_ids``) as changed: version + 1 in one UPDATE, for writes
    that do not save the proposal's own row (its lines, an import's year rows). The proposal's
    own save sets ``proposal.version`` itself (``proposal_edit_conflict``), in the same UPDATE."""
    ids = list(proposal_ids) if proposal_ids is not None else [proposal.pk]
    if ids:
        Proposal.objects.filter(pk__in=ids).update(version=F("version") + 1)


def _proposal_versions_digest(catalogue):
    """The catalogue's proposals and their versions in a short digest (one query): it moves with
    every save, import, new or deleted proposal."""
    versions = Proposal.objects.filter(catalogue=catalogue).order_by("pk").values_list("pk", "version")
    return hashlib.sha256(";".join(f"{pk}:{v}" for pk, v in versions).encode()).hexdigest()[:20]


def catalogue_edit_basis(catalogue, now=None):
    """What an import's preview carries to its confirmation: the catalogue's proposals' versions
    and when the preview was made ("<digest>:<ISO time>")."""
    return f"{_proposal_versions_digest(catalogue)}:{(now or timezone.now()).isoformat()}"


def catalogue_edit_conflict(catalogue, basis):
    """Whether an import previewed on ``basis`` (``catalogue_edit_basis``) may be confirmed: None
    when no proposal of the catalogue was saved, created or deleted since the preview, else the
    EditConflict with the changes since then (the preview no longer shows what it would do).
    Called inside the import's transaction."""
    digest, _sep, read_at = str(basis or "").partition(":")
    if digest == _proposal_versions_digest(catalogue):
        return None
    try:
        since = datetime.datetime.fromisoformat(read_at) if read_at else None
    except ValueError:
        since = None
    changes = catalogue_changes_since(catalogue, since) if since is not None else []
    return EditConflict(version=None, changes=changes, of_import=True)


# --- "Changed since" marks (models.CatalogueChange) ---------------------------------------

# Bumped by every marks_to_clear: a transaction's "already marked" note is only trusted while
# no look has read marks in this process since (a look in the same transaction as the change,
# as in tests, would clear the very row the note stands for).
_look_generation = 0


def mark_changed(catalogue_id):
    """Record, in the current transaction, that ``catalogue_id`` changed (the receiver of
    every ``signals.catalogue_changed``). Once per transaction: a save of many rows or an
    import marks once; a savepoint rolled back takes its mark and the note of it along."""
    connection = transaction.get_connection(router.db_for_write(CatalogueChange))
    if connection.in_atomic_block:
        for _sids, func, _robust in connection.run_on_commit:
            if getattr(func, "change_mark", None) == (catalogue_id, _look_generation):
                return
    CatalogueChange.objects.create(catalogue_id=catalogue_id)
    if connection.in_atomic_block:

        def marked():
            """Nothing to do on commit: the note that this transaction has marked the catalogue."""

        marked.change_mark = (catalogue_id, _look_generation)
        transaction.on_commit(marked)


def marks_to_clear(catalogue_id):
    """The ids of the catalogue's marks, read by a look before it looks (its snapshot); it
    clears these and only these afterwards (clear_change_marks)."""
    global _look_generation
    _look_generation += 1
    return list(CatalogueChange.objects.filter(catalogue_id=catalogue_id).values_list("pk", flat=True))


def clear_change_marks(mark_ids):
    """Delete the marks a look read before it looked (and only those: one written by a change
    committed meanwhile stays, and is looked at next time)."""
    if mark_ids:
        CatalogueChange.objects.filter(pk__in=list(mark_ids)).delete()


def forget_change_marks(*, before):
    """Delete marks older than ``before``: those of catalogues nobody follows (not signed off,
    whose marks nobody clears); one that still mattered is found by the follower's full check."""
    return CatalogueChange.objects.filter(marked_at__lt=before).delete()[0]
