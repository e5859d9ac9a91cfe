"""Running an import of a parsed file into a catalogue, all or nothing.

1. The whole file is parsed and checked first (``parsing.parse_rows``); any error and
   nothing is written.
2. In one transaction, every proposal of the file that differs from the catalogue is created
   or updated by its code (an unchanged one is not written at all), with its years and lines
   replaced to match the file (``writing``). Each proposal is saved in a savepoint; a failure
   names the proposal's row.
3. Proposals missing from the file are reported, and deleted only with ``delete_missing``;
   the catalogue before and after is compared and the balance checked.

A dry run, or any error, rolls the whole transaction back. Every row written is in the
figure history under the importing user, with the file name as the reason."""

import logging

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from ..balance import check_balance
from ..history import import_reason, recording
from ..models import Proposal, Theme
from ..selectors import catalogue_overview
from .errors import CatalogueFileError, RowError
from .outcome import ImportOutcome
from .parsing import parse_rows
from .plan import existing_states
from .writing import save_figures

logger = logging.getLogger(__name__)


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

    def run(self, dataset, *, dry_run, user=None, file_name=None):
        """Import the tablib.Dataset of ``reading.load_dataset``; returns the ImportOutcome."""
        outcome = ImportOutcome(catalogue=self.catalogue, dry_run=dry_run)
        if dataset.title:
            outcome.warnings.append(dataset.title)  # the reading warning (Windows-1252)
        with recording(user=user, reason=import_reason(file_name)), transaction.atomic():
            try:
                self._import(dataset, outcome)
            except Exception as exc:  # reported as an error of the import, never half-saved
                logger.debug("Import into %s failed", self.catalogue, exc_info=True)
                outcome.errors.extend(RowError(None, "", m) for m in str(exc).split("\n") if m)
            if outcome.errors:
                # Rolled back: nothing was created, changed or deleted.
                outcome.created, outcome.updated, outcome.unchanged, outcome.deleted = [], [], [], []
                outcome.balance = None
                self.saved = []
            if dry_run or outcome.errors:
                transaction.set_rollback(True)
        return outcome

    def _import(self, dataset, outcome):
        before = existing_states(self.catalogue)
        parsed = parse_rows(dataset, self.catalogue, create_themes=self.create_themes)
        if parsed.errors:
            outcome.errors.extend(parsed.errors)
            return
        self._themes = {t.title: t for t in self.catalogue.themes.all()}
        for proposal in parsed.proposals.values():
            if before.get(proposal.code) == proposal.state():
                continue
            try:
                with transaction.atomic():
                    self._save(proposal)
            except Exception as exc:
                logger.debug("Saving row %s failed", proposal.row, exc_info=True)
                outcome.errors.append(RowError(proposal.row, "", str(exc)))
        if outcome.errors:
            return
        outcome.missing = [code for code in before if code not in parsed.proposals]
        if self.delete_missing and outcome.missing:
            self._delete(outcome.missing)
            outcome.deleted = list(outcome.missing)
        after = existing_states(self.catalogue)
        for code in parsed.proposals:
            if code not in before:
                outcome.created.append(code)
            elif before[code] != after.get(code):
                outcome.updated.append(code)
            else:
                outcome.unchanged.append(code)
        outcome.new_themes = list(parsed.new_themes)
        outcome.proposals = list(parsed.proposals.values())
        outcome.balance = check_balance(catalogue_overview(self.catalogue))

    def _save(self, parsed):
        instance = self.catalogue.proposals.select_related("theme").filter(code=parsed.code).first()
        created = instance is None
        if created:
            instance = Proposal()
        instance.catalogue = self.catalogue
        instance.code = parsed.code
        instance.position = parsed.position
        instance.theme = self._theme(parsed.theme_title)
        for attr, value in parsed.values.items():
            setattr(instance, attr, value)
        instance.save()
        save_figures(instance, parsed)
        self.saved.append((instance, created))

    def _theme(self, title):
        if not title:
            return None
        if title not in self._themes:
            position = max((t.position for t in self._themes.values()), default=0) + 1
            self._themes[title] = Theme.objects.create(catalogue=self.catalogue, title=title, position=position)
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
