"""What HAPPENS to a catalogue: committees, the hearing workflow, sign-off and memos.

Rules live in services.py (writes) and selectors.py (reads); these models hold data
and the invariants the database can enforce."""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from proposals.models import Catalogue, Department, Proposal

# Memos, their deliveries and their state live in the memo package; imported here so they
# are this app's models (app label "approvals", tables unchanged).
from .memos.models import Memo, MemoDelivery, NextMemo  # noqa: F401
from .outbox.models import Email  # noqa: F401  (every e-mail, in the outbox)


class Committee(models.Model):
    class Kind(models.TextChoices):
        LMU = "lmu", _("LMU (lokal-MED-udvalg)")
        HMU = "hmu", _("HMU (hoved-MED-udvalg)")
        SIGNOFF = "signoff", _("Rådmandsmøde")

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="committees", verbose_name=_("magistratsafdeling")
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("navn"), max_length=200)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="committees", verbose_name=_("medlemmer")
    )

    class Meta:
        ordering = ["department__code", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="unique_committee_name")]
        verbose_name = _("udvalg")
        verbose_name_plural = _("udvalg")

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Medlem")
        CHAIR = "chair", _("Formand")
        SECRETARY = "secretary", _("Sekretær")

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("udvalg")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("bruger")
    )
    role = models.CharField(_("rolle"), max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["committee", "user"], name="unique_membership")]
        verbose_name = _("medlemskab")
        verbose_name_plural = _("medlemskaber")

    def __str__(self):
        return f"{self.user} – {self.committee} ({self.get_role_display()})"


class DepartmentAdministrator(models.Model):
    """A staff user who administers one department: its catalogues, committees, processes and
    memos, in the admin and on the pages, whatever their state (approvals.policy). Superusers
    administer every department without a row here; a staff user without one administers none."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="administered_departments",
        verbose_name=_("bruger"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="administrators", verbose_name=_("magistratsafdeling")
    )

    class Meta:
        ordering = ["department__code", "user__username"]
        constraints = [models.UniqueConstraint(fields=["user", "department"], name="unique_department_administrator")]
        verbose_name = _("administrator af magistratsafdeling")
        verbose_name_plural = _("administratorer af magistratsafdelinger")

    def __str__(self):
        return f"{self.user} – {self.department.code}"


class CatalogueProcessQuerySet(models.QuerySet):
    def signed_off(self):
        """Approved by the sign-off body: later changes are told in memos."""
        return self.filter(state=CatalogueProcess.State.SIGNED_OFF)

    def in_hearing(self):
        return self.filter(state=CatalogueProcess.State.HEARING)


class CatalogueProcess(models.Model):
    """The approval process of one catalogue: its state, dates and heard LMUs."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Kladde")
        HEARING = "hearing", _("LMU-høring")
        HMU_REVIEW = "hmu_review", _("HMU-behandling")
        AWAITING_SIGNOFF = "awaiting_signoff", _("Afventer godkendelse")
        SIGNED_OFF = "signed_off", _("Godkendt")

    catalogue = models.OneToOneField(
        Catalogue, on_delete=models.CASCADE, related_name="process", verbose_name=_("katalog")
    )
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.DRAFT)
    hearing_deadline = models.DateField(_("høringsfrist"), null=True, blank=True)
    hmu_meeting = models.DateField(_("HMU-møde"), null=True, blank=True)
    signoff_meeting = models.DateField(_("rådmandsmøde"), null=True, blank=True)
    heard_committees = models.ManyToManyField(
        Committee,
        blank=True,
        related_name="hearings",
        limit_choices_to={"kind": Committee.Kind.LMU},
        verbose_name=_("hørte LMU'er"),
    )
    # The memos' own state (what the watch has seen, the next memo's paragraph, extra
    # recipients) is approvals.memos.models.NextMemo, one row per process.
    updated_at = models.DateTimeField(auto_now=True)

    objects = CatalogueProcessQuerySet.as_manager()

    class Meta:
        verbose_name = _("godkendelsesforløb")
        verbose_name_plural = _("godkendelsesforløb")

    def __str__(self):
        return f"{self.catalogue} ({self.get_state_display()})"


class Transition(models.Model):
    """Log row for each workflow step: who, when, from, to, note."""

    process = models.ForeignKey(
        CatalogueProcess, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("godkendelsesforløb")
    )
    from_state = models.CharField(_("fra"), max_length=20, choices=CatalogueProcess.State.choices)
    to_state = models.CharField(_("til"), max_length=20, choices=CatalogueProcess.State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("udført af")
    )
    at = models.DateTimeField(_("tidspunkt"))
    note = models.TextField(_("bemærkning"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("statusskift")
        verbose_name_plural = _("statusskift")

    def __str__(self):
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"


class Stance(models.TextChoices):
    SUPPORT = "support", _("Støtter")
    NO_REMARKS = "no_remarks", _("Ingen bemærkninger")
    CONCERNS = "concerns", _("Betænkeligheder")
    OPPOSE = "oppose", _("Imod")


class HearingResponse(models.Model):
    """One LMU's hearing response (høringssvar) on one catalogue."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Kladde")
        SUBMITTED = "submitted", _("Indsendt")

    process = models.ForeignKey(
        CatalogueProcess, on_delete=models.CASCADE, related_name="responses", verbose_name=_("godkendelsesforløb")
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="responses", verbose_name=_("udvalg")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    general_comment = models.TextField(_("generel kommentar"), blank=True)
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("forfattere")
    )
    submitted_at = models.DateTimeField(_("indsendt"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indsendt af"),
    )
    reopened_reason = models.TextField(_("begrundelse for genåbning"), blank=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["process", "committee"], name="one_response_per_lmu")]
        verbose_name = _("høringssvar")
        verbose_name_plural = _("høringssvar")

    def __str__(self):
        return f"{self.committee} – {self.process.catalogue}"


class HearingReminder(models.Model):
    """A deadline reminder sent to one LMU: the unique row makes the beat task idempotent
    (at most one reminder per catalogue, committee and deadline, however often it runs)."""

    process = models.ForeignKey(
        CatalogueProcess, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("godkendelsesforløb")
    )
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="+", verbose_name=_("udvalg"))
    deadline = models.DateField(_("høringsfrist"))
    sent_at = models.DateTimeField(_("sendt"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["process", "committee", "deadline"], name="one_reminder_per_deadline")
        ]
        verbose_name = _("påmindelse")
        verbose_name_plural = _("påmindelser")

    def __str__(self):
        return f"{self.committee} – {self.deadline}"


class StaleStances(models.Model):
    """A heard LMU's submitted stances given on an earlier version of their proposal, as the
    sweep last saw them (approvals.stale_notices), and what the LMU was told by e-mail.

    ``stale`` maps each such proposal's id to its current fingerprint; ``changed_at`` is when
    that map last changed: the e-mail waits until it has been quiet for the memo's quiet
    period, so a burst of edits is told once. ``told``: the map as last e-mailed. The
    dashboard's flag reads ``count``."""

    process = models.ForeignKey(
        CatalogueProcess, on_delete=models.CASCADE, related_name="stale_stances", verbose_name=_("godkendelsesforløb")
    )
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="+", verbose_name=_("udvalg"))
    stale = models.JSONField(_("ændrede forslag"), default=dict, blank=True)
    count = models.PositiveIntegerField(_("antal"), default=0)
    changed_at = models.DateTimeField(_("ændret"), null=True, blank=True)
    told = models.JSONField(_("fortalt"), default=dict, blank=True)
    told_at = models.DateTimeField(_("fortalt den"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["process", "committee"], name="one_stale_stances_per_committee")]
        verbose_name = _("holdninger givet på en tidligere version")
        verbose_name_plural = _("holdninger givet på en tidligere version")

    def __str__(self):
        return f"{self.committee}: {self.count}"

    def told_digest(self):
        """A short name of the versions last told (the e-mail's key: one e-mail per burst)."""
        text = json.dumps(self.told, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


class HearingCompletion(models.Model):
    """A hearing round that was found complete (every heard LMU answered, or the deadline
    passed) and whose HMU members were told. One per round: the round is the transition that
    opened it (opening, or sent back to hearing), so a repeated beat or a second worker finds
    the row and tells nobody twice, while a new round is told again."""

    class Cause(models.TextChoices):
        ALL_ANSWERED = "all_answered", _("Alle hørte LMU'er har svaret")
        DEADLINE = "deadline", _("Høringsfristen er overskredet")

    process = models.ForeignKey(
        CatalogueProcess, on_delete=models.CASCADE, related_name="completions", verbose_name=_("godkendelsesforløb")
    )
    opening = models.OneToOneField(
        Transition, on_delete=models.CASCADE, related_name="+", verbose_name=_("høringsrundens start")
    )
    cause = models.CharField(_("årsag"), max_length=20, choices=Cause.choices)
    completed_at = models.DateTimeField(_("afsluttet"))

    class Meta:
        verbose_name = _("afsluttet høring")
        verbose_name_plural = _("afsluttede høringer")

    def __str__(self):
        return f"{self.process} – {self.get_cause_display()}"


class StanceOnProposal(models.Model):
    """A committee's stance on one proposal, with its comment: an LMU's in a hearing response,
    HMU's in its review. The owner (response or review) is the subclass's foreign key."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+", verbose_name=_("forslag"))
    stance = models.CharField(_("holdning"), max_length=12, choices=Stance.choices)
    comment = models.TextField(_("kommentar"), blank=True)
    # The version of the proposal the stance was given on (approvals.stance_versions): its
    # snapshot (proposals.snapshots) and that snapshot's fingerprint, so a later change of the
    # proposal is seen and shown. Empty for stances saved before versions were recorded.
    given_on = models.JSONField(_("givet på version"), null=True, blank=True, editable=False)
    given_on_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.proposal_id}: {self.get_stance_display()}"


class ProposalStance(StanceOnProposal):
    response = models.ForeignKey(
        HearingResponse, on_delete=models.CASCADE, related_name="stances", verbose_name=_("høringssvar")
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "proposal"], name="one_stance_per_proposal")]
        verbose_name = _("holdning til forslag")
        verbose_name_plural = _("holdninger til forslag")


class HmuReview(models.Model):
    """HMU's overall statement on a catalogue; per-proposal positions below."""

    process = models.OneToOneField(
        CatalogueProcess, on_delete=models.CASCADE, related_name="hmu_review", verbose_name=_("godkendelsesforløb")
    )
    statement = models.TextField(_("samlet udtalelse"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("registreret af"),
    )
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        verbose_name = _("HMU-behandling")
        verbose_name_plural = _("HMU-behandlinger")

    def __str__(self):
        return f"HMU – {self.process.catalogue}"


class HmuPosition(StanceOnProposal):
    review = models.ForeignKey(
        HmuReview, on_delete=models.CASCADE, related_name="positions", verbose_name=_("HMU-behandling")
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "proposal"], name="one_hmu_position_per_proposal")]
        verbose_name = _("HMU-holdning")
        verbose_name_plural = _("HMU-holdninger")


class SignOff(models.Model):
    """The decision of the sign-off body. An approval freezes the catalogue snapshot."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Godkendt")
        SENT_BACK = "sent_back", _("Sendt tilbage")

    process = models.ForeignKey(
        CatalogueProcess, on_delete=models.CASCADE, related_name="signoffs", verbose_name=_("godkendelsesforløb")
    )
    decision = models.CharField(_("beslutning"), max_length=10, choices=Decision.choices)
    note = models.TextField(_("bemærkning"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("truffet af")
    )
    decided_at = models.DateTimeField(_("tidspunkt"))
    snapshot = models.JSONField(_("godkendt tilstand"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("godkendelse")
        verbose_name_plural = _("godkendelser")

    def __str__(self):
        return f"{self.get_decision_display()} {date_format(timezone.localtime(self.decided_at), 'SHORT_DATE_FORMAT')}"


class SsoGroupMapping(models.Model):
    """One group claim of the municipality's directory (Entra ID / AD FS) and what it makes its
    members here: a committee membership with a role, and/or administrator of a department.
    Maintained by superusers; on every single sign-on login the user's memberships and
    administrations of the committees and departments named in any mapping follow the claims
    (approvals.sso.services.apply_group_claims); the others are left as set by hand."""

    group = models.CharField(
        _("gruppe"),
        max_length=255,
        help_text=_(
            "Gruppens værdi i log ind-tokenets gruppe-claim: i Entra ID gruppens objekt-id, i AD FS gruppens navn."
        ),
    )
    committee = models.ForeignKey(
        Committee,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sso_mappings",
        verbose_name=_("udvalg"),
    )
    role = models.CharField(
        _("rolle i udvalget"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sso_mappings",
        verbose_name=_("administrator af magistratsafdeling"),
        help_text=_(
            "Gruppens medlemmer bliver administratorer af magistratsafdelingen (og får adgang til administrationen)."
        ),
    )

    class Meta:
        ordering = ["group", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(committee__isnull=False) | models.Q(department__isnull=False),
                name="sso_mapping_grants_something",
                violation_error_message=_("Vælg et udvalg, en magistratsafdeling eller begge."),
            ),
            models.UniqueConstraint(fields=["group", "committee"], name="unique_sso_group_committee"),
            models.UniqueConstraint(fields=["group", "department"], name="unique_sso_group_department"),
        ]
        verbose_name = _("gruppe fra single sign-on")
        verbose_name_plural = _("grupper fra single sign-on")

    def __str__(self):
        return self.group
