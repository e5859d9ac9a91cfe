"""The start page: each user's queues (hearings, HMU, sign-off) and every catalogue they may see."""

from django.db.models import OuterRef, Subquery
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from .. import policy, selectors
from ..filters import CatalogueProcessFilter
from ..models import CatalogueProcess, Committee, HearingResponse, Membership
from ..tables import AllProcessesTable, HearingTable, HmuQueueTable, SignoffQueueTable

State = CatalogueProcess.State


def dashboard(request):
    user = request.user
    base = selectors.processes_for_user(user)
    # The status and committee of the user's own heard LMU's response (processes_for_user
    # knows submitted/pending, the dashboard also shows "draft").
    mine = HearingResponse.objects.filter(process=OuterRef("pk"), committee__memberships__user=user)
    base = base.annotate(
        my_response_status=Subquery(mine.order_by("status").values("status")[:1]),
        my_committee_id=Subquery(
            Committee.objects.filter(hearings=OuterRef("pk"), memberships__user=user).order_by("name").values("pk")[:1]
        ),
    )
    filterset = CatalogueProcessFilter(request.GET or None, queryset=base, request=request)
    qs = filterset.qs
    kinds = set(Membership.objects.filter(user=user).values_list("committee__kind", flat=True))
    is_admin = policy.is_administrator(user)
    sections = []
    if Committee.Kind.LMU in kinds:
        sections.append(
            (
                "hearing",
                _("Høringer for dine LMU'er"),
                HearingTable(qs.filter(is_heard=True).exclude(state=State.DRAFT), prefix="h-"),
            )
        )
    if Committee.Kind.HMU in kinds:
        sections.append(
            (
                "hmu",
                _("Afventer HMU-behandling"),
                HmuQueueTable(qs.filter(selectors.awaiting_hmu_q(), is_hmu=True), prefix="m-"),
            )
        )
    if Committee.Kind.SIGNOFF in kinds:
        sections.append(
            (
                "signoff",
                _("Afventer godkendelse"),
                SignoffQueueTable(qs.filter(is_signoff=True, state=State.AWAITING_SIGNOFF), prefix="s-"),
            )
        )
    if is_admin or kinds - {Committee.Kind.LMU}:
        title = _("Alle kataloger") if is_admin else _("Alle dine kataloger")
        sections.append(("all", title, AllProcessesTable(qs, prefix="a-")))
    config = RequestConfig(request, paginate={"per_page": 20})
    for _key, _title, table in sections:
        config.configure(table)
    return render(
        request,
        "approvals/dashboard.html",
        {"filter": filterset, "sections": sections, "has_memberships": bool(kinds) or is_admin},
    )
