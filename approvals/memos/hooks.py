"""Wiring of the memo package, imported once from ApprovalsConfig.ready().

Registers the catalogue page's panels, listens to proposals' ``catalogue_changed`` ("look
again") signal, connects the outbox to the delivery task and a new memo to its page's cache.
proposals never imports approvals; the memo services never import the tasks."""

from django.db.models.signals import post_save

from proposals.hooks import register_catalogue_panel
from proposals.signals import catalogue_changed

from . import memo_pages, tasks
from .delivery import deliveries_ready
from .models import Memo
from .panels import catalogue_memo_panel, changes_since_signoff_panel

register_catalogue_panel(catalogue_memo_panel)
register_catalogue_panel(changes_since_signoff_panel)  # with the memo that told of each change
catalogue_changed.connect(tasks.on_catalogue_changed, dispatch_uid="approvals_memo_check")
deliveries_ready.connect(tasks.enqueue_deliveries, dispatch_uid="approvals_memo_deliveries")
post_save.connect(memo_pages.on_memo_saved, sender=Memo, dispatch_uid="approvals_memo_page_warm")
