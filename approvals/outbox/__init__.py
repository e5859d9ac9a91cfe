"""The outbox: every e-mail the application sends is a row written in the transaction of the
event it tells of, and sent afterwards by a worker (or, without a broker, by the sweep beside
the web server), at most once per row, with back-off. ``delivery`` is the one sending engine
for both kinds of row: workflow e-mails (``models.Email``) and memo deliveries
(``approvals.memos.models.MemoDelivery``, whose rows the memo's signed links point at)."""
