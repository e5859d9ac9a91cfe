"""The outbox: every e-mail the application sends (workflow steps, reminders, password resets,
memos) is one ``models.Email`` row, written in the transaction of the event it tells of and
sent afterwards by a worker (or, without a broker, by the sweep beside the web server).

- ``kinds``: how each kind of row becomes a message (stored when written, or built when sent);
- ``delivery``: the one sending engine (claim with a lease, send with the row's Message-ID,
  back-off, failed, resend) and the one signal that hands rows to the task layer;
- ``sweep``: what the periodic sweep does for e-mail;
- ``selectors``: reads (the health endpoint's questions).

The outbox never imports the memo package: memos register their kind's builder here."""
