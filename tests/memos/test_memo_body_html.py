"""The memo's proposal sections written in Python (``approvals.memos.body_html``) are, byte
for byte, what the template loop they replace wrote: every kind of section (changed, added,
withdrawn), reasons, figures, line rows, short and long text changes, notes, texts that need
escaping, in Danish and English."""

import pytest
from django.template import engines
from django.utils import translation

from approvals.memos import issuing
from approvals.memos.body_html import proposal_sections_html
from approvals.memos.document import MemoDocument
from proposals.models import BreakdownLine, BreakdownLineYear, Proposal, ProposalYear
from tests.memo_factories import make_signed_off_catalogue

pytestmark = pytest.mark.django_db

# The loop of templates/approvals/memos/_body.html before it moved to body_html.py.
TEMPLATE_LOOP = """{% load i18n %}{% for section in doc.proposals %}
  <section class="memo-section memo-{{ section.status }}">
    <h3>{% blocktranslate with code=section.code title=section.title %}Forslag {{ code }}: {{ title }}{% endblocktranslate %} <span class="memo-status">({{ section.status_label }})</span></h3>
    {% if section.reasons %}<p class="memo-reason"><strong>{% translate "Begrundelse:" %}</strong> {{ section.reasons|join:" " }}</p>{% endif %}
    {% if section.figures %}{% include "approvals/memos/_figures.html" with table=section.figures caption="" %}{% endif %}
    {% if section.line_rows %}
    <table class="table memo-lines">
      <thead><tr><th scope="col" class="memo-label">{% translate "Specifikationslinje" %}</th><th scope="col" class="num">{% translate "År" %}</th><th scope="col" class="num">{% translate "Før" %}</th><th scope="col" class="num">{% translate "Efter" %}</th></tr></thead>
      <tbody>{% for line, year, before, after in section.line_rows %}<tr><td>{{ line }}</td><td class="num">{{ year }}</td><td class="num">{{ before }}</td><td class="num">{{ after }}</td></tr>{% endfor %}</tbody>
    </table>
    {% endif %}
    {% for change in section.texts %}{% include "approvals/memos/_text_change.html" %}{% endfor %}
    {% for note in section.notes %}<p class="memo-note">{{ note|linebreaksbr }}</p>{% endfor %}{% if section.line_differences %}<p class="memo-warning"><strong>{% translate "Bemærk:" %}</strong> {% translate "Specifikationslinjerne summerer ikke til forslagets nettoændring." %} {{ section.line_differences|join:" " }}</p>{% endif %}
  </section>
  {% endfor %}"""  # noqa: E501


def rich_memo():
    process = make_signed_off_catalogue(proposals=4, amount=-1100, lines=True)
    catalogue = process.catalogue
    first, second, third, fourth = Proposal.objects.filter(catalogue=catalogue).order_by("position")
    ProposalYear.objects.filter(proposal=first, year__in=[2024, 2025]).update(net_amount=-1300, fte=-2)
    Proposal.objects.filter(pk=first.pk).update(
        title="Ny <titel> & 'citat' \"her\"",
        description="Første afsnit om ledelse i hele afdelingen og meget mere tekst end firs tegn.\r\n\r\n"
        "- færre biler\n- ingen busser & tog <b>",
    )
    Proposal.objects.filter(pk=second.pk).update(sector="Ældre\nog sundhed", reduces_service=True)
    BreakdownLineYear.objects.filter(line__proposal=third, year=2024).update(amount=-777)
    line = BreakdownLine.objects.create(proposal=third, position=9, text="Ny linje <&>")
    BreakdownLineYear.objects.create(line=line, year=2025, amount=450)
    fourth.delete()
    new = Proposal.objects.create(
        catalogue=catalogue, code="9<", title="Nyt & forslag", saving_type="AM", description="Linje 1\nLinje <2>"
    )
    ProposalYear.objects.create(proposal=new, year=2024, net_amount=-400, fte=-1.5)
    memo = issuing.issue_memo(process)
    changes = [dict(c, reasons=["Fordi <det> & 'sådan'", "Og så"]) for c in memo.changes]
    return MemoDocument(previous_snapshot=memo.previous_snapshot, snapshot=memo.snapshot, changes=changes)


@pytest.mark.parametrize("language", ["da", "en"])
def test_sections_are_the_templates_byte_for_byte(language):
    doc = rich_memo()
    statuses = {s.status for s in doc.proposals}
    assert statuses == {"changed", "added", "removed"}
    assert any(s.line_rows for s in doc.proposals) and any(s.notes for s in doc.proposals)
    texts = [t for s in doc.proposals for t in s.texts]
    assert any(t.words for t in texts) and any(not t.words for t in texts)
    with translation.override(language):
        expected = engines["django"].from_string(TEMPLATE_LOOP).render({"doc": doc})
        assert str(proposal_sections_html(doc)) == expected
