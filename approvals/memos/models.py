"""The memos' data: issued memos, one delivery row per recipient beside its outbox e-mail, and
each process's memo state.

These are models of the ``approvals`` app (approvals/models.py imports them; tables and
migrations are the app's). They point at the workflow by name ("approvals.CatalogueProcess"),
so this module imports nothing of the workflow."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..outbox.models import Email


class Memo(models.Model):
    """A memo (notat) to the budget parties listing changes after sign-off. Immutable once issued."""

    process = models.ForeignKey("approvals.CatalogueProcess", on_delete=models.PROTECT, related_name="memos")
    number = models.PositiveIntegerField(_("nummer"))
    issued_at = models.DateTimeField(_("udsendt"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    explanation = models.TextField(_("forklaring"), blank=True)
    previous_snapshot = models.JSONField(editable=False)
    snapshot = models.JSONField(editable=False)
    changes = models.JSONField(editable=False)
    # Sender block, addressee and sign-off date as they were at issue: the memo never changes.
    letterhead = models.JSONField(editable=False, default=dict)
    pdf = models.BinaryField(editable=False)
    # The web page's body as rendered once per language (memo_pages): what the memo says never
    # changes, so neither does its page until a deployment changes how memos are written.
    pages = models.JSONField(editable=False, default=dict)

    class Meta:
        ordering = ["-issued_at", "-number"]
        constraints = [models.UniqueConstraint(fields=["process", "number"], name="unique_memo_number")]
        verbose_name = _("notat")
        verbose_name_plural = _("notater")

    def __str__(self):
        return f"Notat {self.number} – {self.process.catalogue}"


class MemoDelivery(models.Model):
    """One memo to one recipient: the row the recipient's signed link names
    (approvals.memos.links), beside its outbox e-mail (``outbox_email``, kind "memo"), which
    carries the address and how far the e-mail got."""

    memo = models.ForeignKey(Memo, on_delete=models.CASCADE, related_name="deliveries")
    outbox_email = models.OneToOneField(
        Email, on_delete=models.CASCADE, related_name="memo_delivery", verbose_name=_("e-mail")
    )
    name = models.CharField(_("navn"), max_length=200, blank=True)

    class Meta:
        ordering = ["memo", "pk"]
        verbose_name = _("forsendelse")
        verbose_name_plural = _("forsendelser")

    def __str__(self):
        return str(self.outbox_email.email)


class MemoLinkOpening(models.Model):
    """One opening of a delivery's signed link (approvals.memos.links): which delivery, when,
    the page or the PDF. The parties have no login; this is how one knows a memo was read."""

    class Kind(models.TextChoices):
        HTML = "html", _("Notatet")
        PDF = "pdf", _("PDF")

    delivery = models.ForeignKey(MemoDelivery, on_delete=models.CASCADE, related_name="openings")
    opened_at = models.DateTimeField(_("åbnet"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("åbnet som"), max_length=4, choices=Kind.choices)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("åbning af link til notat")
        verbose_name_plural = _("åbninger af links til notater")

    def __str__(self):
        return f"{self.delivery_id} {self.kind} {self.opened_at:%Y-%m-%d %H:%M}"


class NextMemo(models.Model):
    """The next memo of one catalogue process: the changes seen since the last one, its
    paragraph, its extra recipients, a request to issue it now; kept off the workflow's row.

    Written by the memo services only (under the process's row lock), created when first
    needed: a process without a row has seen no changes, has no paragraph for its next memo
    and no extra recipients (``NextMemo.of``)."""

    process = models.OneToOneField("approvals.CatalogueProcess", on_delete=models.CASCADE, related_name="next_memo")
    # Change detection after sign-off (approvals.memos.detection): when a difference from the
    # last told state was first seen, and a fingerprint of the state seen then.
    changes_seen_at = models.DateTimeField(_("ændringer set"), null=True, blank=True)
    changes_fingerprint = models.CharField(max_length=64, blank=True)
    # When a check last looked at the catalogue (snapshot and comparison): the sweep looks at
    # catalogues changed since (proposals' change marks) and, as a safety net for writes
    # that send no signal, at each one again once this is older than MEMO_FULL_CHECK_SECONDS.
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    explanation = models.TextField(
        _("forklaring til næste notat"),
        blank=True,
        help_text=_("Indgår som et afsnit i det næste notat og nulstilles, når notatet udsendes."),
    )
    extra_recipients = models.TextField(
        _("ekstra modtagere af notater"), blank=True, help_text=_("Én e-mailadresse pr. linje.")
    )
    # "Udsend notat nu": an administrator asked for the next memo at once. The request is
    # recorded here and the worker (or the sweep) issues it: never inside a web request.
    issue_requested_at = models.DateTimeField(_("udsendelse bestilt"), null=True, blank=True)
    issue_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Notater efter godkendelse")
        verbose_name_plural = _("Notater efter godkendelse")

    def __str__(self):
        return str(self.process)

    @classmethod
    def of(cls, process):
        """The process's row, or an unsaved blank one when none has been written yet."""
        try:
            return process.next_memo
        except cls.DoesNotExist:
            return cls(process_id=process.pk)  # not cached on the process: a later write is seen
