"""The admin's spreadsheet import (django-import-export's upload, dry-run preview and confirm)
on top of ``importer.CatalogueImport``.

django-import-export keeps the upload between the preview and the confirmation, and gives
the admin its import pages and log entries; the reading, checking and writing are this
package's own, the same the command line and the seed loader use. The resource only turns
the import's outcome into the Result the admin expects: ``result.outcome`` is the
ImportOutcome (the admin's templates show it), an error makes the result an error result
(no confirm button), and each new or changed proposal is a row result with its instance
(for the admin's log)."""

from django.db import transaction
from import_export import resources
from import_export.fields import Field
from import_export.results import Error, Result, RowResult

from ..services import catalogue_edit_conflict
from .columns import COL_CODE, COL_KIND, COL_PHASE_IN, COL_THEME, COL_TITLE, COL_TYPE, columns_for
from .errors import CatalogueFileError, RowError
from .importer import CatalogueImport
from .outcome import ImportOutcome


class CatalogueResource(resources.Resource):
    """Import of one catalogue's proposals; ``catalogue`` is required to import, and the
    other arguments are those of ``CatalogueImport``."""

    @classmethod
    def get_display_name(cls):
        return "Katalogets forslag (CSV/XLSX)"

    def __init__(self, catalogue=None, create_themes=False, delete_missing=False, reason="", based_on="", **kwargs):
        super().__init__(**kwargs)
        self.reason = reason
        self.based_on = based_on  # the preview's services.catalogue_edit_basis, on confirmation
        self.catalogue = catalogue
        self.create_themes = create_themes
        self.delete_missing = delete_missing

    def get_user_visible_fields(self):
        # The admin's import page lists the columns a file may have.
        if self.catalogue is None:
            return [Field(column_name=c) for c in (COL_KIND, COL_CODE, COL_THEME, COL_TITLE, COL_TYPE, COL_PHASE_IN)]
        return [Field(column_name=c) for c in columns_for(self.catalogue)]

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        if self.catalogue is None:
            raise ValueError("CatalogueResource needs a catalogue to import into")
        run = CatalogueImport(self.catalogue, create_themes=self.create_themes, delete_missing=self.delete_missing)
        with transaction.atomic():
            # A confirmation carries what its preview was made on: a catalogue changed since is
            # not imported over (the preview would not show what the import does).
            conflict = catalogue_edit_conflict(self.catalogue, self.based_on) if self.based_on and not dry_run else None
            if conflict is not None:
                outcome = ImportOutcome(catalogue=self.catalogue, dry_run=dry_run)
                outcome.errors = [RowError(None, "", m) for m in conflict.messages()]
            else:
                outcome = run.run(
                    dataset,
                    dry_run=dry_run,
                    user=kwargs.get("user"),
                    file_name=kwargs.get("file_name"),
                    reason=self.reason,
                )
        result = Result()
        result.outcome = outcome
        result.total_rows = len(dataset)
        for error in outcome.errors:
            result.append_base_error(Error(CatalogueFileError(str(error)), number=error.row))
        for instance, created in run.saved:
            row = RowResult()
            row.import_type = RowResult.IMPORT_TYPE_NEW if created else RowResult.IMPORT_TYPE_UPDATE
            row.instance = instance
            row.add_instance_info(instance)
            result.increment_row_result_total(row)
            result.append_row_result(row)
        return result
