"""Wiring of the memo feature, imported once from ApprovalsConfig.ready().

Registers the catalogue page panel and listens to proposals' ``catalogue_changed``
("look again") signal; proposals never imports approvals."""

from proposals.hooks import register_catalogue_panel
from proposals.signals import catalogue_changed

from .history_panel import changes_since_signoff_panel
from .memo_panels import catalogue_memo_panel
from .memos import on_catalogue_changed

register_catalogue_panel(catalogue_memo_panel)
register_catalogue_panel(changes_since_signoff_panel)  # with the memo that told of each change
catalogue_changed.connect(on_catalogue_changed, dispatch_uid="approvals_memo_check")
