"""The memo archive: list, HTML view and PDF download. Thin: selectors do the reading."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render

from . import selectors
from .models import Memo
from .rendering import memo_context, pdf_filename


def _memo_for(request, pk):
    try:
        memo = selectors.get_memo(pk)
    except Memo.DoesNotExist as exc:
        raise Http404 from exc
    if not selectors.can_view_memo(request.user, memo):
        raise PermissionDenied
    return memo


def memo_list(request):
    return render(request, "approvals/memos/list.html", {"memos": selectors.memos_for_user(request.user)})


def memo_detail(request, pk):
    memo = _memo_for(request, pk)
    context = memo_context(memo)
    context["deliveries"] = selectors.memo_deliveries(memo)
    return render(request, "approvals/memos/detail.html", context)


def memo_pdf(request, pk):
    memo = _memo_for(request, pk)
    response = HttpResponse(bytes(memo.pdf), content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{pdf_filename(memo)}"'
    return response
