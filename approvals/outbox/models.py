"""The workflow's e-mails in the outbox (memo e-mails are ``MemoDelivery`` rows, sent by the
same engine). These are models of the ``approvals`` app (approvals/models.py imports them)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeliveryState(models.Model):
    """How far one e-mail to one recipient got. Workflow e-mails (``Email``) and memo e-mails
    (``MemoDelivery``) carry it; the one sending engine (approvals.outbox.delivery) moves it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Afventer")
        SENT = "sent", _("Sendt")
        FAILED = "failed", _("Fejlet")
        # Nobody to send it to when its turn came (a password reset for an address without a
        # local account): nothing was sent, and nothing is wrong.
        SKIPPED = "skipped", _("Ingen modtager")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("forsøg"), default=0)
    last_error = models.TextField(_("seneste fejl"), blank=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    # Back-off after a failure: no attempt before this time (None: due now).
    next_attempt_at = models.DateTimeField(_("næste forsøg"), null=True, blank=True)

    class Meta:
        abstract = True


class Email(DeliveryState):
    """One workflow e-mail to one recipient, rendered when the event happened.

    ``key`` names the event (e.g. ``transition:42``, ``hearing-complete:7``); the unique
    (key, address) pair is what makes every event reach each recipient once, however often
    a step, a beat or a retry asks for it."""

    class Kind(models.TextChoices):
        HEARING_OPENED = "hearing_opened", _("Høring åbnet")
        HEARING_REMINDER = "hearing_reminder", _("Påmindelse om høringsfrist")
        HEARING_COMPLETE = "hearing_complete", _("Høringen er afsluttet")
        HMU_REVIEW_READY = "hmu_review_ready", _("Klar til HMU-behandling")
        AWAITING_SIGNOFF = "awaiting_signoff", _("Klar til godkendelse")
        SIGNED_OFF = "signed_off", _("Katalog godkendt")
        SENT_BACK = "sent_back", _("Sendt tilbage")
        PASSWORD_RESET = "password_reset", _("Ny adgangskode")

    # The catalogue's process the e-mail is about; none for e-mails about an account.
    process = models.ForeignKey(
        "approvals.CatalogueProcess",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
        verbose_name=_("forløb"),
    )
    kind = models.CharField(_("slags"), max_length=30, choices=Kind.choices)
    key = models.CharField(_("hændelse"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(_("e-mail"))
    subject = models.CharField(_("emne"), max_length=300)
    body = models.TextField(_("tekst"))
    html = models.TextField(_("HTML"), blank=True)
    queued_at = models.DateTimeField(_("lagt i udbakken"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-queued_at", "email"]
        constraints = [models.UniqueConstraint(fields=["key", "email"], name="one_email_per_event_and_recipient")]
        indexes = [models.Index(fields=["status", "queued_at"], name="email_pending_idx")]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")

    def __str__(self):
        return f"{self.subject} → {self.email} ({self.get_status_display()})"
