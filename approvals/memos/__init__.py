"""Memos (notater) to the budget parties about changes after sign-off, in their own room.

A package of the approvals app, not an app of its own: its models are approvals' models
(approvals/models.py imports them), so tables, migrations, admin URLs and permissions stay.
Layers, lowest first; a module imports only from layers below it:

- models (imports nothing of the workflow), document
- detection, rendering, delivery (the memo's e-mails in the outbox), issuing, sweep, selectors
- panels, views, urls, admin, tasks
- hooks: the wiring, imported from ApprovalsConfig.ready()

The services never import the tasks; the memo's e-mails are the outbox's to send
(approvals.outbox), with the builder hooks.py registers for them."""
