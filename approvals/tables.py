"""django-tables2 tables of the workflow pages (DKFDS markup: the project's default table template,
settings.DJANGO_TABLES2_TEMPLATE)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .deadlines import local_today
from .models import CatalogueProcess, HearingResponse

EMPTY = _("Ingen kataloger.")


def _date(value):
    return date_format(value, "DATE_FORMAT") if value else "—"


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table table--zebra"}
        per_page = 20


class ProcessColumnsMixin(tables.Table):
    catalogue = tables.Column(verbose_name=_("Katalog"), accessor="catalogue__title", order_by=("catalogue__title",))
    department = tables.Column(
        verbose_name=_("Afdeling"), accessor="catalogue__department__code", order_by=("catalogue__department__code",)
    )
    state = tables.Column(verbose_name=_("Status"), accessor="state")

    def render_catalogue(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("approvals:catalogue", args=[record.catalogue.slug]), value)

    def render_state(self, record):
        return record.get_state_display()


class HearingTable(ProcessColumnsMixin, BaseTable):
    """Catalogues the user's LMUs are heard on, with deadline and the state of their response."""

    hearing_deadline = tables.Column(verbose_name=_("Høringsfrist"))
    days_left = tables.Column(
        verbose_name=_("Dage tilbage"), accessor="hearing_deadline", order_by=("hearing_deadline",)
    )
    my_response = tables.Column(verbose_name=_("Jeres svar"), accessor="my_response_status", empty_values=())

    class Meta(BaseTable.Meta):
        empty_text = _("Ingen af dine LMU'er er i høring.")
        sequence = ("catalogue", "department", "state", "hearing_deadline", "days_left", "my_response")

    def render_hearing_deadline(self, value):
        return _date(value)

    def render_days_left(self, value):
        days = (value - local_today()).days
        if days < 0:
            return _("Overskredet")
        if days == 0:
            return _("Sidste dag i dag")
        return ngettext("%(n)d dag", "%(n)d dage", days) % {"n": days}

    def render_my_response(self, value, record):
        label = {
            HearingResponse.Status.SUBMITTED: _("Indsendt"),
            HearingResponse.Status.DRAFT: _("Kladde"),
        }.get(value, _("Mangler"))
        if record.my_committee_id is None:
            return label
        url = reverse("approvals:response", args=[record.catalogue.slug, record.my_committee_id])
        return format_html('<a href="{}">{}</a>', url, label)


class HmuQueueTable(ProcessColumnsMixin, BaseTable):
    hearing_deadline = tables.Column(verbose_name=_("Høringsfrist"))
    hmu_meeting = tables.Column(verbose_name=_("HMU-møde"))
    answers = tables.Column(verbose_name=_("Indsendte svar"), accessor="submitted_count")

    class Meta(BaseTable.Meta):
        empty_text = _("Ingen kataloger afventer HMU-behandling.")

    def render_state(self, record):
        # Still in hearing here means the hearing is finished and waits for HMU to start.
        if record.state == CatalogueProcess.State.HEARING:
            return _("Høringen er afsluttet")
        return record.get_state_display()

    def render_hearing_deadline(self, value):
        return _date(value)

    def render_hmu_meeting(self, value):
        return _date(value)

    def render_answers(self, value, record):
        url = reverse("approvals:hmu_review", args=[record.catalogue.slug])
        return format_html('<a href="{}">{}</a>', url, _("%(n)s af %(m)s") % {"n": value, "m": record.heard_count})


class SignoffQueueTable(ProcessColumnsMixin, BaseTable):
    hmu_meeting = tables.Column(verbose_name=_("HMU-møde"))
    signoff_meeting = tables.Column(verbose_name=_("Rådmandsmøde"))
    open = tables.Column(verbose_name=_("Handling"), accessor="pk", orderable=False)

    class Meta(BaseTable.Meta):
        empty_text = _("Ingen kataloger afventer godkendelse.")

    def render_hmu_meeting(self, value):
        return _date(value)

    def render_signoff_meeting(self, value):
        return _date(value)

    def render_open(self, record):
        url = reverse("approvals:signoff", args=[record.catalogue.slug])
        return format_html('<a href="{}">{}</a>', url, _("Til godkendelse"))


class AllProcessesTable(ProcessColumnsMixin, BaseTable):
    hearing_deadline = tables.Column(verbose_name=_("Høringsfrist"))
    hmu_meeting = tables.Column(verbose_name=_("HMU-møde"))
    signoff_meeting = tables.Column(verbose_name=_("Rådmandsmøde"))
    answers = tables.Column(verbose_name=_("Indsendte svar"), accessor="submitted_count")

    class Meta(BaseTable.Meta):
        empty_text = EMPTY

    def render_hearing_deadline(self, value):
        return _date(value)

    def render_hmu_meeting(self, value):
        return _date(value)

    def render_signoff_meeting(self, value):
        return _date(value)

    def render_answers(self, value, record):
        return _("%(n)s af %(m)s") % {"n": value, "m": record.heard_count}
