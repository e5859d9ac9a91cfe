"""The memo archive: list, HTML view and PDF download. Thin: selectors do the reading."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render

from . import memo_selectors, memos
from .models import Memo


def _memo_for(request, pk):
    try:
        memo = memo_selectors.get_memo(pk)
    except Memo.DoesNotExist as exc:
        raise Http404 from exc
    if not memo_selectors.can_view_memo(request.user, memo):
        raise PermissionDenied
    return memo


def memo_list(request):
    return render(request, "approvals/memos/list.html", {"memos": memo_selectors.memos_for_user(request.user)})


def memo_detail(request, pk):
    memo = _memo_for(request, pk)
    context = memos.memo_context(memo)
    context["deliveries"] = memo_selectors.memo_deliveries(memo)
    return render(request, "approvals/memos/detail.html", context)


def memo_pdf(request, pk):
    memo = _memo_for(request, pk)
    response = HttpResponse(bytes(memo.pdf), content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{memos.pdf_filename(memo)}"'
    return response
