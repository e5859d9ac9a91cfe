"""Wiring of the memo package, imported once from ApprovalsConfig.ready().

Registers the catalogue page's panels and the outbox's builder for memo e-mails, listens to
proposals' ``catalogue_changed`` ("look again") signal and stores a new memo's pages once it
is committed. proposals never imports approvals; the memo services never import the tasks."""

from django.db.models.signals import post_save

from proposals.hooks import register_catalogue_panel
from proposals.signals import catalogue_changed

from ..outbox import kinds
from ..outbox.models import Email
from . import delivery, memo_pages, tasks
from .models import Memo
from .panels import catalogue_memo_panel, changes_since_signoff_panel

register_catalogue_panel(catalogue_memo_panel)
register_catalogue_panel(changes_since_signoff_panel)  # with the memo that told of each change
kinds.register(Email.Kind.MEMO, delivery.build_message)
catalogue_changed.connect(tasks.on_catalogue_changed, dispatch_uid="approvals_memo_check")
post_save.connect(memo_pages.on_memo_saved, sender=Memo, dispatch_uid="approvals_memo_pages")
post_save.connect(delivery.forget_memo_context, sender=Memo, dispatch_uid="approvals_memo_email_context")
