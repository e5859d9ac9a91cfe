"""The memo archive: list, HTML view and PDF download; and the budget parties' signed links
to one memo (no login). Thin: selectors and links.py do the reading."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from proposals.downloads import private, private_view

from .. import policy
from . import links, memo_pages, selectors
from .models import Memo, MemoLinkOpening
from .rendering import pdf_filename


def _memo_for(request, pk, *, with_pdf=False):
    try:
        memo = selectors.get_memo(pk, with_pdf=with_pdf)
    except Memo.DoesNotExist as exc:
        raise Http404 from exc
    if not selectors.can_view_memo(request.user, memo):
        raise PermissionDenied
    return memo


def memo_list(request):
    return render(request, "approvals/memos/list.html", {"memos": selectors.memos_for_user(request.user)})


def _page_context(memo):
    page = memo_pages.memo_page(memo)
    return {"memo": memo, "catalogue": memo.process.catalogue, "subject": page["subject"], "memo_body": page["body"]}


def memo_detail(request, pk):
    memo = _memo_for(request, pk)
    context = _page_context(memo)
    # The parties' addresses and when each opened the memo's link: its administrators' only (policy).
    administrator = policy.user_has_permission(request.user, "memo.see_recipients", memo)
    context["deliveries"] = selectors.memo_deliveries(memo, for_administrator=administrator)
    context["show_addresses"] = administrator
    return render(request, "approvals/memos/detail.html", context)


def _pdf_response(request, memo):
    response = HttpResponse(bytes(memo.pdf), content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{pdf_filename(memo)}"'
    return response


@private_view
def memo_pdf(request, pk):
    return _pdf_response(request, _memo_for(request, pk, with_pdf=True))


def _private(response):
    # The link is the key: keep it out of Referer headers, search engines and shared caches.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return private(response)


def _refused(request, exc):
    expired = isinstance(exc, links.LinkExpired)
    context = {"expired": expired, "max_age_days": settings.MEMO_READER_LINK_MAX_AGE_DAYS}
    # 410 Gone: the link was good and has run out; 403: it never was good.
    status = 410 if expired else 403
    return _private(render(request, "approvals/memos/link_refused.html", context, status=status))


@login_not_required
@require_safe
def memo_reader(request, token):
    """A budget party's link: the memo, read-only, without an account."""
    try:
        delivery = links.delivery_for(token)
    except (links.LinkExpired, links.LinkInvalid) as exc:
        return _refused(request, exc)
    links.record_opening(delivery, MemoLinkOpening.Kind.HTML)
    context = _page_context(delivery.memo)
    context["pdf_url"] = links.pdf_path(token)
    return _private(render(request, "approvals/memos/reader.html", context))


@login_not_required
@require_safe
def memo_reader_pdf(request, token):
    try:
        delivery = links.delivery_for(token, with_pdf=True)
    except (links.LinkExpired, links.LinkInvalid) as exc:
        return _refused(request, exc)
    links.record_opening(delivery, MemoLinkOpening.Kind.PDF)
    return _private(_pdf_response(request, delivery.memo))
