"""The memos' part of the periodic sweep (approvals.sweep): issue the memos whose changes have
been quiet long enough, tell HMU of hearings complete by their deadline, and write anew the
stored pages of memos a deployment made stale (memo_pages), a few per pass.

Only the catalogues changed since they were last looked at (or due, or asked for, or due a
full check) are looked at (detection.catalogues_to_check): a pass over years of unchanged
signed-off catalogues takes a fixed number of queries."""

import logging

from django.utils import timezone

from proposals.services import forget_change_marks

from .. import completion
from . import detection, issuing, memo_pages

logger = logging.getLogger(__name__)


def sweep(*, now=None):
    """Returns {"memos": [Memo, ...], "hearings": [HearingCompletion, ...], "pages": n}."""
    now = now or timezone.now()
    issued = []
    for catalogue_id in detection.catalogues_to_check(now):
        try:
            memo = issuing.check_catalogue(catalogue_id, now=now)
        except Exception:  # one broken catalogue must not stop the others
            logger.exception("Memo check failed for catalogue %s", catalogue_id)
            continue
        if memo is not None:
            issued.append(memo)
    # Marks nobody clears (catalogues not signed off, deleted ones). A signed-off catalogue's
    # marks are cleared by the next pass's look; one this old means that look keeps failing,
    # and the full check keeps coming back to it (its checked_at stays old).
    forget_change_marks(before=now - 2 * detection.full_check_period())
    hearings = completion.check_hearings(now=now)
    pages = memo_pages.store_stale_pages()
    return {"memos": issued, "hearings": hearings, "pages": pages}
