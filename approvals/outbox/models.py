"""The outbox's one table: every e-mail the application sends is an ``Email`` row (workflow
steps, reminders, password resets, memos). These are models of the ``approvals`` app
(approvals/models.py imports them)."""

from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_message_id():
    """A Message-ID of the site's own domain, made once per row when it is written: every
    attempt sends the same one, so a copy sent again after a lost acknowledgement is the same
    message to the receiving servers and mail clients (which may drop it)."""
    return make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "localhost")


class Email(models.Model):
    """One e-mail to one recipient, and how far it got.

    ``key`` names the event (e.g. ``transition:42``, ``hearing-complete:7``, ``memo:3``); the
    unique (key, address) pair is what makes every event reach each recipient once, however
    often a step, a beat or a retry asks for it. A kind's message is either stored on the row
    when the event happened (subject, body, html) or written when it is sent by the builder
    its owner registered (approvals.outbox.kinds)."""

    class Kind(models.TextChoices):
        HEARING_OPENED = "hearing_opened", _("Høring åbnet")
        HEARING_REMINDER = "hearing_reminder", _("Påmindelse om høringsfrist")
        HEARING_COMPLETE = "hearing_complete", _("Høringen er afsluttet")
        HMU_REVIEW_READY = "hmu_review_ready", _("Klar til HMU-behandling")
        AWAITING_SIGNOFF = "awaiting_signoff", _("Klar til godkendelse")
        SIGNED_OFF = "signed_off", _("Katalog godkendt")
        SENT_BACK = "sent_back", _("Sendt tilbage")
        STALE_STANCES = "stale_stances", _("Forslag ændret siden svaret")
        PASSWORD_RESET = "password_reset", _("Ny adgangskode")
        MEMO = "memo", _("Notat")

    class Status(models.TextChoices):
        PENDING = "pending", _("Afventer")
        # Claimed by a worker until ``claimed_until``: it may be talking to the mail server now.
        SENDING = "sending", _("Sendes")
        SENT = "sent", _("Sendt")
        FAILED = "failed", _("Fejlet")
        # Nobody to send it to when its turn came (a password reset for an address without a
        # local account): nothing was sent, and nothing is wrong.
        SKIPPED = "skipped", _("Ingen modtager")

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
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True, default=new_message_id)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("forsøg"), default=0)
    last_error = models.TextField(_("seneste fejl"), blank=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    # Back-off after a failure: no attempt before this time (None: due now).
    next_attempt_at = models.DateTimeField(_("næste forsøg"), null=True, blank=True)
    # A sending worker's lease: nobody else sends the row before it runs out.
    claimed_until = models.DateTimeField(_("optaget til"), null=True, blank=True)

    class Meta:
        ordering = ["-queued_at", "email"]
        constraints = [models.UniqueConstraint(fields=["key", "email"], name="one_email_per_event_and_recipient")]
        indexes = [models.Index(fields=["status", "queued_at"], name="email_pending_idx")]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")

    def __str__(self):
        return f"{self.subject} → {self.email} ({self.get_status_display()})"
