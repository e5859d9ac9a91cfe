"""django-tables2 tables of the workflow pages (DKFDS markup: the project's default table template,
settings.DJANGO_TABLES2_TEMPLATE)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import next_steps, selectors
from .models import HearingResponse

EMPTY = _("Ingen kataloger.")


def _date(value):
    return date_format(value, "DATE_FORMAT") if value else "—"


def answers(record):
    """Submitted responses of the heard LMUs, as every table counts them (processes_for_user)."""
    return _("%(n)s af %(m)s") % {"n": record.submitted_count, "m": record.heard_count}


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table table--zebra"}
        per_page = 20

    def next_step(self, record, role):
        """The user's next step on ``record`` in ``role`` (next_steps.next_steps), or None."""
        cache = self.__dict__.setdefault("_steps", {})
        if record.pk not in cache:
            cache[record.pk] = {step.role: step for step in next_steps.next_steps(self.request.user, record)}
        return cache[record.pk].get(role)

    def step_link(self, record, role):
        step = self.next_step(record, role)
        if step is None:
            return "—"
        return format_html('<a href="{}" class="app-next-step">{}</a>', step.url, step.verb)


class ProcessColumnsMixin(tables.Table):
    catalogue = tables.Column(verbose_name=_("Katalog"), accessor="catalogue__title", order_by=("catalogue__title",))
    department = tables.Column(
        verbose_name=_("Afdeling"), accessor="catalogue__department__code", order_by=("catalogue__department__code",)
    )
    state = tables.Column(verbose_name=_("Status"), accessor="state")

    def render_catalogue(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("approvals:catalogue", args=[record.catalogue.slug]), value)

    def render_state(self, record):
        return selectors.state_label(record)


class HearingTable(ProcessColumnsMixin, BaseTable):
    """Catalogues the user's LMUs are heard on, with deadline and the state of their response."""

    hearing_deadline = tables.Column(verbose_name=_("Høringsfrist"))
    days_left = tables.Column(
        verbose_name=_("Dage tilbage"), accessor="hearing_deadline", order_by=("hearing_deadline",)
    )
    my_response = tables.Column(verbose_name=_("Jeres svar"), accessor="my_response_status", empty_values=())
    next_step = tables.Column(verbose_name=_("Næste skridt"), accessor="pk", orderable=False)

    class Meta(BaseTable.Meta):
        empty_text = _("Ingen af dine LMU'er er i høring.")
        sequence = ("catalogue", "department", "state", "hearing_deadline", "days_left", "my_response", "next_step")

    def render_hearing_deadline(self, value):
        return _date(value)

    def render_days_left(self, record):
        days = selectors.days_left(record)
        if days is None:
            return "—"
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
        step = self.next_step(record, "hearing")
        if step is not None and value == HearingResponse.Status.SUBMITTED:
            # Submitted, but proposals changed since: the answer is not settled (stale_notices).
            flag = _("Ændret siden dit svar – bekræft eller ret")
            return format_html('{}<br><span class="app-stale-flag">{}</span>', label, flag)
        if step is not None or record.my_committee_id is None:
            return label  # the way in is the next step's link
        url = reverse("approvals:response", args=[record.catalogue.slug, record.my_committee_id])
        return format_html('<a href="{}">{}</a>', url, label)

    def render_next_step(self, record):
        return self.step_link(record, "hearing")


class HmuQueueTable(ProcessColumnsMixin, BaseTable):
    hearing_deadline = tables.Column(verbose_name=_("Høringsfrist"))
    hmu_meeting = tables.Column(verbose_name=_("HMU-møde"))
    answers = tables.Column(verbose_name=_("Indsendte svar"), accessor="submitted_count")
    next_step = tables.Column(verbose_name=_("Næste skridt"), accessor="pk", orderable=False)

    class Meta(BaseTable.Meta):
        empty_text = _("Ingen kataloger afventer HMU-behandling.")

    def render_hearing_deadline(self, value):
        return _date(value)

    def render_hmu_meeting(self, value):
        return _date(value)

    def render_answers(self, value, record):
        return answers(record)

    def render_next_step(self, record):
        return self.step_link(record, "hmu")


class SignoffQueueTable(ProcessColumnsMixin, BaseTable):
    hmu_meeting = tables.Column(verbose_name=_("HMU-møde"))
    signoff_meeting = tables.Column(verbose_name=_("Rådmandsmøde"))
    next_step = tables.Column(verbose_name=_("Næste skridt"), accessor="pk", orderable=False)

    class Meta(BaseTable.Meta):
        empty_text = _("Ingen kataloger afventer godkendelse.")

    def render_hmu_meeting(self, value):
        return _date(value)

    def render_signoff_meeting(self, value):
        return _date(value)

    def render_next_step(self, record):
        return self.step_link(record, "signoff")


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
        return answers(record)
