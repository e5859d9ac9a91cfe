"""python manage.py memo_sweep [--loop]: what Celery beat's memo sweep does, from the command line.

For the embedded set-up without a broker (no beat runs): ``--loop`` sweeps every minute,
so memos are issued after the quiet period and pending e-mails are sent."""

import time

from django.core.management.base import BaseCommand

from approvals.memos.sweep import sweep


class Command(BaseCommand):
    help = (
        "Sammenligner alle godkendte kataloger med det, forligspartierne sidst fik at vide, udsender notater "
        "når stilleperioden er gået, og sender afventende e-mails igen."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Gentag hvert minut (Ctrl-C stopper).")
        parser.add_argument("--interval", type=int, default=60, help="Sekunder mellem gennemløb med --loop.")

    def handle(self, *args, loop=False, interval=60, **options):
        while True:
            result = sweep()
            for memo in result["memos"]:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Notat nr. {memo.number} om »{memo.process.catalogue.title}« udsendt "
                        f"({len(memo.changes)} ændringer, {memo.deliveries.count()} modtagere)."
                    )
                )
            if result["requeued"]:
                self.stdout.write(f"{result['requeued']} afventende forsendelser sat i kø igen.")
            if not loop:
                return
            time.sleep(max(interval, 1))
