"""Memos (notater) to the budget parties about changes after sign-off, in their own room.

A package of the approvals app, not an app of its own: its models are approvals' models
(approvals/models.py imports them), so tables, migrations, admin URLs and permissions stay.
Layers, lowest first; a module imports only from its own layer and those below it (the
import-linter contract "memo-package-layers" in .importlinter checks it):

- models (imports nothing of the workflow), textdiff
- document, detection, addressees, body_html
- rendering; memo_pages; delivery and links (the memo's e-mails in the outbox, the parties' links)
- issuing; sweep and selectors
- views, panels, tasks; admin and urls
- hooks: the wiring, imported from ApprovalsConfig.ready()

The services never import the tasks; the memo's e-mails are the outbox's to send
(approvals.outbox), with the builder hooks.py registers for them."""
