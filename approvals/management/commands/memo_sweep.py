"""python manage.py memo_sweep [--loop]: what Celery beat's sweep does, from the command line.

For the embedded set-up without a broker (no worker, no beat): ``--loop`` runs beside the web
server. Every ``--interval`` seconds it runs the whole sweep (approvals.sweep: issues memos after
the quiet period, tells HMU of hearings complete by their deadline, writes stale memo pages,
queues waiting imports, sends e-mail); every ``--send-interval`` seconds between, it sends the
outbox's due e-mails (the web requests only write them)."""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections

from approvals.memos import rendering
from approvals.outbox import sweep as outbox_sweep
from approvals.sweep import sweep

logger = logging.getLogger(__name__)


def close_dropped_connections():
    """As Django does around a web request and Celery around a task: a connection the database
    dropped (restart, failover) or that outlived CONN_MAX_AGE is closed, so the next pass opens
    a new one instead of the loop dying. Never inside a transaction (a caller's, or a test's)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


class Command(BaseCommand):
    help = (
        "Sammenligner de godkendte kataloger, der er ændret siden sidste kig (og hvert katalog igen én gang i "
        "døgnet), med det, forligspartierne sidst fik at vide, udsender notater "
        "når stilleperioden er gået, giver HMU besked om afsluttede høringer og sender afventende e-mails."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Gentag hvert minut (Ctrl-C stopper).")
        parser.add_argument("--interval", type=int, default=60, help="Sekunder mellem gennemløb med --loop.")
        parser.add_argument(
            "--send-interval", type=int, default=5, help="Sekunder mellem afsendelser af afventende e-mails med --loop."
        )

    def handle(self, *args, loop=False, interval=60, send_interval=5, **options):
        if not loop:
            self._report(sweep())
            return
        rendering.pdf_engine()  # WeasyPrint once, at the start: no memo waits for its import
        while True:
            self._in_loop(lambda: self._report(sweep()))
            next_sweep = time.monotonic() + max(interval, 1)
            while (left := next_sweep - time.monotonic()) > 0:
                time.sleep(min(max(send_interval, 1), left))
                self._in_loop(outbox_sweep.sweep)

    def _in_loop(self, work):
        """One pass of the loop: a database that went away (restart, failover) costs this pass,
        not the loop; the next one reconnects (close_dropped_connections)."""
        close_dropped_connections()
        try:
            work()
        except DatabaseError:
            logger.warning("The sweep's pass failed on the database; the next pass tries again", exc_info=True)

    def _report(self, result):
        for memo in result["memos"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Notat nr. {memo.number} om »{memo.process.catalogue.title}« udsendt "
                    f"({len(memo.changes)} ændringer, {memo.deliveries.count()} modtagere)."
                )
            )
        for completion in result["hearings"]:
            self.stdout.write(f"Høringen om »{completion.process.catalogue.title}« er afsluttet; HMU har fået besked.")
        if result.get("stale_stances"):
            self.stdout.write(f"{result['stale_stances']} e-mails om ændrede forslag lagt i udbakken til LMU'erne.")
        if result["emails"]:
            self.stdout.write(f"{result['emails']} afventende e-mails sendt eller sat i kø igen.")
