"""Wiring of the memo package, imported once from ApprovalsConfig.ready().

Registers the catalogue page's panels, listens to proposals' ``catalogue_changed`` ("look
again") signal, and connects the outbox to the delivery task. proposals never imports
approvals; the memo services never import the tasks."""

from proposals.hooks import register_catalogue_panel
from proposals.signals import catalogue_changed

from . import tasks
from .delivery import deliveries_ready
from .panels import catalogue_memo_panel, changes_since_signoff_panel

register_catalogue_panel(catalogue_memo_panel)
register_catalogue_panel(changes_since_signoff_panel)  # with the memo that told of each change
catalogue_changed.connect(tasks.on_catalogue_changed, dispatch_uid="approvals_memo_check")
deliveries_ready.connect(tasks.enqueue_deliveries, dispatch_uid="approvals_memo_deliveries")
