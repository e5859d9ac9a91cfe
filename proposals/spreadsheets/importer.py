"""Running an import of a parsed file into a catalogue, all or nothing.

1. The whole file is parsed and checked first (``parsing.parse_rows``); any error and
   nothing is written.
2. Every proposal of the file is compared with the catalogue (``plan.existing_states``); an
   unchanged one is not written at all. The others are created or updated by their code,
   with their years and lines, in bulk and in one transaction (``writing``), every row
   with its history row.
3. Proposals missing from the file are reported, and deleted only with ``delete_missing``;
   the balance is checked on the catalogue as the import leaves it (``plan.planned_state``:
   the stored state with the file's proposals over it, so it is not read again).

A dry run writes nothing and reports the same. Any error rolls the whole transaction back. Every row written
is in the figure history under the importing user, with the file name as the reason, and
the catalogue's listeners are told once ("look again", ``signals.catalogue_changed``)."""

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from ..balance import check_balance
from ..history import import_reason, recording
from ..hooks import changes_are_told
from ..models import Proposal, Theme
from ..selectors import catalogue_overview
from ..signals import catalogue_changed
from ..user_errors import user_messages
from .errors import CatalogueFileError, RowError
from .header_block import check_against
from .outcome import ImportOutcome
from .parsing import parse_rows
from .plan import existing_states, planned_state
from .writing import write_proposals


def reason_required_message():
    return _(
        "Kataloget er godkendt, så ændringer meddeles forligspartierne i et notat: skriv en begrundelse for "
        "ændringen (feltet «Begrundelse for ændringerne» ved importen, --reason på kommandolinjen). Intet er gemt."
    )


class CatalogueImport:
    """One import into ``catalogue``. ``create_themes`` lets it create themes the catalogue
    does not have (a catalogue without themes always may); ``delete_missing`` deletes
    proposals that are not in the file (otherwise they are kept and reported)."""

    def __init__(self, catalogue, *, create_themes=False, delete_missing=False):
        self.catalogue = catalogue
        self.create_themes = create_themes
        self.delete_missing = delete_missing
        self.saved = []  # (proposal, created) in file order; empty when rolled back
        self._themes = {}

    def run(self, dataset, *, dry_run, user=None, file_name=None, progress=None, reason=""):
        """Import the tablib.Dataset of ``reading.load_dataset``; returns the ImportOutcome.

        ``progress(rows_done)`` is told how many of the file's rows are read (a background
        import shows it); all of them once the import is written. ``reason``: the importer's own
        words for the change, kept in the history and told in the memo; an import that changes
        a catalogue whose changes are told (signed off) is refused without it."""
        outcome = ImportOutcome(catalogue=self.catalogue, dry_run=dry_run)
        outcome.read_from(dataset)
        self.reason = (reason or "").strip()
        recorded = recording(user=user, reason=self.reason or import_reason(file_name), stated=bool(self.reason))
        with recorded, transaction.atomic():
            try:
                self._import(dataset, outcome, dry_run=dry_run, progress=progress)
            except Exception as exc:  # reported as an error of the import, never half-saved
                # Our own errors say what is wrong in Danish; anything else is logged, and the
                # user gets a general message, never the exception's text or class.
                outcome.errors.extend(RowError(None, "", m) for m in user_messages(exc))
            if outcome.errors:
                # Rolled back: nothing was created, changed or deleted.
                outcome.created, outcome.updated, outcome.unchanged, outcome.deleted = [], [], [], []
                outcome.balance = None
                self.saved = []
            if dry_run or outcome.errors:
                transaction.set_rollback(True)
        return outcome

    def _import(self, dataset, outcome, *, dry_run, progress=None):
        block = getattr(dataset, "block", None)
        if block is not None:
            # A header block must describe this catalogue (its convention above all).
            errors = check_against(block, self.catalogue)
            if errors:
                outcome.errors.extend(errors)
                return
        before_state = catalogue_overview(self.catalogue, with_goals=False)
        before = existing_states(before_state)
        parsed = parse_rows(
            dataset, self.catalogue, create_themes=self.create_themes, stored=before_state, progress=progress
        )
        outcome.notes.extend(parsed.notes)
        if parsed.errors:
            outcome.errors.extend(parsed.errors)
            return
        to_write = [p for p in parsed.proposals.values() if before.get(p.code) != p.state()]
        outcome.missing = [code for code in before if code not in parsed.proposals]
        deleting = outcome.missing if self.delete_missing else []
        if (to_write or deleting or parsed.new_themes) and not self.reason and changes_are_told(self.catalogue):
            outcome.errors.append(RowError(None, "", reason_required_message()))
            return
        if dry_run:
            # Nothing is written: what would be saved, for the preview.
            self.saved = [
                (Proposal(catalogue=self.catalogue, code=p.code, **p.values), p.code not in before) for p in to_write
            ]
        else:
            self._themes = {t.title: t for t in self.catalogue.themes.all()}
            self._create_themes(parsed.new_themes)
            self.saved = write_proposals(self.catalogue, to_write, self._theme, stored_codes=before.keys())
            if deleting:
                self._delete(deleting)
            if to_write or deleting or parsed.new_themes:
                catalogue_changed.send(sender=Proposal, catalogue_id=self.catalogue.pk)
        # The catalogue as the import leaves it: the stored state with the file's proposals
        # written over it (what was just written, or in a dry run would be).
        after_state = planned_state(before_state, to_write, deleted=set(deleting))
        written = {p.code for p in to_write}
        outcome.deleted = list(deleting)
        for code in parsed.proposals:
            if code not in before:
                outcome.created.append(code)
            elif code in written:
                outcome.updated.append(code)
            else:
                outcome.unchanged.append(code)
        outcome.new_themes = list(parsed.new_themes)
        outcome.proposals = list(parsed.proposals.values())
        outcome.balance = check_balance(after_state)
        if progress is not None:
            progress(getattr(dataset, "header_row", 1) + len(dataset))

    def _create_themes(self, titles):
        position = max((t.position for t in self._themes.values()), default=0)
        for title in titles:
            if title not in self._themes:
                position += 1
                self._themes[title] = Theme.objects.create(catalogue=self.catalogue, title=title, position=position)

    def _theme(self, title):
        if not title:
            return None
        if title not in self._themes:
            self._create_themes([title])
        return self._themes[title]

    def _delete(self, codes):
        try:
            with transaction.atomic():
                Proposal.objects.filter(catalogue=self.catalogue, code__in=codes).delete()
        except ProtectedError as exc:
            raise CatalogueFileError(
                _("Forslagene %(codes)s kan ikke slettes, fordi andre data henviser til dem.")
                % {"codes": ", ".join(codes)}
            ) from exc
