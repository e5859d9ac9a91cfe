"""What an import did, or in a dry run would do, and how the CLI and the admin say it."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass
class ImportOutcome:
    """What an import did, or in a dry run would do. Codes are proposal codes."""

    catalogue: object
    dry_run: bool
    errors: list = field(default_factory=list)  # RowError
    warnings: list = field(default_factory=list)  # Danish: the reading guessed (Windows-1252)
    notes: list = field(default_factory=list)  # Danish: which sheet was read, no "Art" column, ...
    source: str = ""  # Danish: what was read, e.g. «arket «Forslag»»
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # in the catalogue, not in the file
    deleted: list = field(default_factory=list)
    new_themes: list = field(default_factory=list)
    balance: object = None  # BalanceReport after the import (also in a dry run)
    proposals: list = field(default_factory=list)  # ParsedProposal in file order, each with its lines
    saved: list = field(default_factory=list)  # (proposal, created) written; empty in a dry run

    def read_from(self, dataset):
        """What reading the file found out (``reading.CatalogueDataset``): its warnings, which
        sheet or CSV dialect was read and from which header row, and the header block."""
        self.warnings.extend(getattr(dataset, "warnings", []))
        source = getattr(dataset, "source", "")
        if source:
            self.source = source
            self.notes.append(
                _("Læst: %(source)s, kolonneoverskrifter i række %(row)s.")
                % {"source": source, "row": dataset.header_row}
            )
        if getattr(dataset, "block", None) is not None:
            self.notes.append(dataset.block.describe())
        self.notes.extend(getattr(dataset, "notes", []))

    @property
    def ok(self):
        return not self.errors

    @property
    def committed(self):
        return self.ok and not self.dry_run

    @property
    def changed(self):
        return bool(self.created or self.updated or self.deleted or self.new_themes)

    def error_messages(self):
        return [str(e) for e in self.errors]

    @property
    def lines_written(self):
        """Breakdown lines saved (in a dry run: to be saved): those of the new and changed proposals."""
        written = {*self.created, *self.updated}
        return sum(len(p.lines) for p in self.proposals if p.code in written)

    def summary_lines(self):
        """Danish lines for the CLI and the admin preview."""
        lines = []
        if self.errors:
            lines.append(_("Importen blev afvist; intet er gemt. Fejl:"))
            lines.extend(f"  - {e}" for e in self.errors)
            lines.extend(self.notes[:1])  # which sheet or dialect was read
            return lines
        lines.append(_("Prøvekørsel: intet er gemt.") if self.dry_run else _("Importen er gemt."))
        lines.extend(self.warnings)
        lines.extend(self.notes)

        def codes(values):
            return ", ".join(values) if values else "–"

        lines.append(_("Nye forslag (%(n)s): %(codes)s") % {"n": len(self.created), "codes": codes(self.created)})
        lines.append(_("Ændrede forslag (%(n)s): %(codes)s") % {"n": len(self.updated), "codes": codes(self.updated)})
        lines.append(_("Uændrede forslag: %(n)s") % {"n": len(self.unchanged)})
        if self.new_themes:
            lines.append(_("Nye temaer: %(themes)s") % {"themes": ", ".join(self.new_themes)})
        if self.deleted:
            lines.append(_("Slettede forslag (ikke i filen): %(codes)s") % {"codes": codes(self.deleted)})
        elif self.missing:
            lines.append(
                _("Forslag i kataloget, som ikke står i filen, og som bevares: %(codes)s")
                % {"codes": codes(self.missing)}
            )
        if self.balance is not None:
            lines.append(_("Balancetjek: %(verdict)s") % {"verdict": self.balance.verdict()})
            lines.extend(f"  - {m}" for m in self.balance.messages())
        return lines
