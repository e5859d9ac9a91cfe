"""The periodic sweep (Celery beat every minute, or ``manage.py memo_sweep``): look at every
signed-off catalogue, issue what has been quiet long enough, re-enqueue deliveries still
pending. It is what makes memos independent of save signals and of a broker that was down."""

import logging

from django.utils import timezone

from ..models import CatalogueProcess
from . import delivery, issuing

logger = logging.getLogger(__name__)


def sweep(*, now=None):
    """Check every signed-off catalogue and re-enqueue deliveries still pending.

    Returns {"memos": [Memo, ...], "requeued": n}."""
    now = now or timezone.now()
    issued = []
    for catalogue_id in CatalogueProcess.objects.filter(state=CatalogueProcess.State.SIGNED_OFF).values_list(
        "catalogue_id", flat=True
    ):
        try:
            memo = issuing.check_catalogue(catalogue_id, now=now)
        except Exception:  # one broken catalogue must not stop the others
            logger.exception("Memo check failed for catalogue %s", catalogue_id)
            continue
        if memo is not None:
            issued.append(memo)
    stale = delivery.overdue_pending(now)
    if stale:
        delivery.enqueue_deliveries(stale)
    return {"memos": issued, "requeued": len(stale)}
