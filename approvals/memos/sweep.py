"""The memos' part of the periodic sweep (approvals.sweep): issue the memos whose changes have
been quiet long enough, tell HMU of hearings complete by their deadline, and write anew the
stored pages of memos a deployment made stale (memo_pages), a few per pass."""

import logging

from django.utils import timezone

from .. import completion
from ..models import CatalogueProcess
from . import issuing, memo_pages

logger = logging.getLogger(__name__)


def sweep(*, now=None):
    """Returns {"memos": [Memo, ...], "hearings": [HearingCompletion, ...], "pages": n}."""
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
    hearings = completion.check_hearings(now=now)
    pages = memo_pages.store_stale_pages()
    return {"memos": issued, "hearings": hearings, "pages": pages}
