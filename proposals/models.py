"""What a catalogue IS: departments, catalogues, proposals and their yearly figures.

Internal sign convention (one for the whole database): every amount is the change in
net operating expenses in whole 1.000 kr. A saving lowers expenses and is stored
NEGATIVE; a cost or investment is stored POSITIVE (as MSB writes it). A catalogue whose
document writes savings as positive numbers (MSO) has ``sign_convention =
SAVINGS_POSITIVE`` and is converted at the edges (display, import, export) by
``Catalogue.to_display`` / ``Catalogue.from_display``, which ask its ``state.Convention``.

Staffing changes (FTE) follow the same rule: a reduction is stored negative (MSB's
"-15"); MSO's documents show a reduction of 2,8 årsværk as "2,8".
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .figures import SAVINGS_POSITIVE as SAVINGS_POSITIVE_VALUE
from .figures import Convention
from .history import FigureHistory


class Department(models.Model):
    """A magistratsafdeling / forvaltning, with the sender block its memos carry."""

    code = models.CharField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("navn"), max_length=200)
    municipality = models.CharField(_("kommune"), max_length=100, default="Aarhus Kommune")
    office = models.CharField(_("kontor"), max_length=200, blank=True)
    unit = models.CharField(_("enhed"), max_length=200, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    case_officer = models.CharField(_("sagsbehandler"), max_length=200, blank=True)
    case_officer_title = models.CharField(_("sagsbehandlers titel"), max_length=200, blank=True)
    manager_emails = models.TextField(
        _("ledere (e-mails)"), blank=True, help_text=_("Én e-mailadresse pr. linje. Modtager notater om ændringer.")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("magistratsafdeling")
        verbose_name_plural = _("magistratsafdelinger")

    def __str__(self):
        return f"{self.code} – {self.name}"

    def manager_email_list(self):
        return [e.strip() for e in self.manager_emails.splitlines() if e.strip()]


class BudgetAgreement(models.Model):
    """A budgetforlig, e.g. "Budgetforlig 2024"."""

    name = models.CharField(_("navn"), max_length=200, unique=True)
    agreed_on = models.DateField(_("indgået"), null=True, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)

    class Meta:
        ordering = ["-agreed_on", "name"]
        verbose_name = _("budgetforlig")
        verbose_name_plural = _("budgetforlig")

    def __str__(self):
        return self.name


class BudgetParty(models.Model):
    """A party behind a budget agreement (forligsparti) and its contact for memos."""

    agreement = models.ForeignKey(
        BudgetAgreement, on_delete=models.CASCADE, related_name="parties", verbose_name=_("budgetforlig")
    )
    name = models.CharField(_("parti"), max_length=200)
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("kontaktens e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agreement", "name"], name="unique_party_per_agreement")]
        verbose_name = _("forligsparti")
        verbose_name_plural = _("forligspartier")

    def __str__(self):
        return self.name


class Catalogue(models.Model):
    class Kind(models.TextChoices):
        REPRIORITISATION = "omprioritering", _("Omprioriteringskatalog")
        SAVINGS = "spareforslag", _("Spareforslag")
        EFFICIENCY = "effektivisering", _("Effektiviseringsforslag")
        OTHER = "andet", _("Andet")

    class SignConvention(models.TextChoices):
        SAVINGS_POSITIVE = SAVINGS_POSITIVE_VALUE, _("Besparelser positive (udgifter negative)")
        SAVINGS_NEGATIVE = "savings_negative", _("Besparelser negative (udgifter positive)")

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="catalogues", verbose_name=_("magistratsafdeling")
    )
    agreement = models.ForeignKey(
        BudgetAgreement,
        on_delete=models.PROTECT,
        related_name="catalogues",
        null=True,
        blank=True,
        verbose_name=_("budgetforlig"),
    )
    slug = models.SlugField(_("kort navn"), max_length=80, unique=True)
    title = models.CharField(_("titel"), max_length=300)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.SAVINGS)
    first_year = models.PositiveSmallIntegerField(_("første år"))
    last_year = models.PositiveSmallIntegerField(_("sidste år"))
    price_level = models.CharField(_("prisniveau"), max_length=20, default="2024-PL")
    unit = models.CharField(_("enhed"), max_length=20, default="1.000 kr.")
    sector = models.CharField(_("sektor"), max_length=200, blank=True)
    sign_convention = models.CharField(
        _("fortegnskonvention"), max_length=20, choices=SignConvention.choices, default=SignConvention.SAVINGS_NEGATIVE
    )
    background = models.TextField(_("baggrund"), blank=True)
    footnotes = models.TextField(_("fodnoter"), blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)
    history = FigureHistory(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["department__code", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_year__gte=models.F("first_year")), name="catalogue_years_in_order"
            ),
        ]
        verbose_name = _("katalog")
        verbose_name_plural = _("kataloger")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("proposals:catalogue_detail", args=[self.slug])

    def clean(self):
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError({"last_year": _("Sidste år må ikke ligge før første år.")})

    @property
    def years(self):
        return list(range(self.first_year, self.last_year + 1))

    @property
    def convention(self):
        """The catalogue's own sign convention (``state.Convention``), which does the flip."""
        return Convention.named(self.sign_convention)

    @property
    def savings_positive(self):
        return self.convention.savings_positive

    def to_display(self, value):
        """Internal amount (saving negative) -> the catalogue's own convention."""
        return self.convention.show(value)

    def from_display(self, value):
        """The catalogue's own convention -> internal amount (saving negative)."""
        return self.convention.read(value)


class CatalogueYear(models.Model):
    """Per-year facts of a catalogue: the target and the stated staffing total.

    ``target`` is in the internal convention (MSO's 17.700 saving is stored -17700)."""

    catalogue = models.ForeignKey(
        Catalogue, on_delete=models.CASCADE, related_name="year_rows", verbose_name=_("katalog")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    target = models.IntegerField(_("måltal"), null=True, blank=True)
    stated_fte_total = models.DecimalField(
        _("personaleændringer i alt (årsværk)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    history = FigureHistory()

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["catalogue", "year"], name="unique_catalogue_year")]
        verbose_name = _("katalogår")
        verbose_name_plural = _("katalogår")

    def __str__(self):
        return str(self.year)


class Theme(models.Model):
    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="themes", verbose_name=_("katalog"))
    code = models.CharField(_("kode"), max_length=40, blank=True)
    title = models.CharField(_("titel"), max_length=300)
    position = models.PositiveIntegerField(_("rækkefølge"), default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["catalogue", "title"], name="unique_theme_title")]
        verbose_name = _("tema")
        verbose_name_plural = _("temaer")

    def __str__(self):
        return self.title


class Proposal(models.Model):
    class SavingType(models.TextChoices):
        EFFICIENCY = "Eff", _("Eff – effektivisering")
        TASK_DROPPED = "BAO", _("BAO – bortfald af opgave")
        OTHER_WAY = "AM", _("AM – opgave løses på anden måde")
        EFFICIENCY_DROPPED = "Eff./BAO", _("Eff./BAO")
        EFFICIENCY_OTHER_WAY = "Eff./AM", _("Eff./AM")
        NONE = "-", _("– (ingen, fx indfasning)")

    class Kind(models.TextChoices):
        """What the proposal is, where the document says: the saving_type says how it saves."""

        SAVING = "saving", _("Besparelse (effektivisering)")
        REPRIORITISATION = "reprioritisation", _("Omprioritering")
        INNOVATION = "innovation", _("Innovationsforslag (investering, der kan koste de første år)")

    catalogue = models.ForeignKey(
        Catalogue, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("katalog")
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="proposals", null=True, blank=True, verbose_name=_("tema")
    )
    code = models.CharField(_("nummer/kode"), max_length=40)
    position = models.PositiveIntegerField(_("rækkefølge"), default=0)
    title = models.CharField(_("titel"), max_length=300)
    description = models.TextField(_("beskrivelse"), blank=True)
    saving_type = models.CharField(_("type"), max_length=20, choices=SavingType.choices, blank=True)
    kind = models.CharField(_("art"), max_length=20, choices=Kind.choices, blank=True)
    is_phase_in = models.BooleanField(
        _("indfasningspulje"), default=False, help_text=_("Rækken der dækker indfasningen. Indgår i totalen.")
    )
    sector = models.CharField(_("sektor"), max_length=200, blank=True)
    area_budget = models.CharField(_("budget for området"), max_length=500, blank=True)
    saving_percent = models.CharField(_("besparelse i %"), max_length=200, blank=True)
    unit_price_change = models.CharField(_("ændring af enhedspris"), max_length=200, blank=True)
    reduces_service = models.BooleanField(_("serviceforringelse"), null=True, blank=True)
    from_innovation_proposal = models.BooleanField(_("stammer fra innovationsforslag"), null=True, blank=True)
    affected_units = models.TextField(_("berørte enheder"), blank=True)
    risk_assessment = models.TextField(_("risikovurdering"), blank=True)
    footnote = models.TextField(_("fodnote"), blank=True)
    # Raised by every write of the proposal or its figures (services.proposal_edit_conflict): a
    # form based on an older version is refused rather than silently undoing the other's save.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = FigureHistory(excluded_fields=["version"])

    class Meta:
        ordering = ["catalogue", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["catalogue", "code"], name="unique_proposal_code")]
        verbose_name = _("forslag")
        verbose_name_plural = _("forslag")

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("proposals:proposal_detail", args=[self.catalogue.slug, self.pk])

    def clean(self):
        if self.theme_id and self.catalogue_id and self.theme.catalogue_id != self.catalogue_id:
            raise ValidationError({"theme": _("Temaet hører til et andet katalog.")})


class ProposalYear(models.Model):
    """One year of a proposal: net change in operating expenses and staffing change."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="years", verbose_name=_("forslag"))
    year = models.PositiveSmallIntegerField(_("år"))
    net_amount = models.IntegerField(_("nettoændring (1.000 kr.)"), default=0)
    fte = models.DecimalField(_("personaleændring (årsværk)"), max_digits=8, decimal_places=2, null=True, blank=True)
    history = FigureHistory()

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["proposal", "year"], name="unique_proposal_year")]
        verbose_name = _("forslagsår")
        verbose_name_plural = _("forslagsår")

    def __str__(self):
        return str(self.year)


class BreakdownLine(models.Model):
    """A line of a proposal's own table, e.g. "Ophør af kommunalt tilskud til Natcafeen".

    Lines that count toward the net must sum to it; "of which" lines (heraf) do not."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="lines", verbose_name=_("forslag"))
    position = models.PositiveIntegerField(_("rækkefølge"), default=0)
    text = models.CharField(_("tekst"), max_length=300)
    counts_toward_net = models.BooleanField(_("indgår i netto"), default=True)
    history = FigureHistory()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("specifikationslinje")
        verbose_name_plural = _("specifikationslinjer")

    def __str__(self):
        return self.text


class BreakdownLineYear(models.Model):
    line = models.ForeignKey(
        BreakdownLine, on_delete=models.CASCADE, related_name="years", verbose_name=_("specifikationslinje")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    amount = models.IntegerField(_("beløb (1.000 kr.)"))
    history = FigureHistory()

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["line", "year"], name="unique_line_year")]
        verbose_name = _("linjeår")
        verbose_name_plural = _("linjeår")

    def __str__(self):
        return str(self.year)


class FollowUpGoal(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="goals", verbose_name=_("forslag"))
    position = models.PositiveIntegerField(_("rækkefølge"), default=0)
    what = models.TextField(_("hvad følges op"))
    measure = models.TextField(_("hvordan måles"), blank=True)
    responsible = models.CharField(_("hvem"), max_length=200, blank=True)
    when = models.CharField(_("hvornår"), max_length=200, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("opfølgningsmål")
        verbose_name_plural = _("opfølgningsmål")

    def __str__(self):
        return self.what[:60]


class ImportJob(models.Model):
    """A catalogue spreadsheet imported in the background (a large file, or a new catalogue made
    from a file), kept in the database (so any web server and worker can read it, no local
    temporary file): its dry run (the preview), then on confirmation its import, with their
    progress and what they did. ``create_options`` (a new catalogue): its short name and the
    header facts given beside the file's header block."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploadet")
        QUEUED = "queued", _("Venter")
        RUNNING = "running", _("Importeres")
        PREVIEWED = "previewed", _("Prøvekørt")
        DONE = "done", _("Importeret")
        FAILED = "failed", _("Afvist")

    token = models.CharField(max_length=64, unique=True)
    data = models.BinaryField()
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.UPLOADED)
    catalogue = models.ForeignKey(
        Catalogue,
        on_delete=models.CASCADE,
        related_name="import_jobs",
        null=True,
        blank=True,
        verbose_name=_("katalog"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("bruger"),
    )
    file_name = models.CharField(_("fil"), max_length=255, blank=True)
    file_format = models.CharField(max_length=10, blank=True)
    create_themes = models.BooleanField(default=False)
    delete_missing = models.BooleanField(default=False)
    dry_run = models.BooleanField(default=False)
    create_options = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True, default="")  # the importer's own words (a signed-off catalogue)
    based_on = models.CharField(max_length=100, blank=True, default="")  # services.catalogue_edit_basis of the preview
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=list, blank=True)  # the outcome's Danish lines
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import af regneark")
        verbose_name_plural = _("importer af regneark")

    def __str__(self):
        return self.file_name or self.token


class CatalogueChange(models.Model):
    """A "changed since" mark: one row per transaction that changed a catalogue or its proposals,
    themes, years, lines or goals, written in that same transaction (``services.mark_changed``,
    on every ``catalogue_changed``). Whoever follows changes (the memo sweep) snapshots only
    the catalogues with rows, then deletes the rows it had read before its snapshot, by id: a
    change committed while it looked leaves a row of its own, so it is seen next time.

    Rows rather than a counter on one row per catalogue: inserts take no lock another editor of
    the same catalogue could wait for (a counter's row, bumped at each save, would make two
    transactions that each saved rows of the catalogue wait for each other)."""

    # No constraint, nothing done on delete: a catalogue's deletion marks it on the way out (its
    # rows' signals), after the cascade was collected. Such marks lead nowhere; they are
    # forgotten with the other old ones (services.forget_change_marks).
    catalogue = models.ForeignKey(
        Catalogue, on_delete=models.DO_NOTHING, db_constraint=False, related_name="change_marks"
    )
    marked_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("ændringsmærke")
        verbose_name_plural = _("ændringsmærker")

    def __str__(self):
        return f"{self.catalogue_id} {self.marked_at:%Y-%m-%d %H:%M}"
