"""The budget parties' links to a memo: signed, expiring and read-only, no login needed.

The parties have no account. Each delivery (one memo, one recipient) gets its own link, a
``TimestampSigner`` signature of the delivery's id, valid for
``settings.MEMO_READER_LINK_MAX_AGE_DAYS`` days from when the e-mail was built. Opening it
shows that memo (HTML, and its PDF) and nothing else, and records which delivery opened it
and when (``MemoLinkOpening``). A forged or altered link is refused as invalid; an old one
as expired; neither ever leads to a login page."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from . import memo_pages
from .models import MemoDelivery, MemoLinkOpening

logger = logging.getLogger(__name__)

SALT = "approvals.memos.reader-link"


class LinkInvalid(Exception):
    """The link was not made by this application (forged, altered, cut short)."""


class LinkExpired(Exception):
    """The link was genuine but is older than the configured maximum age."""


def max_age():
    return timedelta(days=settings.MEMO_READER_LINK_MAX_AGE_DAYS)


def _signer():
    return signing.TimestampSigner(salt=SALT)


def token(delivery):
    return _signer().sign(str(delivery.pk))


def reader_path(delivery):
    return reverse("memos:reader", args=[token(delivery)])


def reader_url(delivery):
    """The absolute link a delivery's e-mail carries (``settings.SITE_URL`` + path)."""
    return settings.SITE_URL + reader_path(delivery)


def pdf_path(signed):
    """The PDF of the memo behind an already checked token (the reader page links to it)."""
    return reverse("memos:reader_pdf", args=[signed])


def delivery_for(signed, *, with_pdf=False):
    """The delivery a token was made for, with its memo, catalogue and department loaded
    (the memo's PDF only ``with_pdf``).

    Raises LinkExpired or LinkInvalid (also for a delivery that no longer exists)."""
    try:
        delivery_id = _signer().unsign(signed, max_age=max_age())
    except signing.SignatureExpired as exc:
        raise LinkExpired(str(exc)) from exc
    except signing.BadSignature as exc:
        raise LinkInvalid(str(exc)) from exc
    deliveries = MemoDelivery.objects.select_related(
        "memo__process__catalogue__department", "memo__process__catalogue__agreement"
    )
    # The memo's JSON documents are read only to render it (memo_pages), its PDF only to send it.
    deliveries = deliveries.defer(
        *(f"memo__{name}" for name in memo_pages.DOCUMENT_FIELDS), *([] if with_pdf else ["memo__pdf"])
    )
    try:
        return deliveries.get(pk=int(delivery_id))
    except (MemoDelivery.DoesNotExist, ValueError) as exc:
        raise LinkInvalid(f"no delivery {delivery_id!r}") from exc


def record_opening(delivery, kind):
    """Log that a delivery's link was opened (``kind``: ``MemoLinkOpening.Kind``)."""
    MemoLinkOpening.objects.create(delivery=delivery, kind=kind)
    logger.info("Memo %s opened by link of delivery %s (%s)", delivery.memo_id, delivery.pk, kind)
