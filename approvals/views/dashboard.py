"""The start page: each user's queues (hearings, HMU, sign-off) and every catalogue they may see."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from .. import selectors
from ..filters import CatalogueProcessFilter
from ..tables import AllProcessesTable, HearingTable, HmuQueueTable, SignoffQueueTable


def dashboard(request):
    user = request.user
    filterset = CatalogueProcessFilter(
        request.GET or None, queryset=selectors.processes_for_user(user), request=request
    )
    queues, is_admin = selectors.dashboard_queues(user, filterset.qs)
    tables = {
        "hearing": (_("Høringer for dine LMU'er"), HearingTable, "h-"),
        "hmu": (_("Afventer HMU-behandling"), HmuQueueTable, "m-"),
        "signoff": (_("Afventer godkendelse"), SignoffQueueTable, "s-"),
        "all": (_("Alle kataloger") if is_admin else _("Alle dine kataloger"), AllProcessesTable, "a-"),
    }
    sections = []
    for key, queryset in queues:
        title, table, prefix = tables[key]
        sections.append((key, title, table(queryset, prefix=prefix)))
    config = RequestConfig(request, paginate={"per_page": 20})
    for _key, _title, table in sections:
        config.configure(table)
    return render(
        request,
        "approvals/dashboard.html",
        {"filter": filterset, "sections": sections, "has_memberships": bool(queues) or is_admin},
    )
