"""Example catalogues for the page, export and report tests, with figures from the seed
documents, and a small HTML table reader (standard library only)."""

from decimal import Decimal
from html.parser import HTMLParser

from proposals.models import (
    BreakdownLine,
    BreakdownLineYear,
    Catalogue,
    CatalogueYear,
    FollowUpGoal,
    Proposal,
    ProposalYear,
    Theme,
)
from tests.factories import make_department

YEARS = (2024, 2025, 2026, 2027)

# 000: MSO "Omprioriteringer til Velfærdspuljen", as written in the document (savings positive).
MSO_000 = [
    ("1.", "Effekt af Styrket Rehabilitering og brug af hjælpemidler mv.", "Eff", (11100, 11100, 11100, 11100)),
    ("2.", "Velfærdsteknologi", "Eff", (-2000, -3000, -3000, 0)),
    ("3.", "Digitaliseringsindsatser", "Eff", (-1960, 1400, 1400, 1400)),
    ("4.", "Kompensation for betaling ved akutpladser justeres.", "Eff", (900, 1300, 1300, 1300)),
    ("5.", "Reduktion i Dagcenterets budget", "Eff", (600, 600, 600, 600)),
    ("6.", "Færre biler og busser", "Eff", (650, 1300, 1300, 1300)),
    ("7.", "Indfasning af omprioriteringer", "-", (8410, 5000, 5000, 2000)),
]
MSO_000_FTE = ("0", "2.8", "2.8", "2.8")


def make_mso_000(
    slug="mso-velfaerdspuljen", change=None, title="Omprioriteringer til Velfærdspuljen i Sundhed og Omsorg"
):
    """The MSO 000 catalogue; ``change=(code, year, display_amount)`` alters one figure."""
    catalogue = Catalogue.objects.create(
        department=make_department("MSO", name="Sundhed og Omsorg"),
        slug=slug,
        title=title,
        kind=Catalogue.Kind.REPRIORITISATION,
        first_year=2024,
        last_year=2027,
        sector="3.31 Foranstaltninger ældre og handicappede",
        sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE,
        footnotes="*Der forventes fuld effekt af 2. velfærdsteknologi i 2028 med en effektivisering på 2,0 mio. kr.",
    )
    for position, (code, title, kind, amounts) in enumerate(MSO_000):
        proposal = Proposal.objects.create(
            catalogue=catalogue,
            code=code,
            position=position,
            title=title,
            saving_type=kind,
            is_phase_in=code == "7.",
        )
        for year, amount in zip(YEARS, amounts, strict=True):
            if change and change[0] == code and change[1] == year:
                amount = change[2]
            ProposalYear.objects.create(proposal=proposal, year=year, net_amount=catalogue.from_display(amount))
    for year, fte in zip(YEARS, MSO_000_FTE, strict=True):
        CatalogueYear.objects.create(
            catalogue=catalogue,
            year=year,
            target=catalogue.from_display(17700),
            stated_fte_total=catalogue.from_display(Decimal(fte)),
        )
    return catalogue


def make_msb_like(slug="msb-katalog"):
    """A savings-negative catalogue with two themes, FTE per proposal, a proposal with
    breakdown lines incl. a "heraf" line (MSB's Natcafeen and Internt MSB-råderum), and goals."""
    catalogue = Catalogue.objects.create(
        department=make_department("MSB", name="Sociale Forhold og Beskæftigelse"),
        slug=slug,
        title="Omprioriteringskatalog 2024-2027",
        kind=Catalogue.Kind.REPRIORITISATION,
        first_year=2024,
        last_year=2027,
        sector="1.20 Drift",
    )
    theme1 = Theme.objects.create(catalogue=catalogue, code="1", title="Tema 1: Børn og unge", position=1)
    theme2 = Theme.objects.create(catalogue=catalogue, code="2", title="Tema 2: Voksne", position=2)
    natcafe = Proposal.objects.create(
        catalogue=catalogue,
        theme=theme2,
        code="Tema 2, V-1",
        position=2,
        title="Natcafeen og Housing First",
        saving_type="BAO",
        description="Første afsnit.\n\nAndet afsnit om Natcafeen.",
        sector="5.38 Botilbud",
        area_budget="12,3 mio. kr.",
        saving_percent="4,5 %",
        unit_price_change="Ikke relevant",
        reduces_service=True,
        from_innovation_proposal=False,
        affected_units="Natcafeen\nHousing First-teamet",
        risk_assessment="Lav risiko.",
        footnote="Fuld effekt fra 2025.",
    )
    raaderum = Proposal.objects.create(
        catalogue=catalogue,
        theme=theme1,
        code="Tema 1, BFF-1",
        position=1,
        title="Internt MSB-råderum",
        saving_type="Eff",
    )
    for year in YEARS:
        ProposalYear.objects.create(proposal=natcafe, year=year, net_amount=-550, fte=Decimal("-1.5"))
        ProposalYear.objects.create(proposal=raaderum, year=year, net_amount=-3115, fte=Decimal("-2"))
        CatalogueYear.objects.create(catalogue=catalogue, year=year, target=-3665, stated_fte_total=Decimal("-3.5"))
    ophoer = BreakdownLine.objects.create(proposal=natcafe, position=1, text="Ophør af kommunalt tilskud til Natcafeen")
    housing = BreakdownLine.objects.create(proposal=natcafe, position=2, text="Housing First opgaver")
    gross = BreakdownLine.objects.create(proposal=raaderum, position=1, text="Bruttoreduktion", counts_toward_net=False)
    for year in YEARS:
        BreakdownLineYear.objects.create(line=ophoer, year=year, amount=-1000)
        BreakdownLineYear.objects.create(line=housing, year=year, amount=450)
        BreakdownLineYear.objects.create(line=gross, year=year, amount=-3500)
    FollowUpGoal.objects.create(
        proposal=natcafe,
        position=1,
        what="Antal overnatninger",
        measure="Registrering",
        responsible="Socialcenter",
        when="Halvårligt",
    )
    return catalogue


class _TableReader(HTMLParser):
    def __init__(self, table_class):
        super().__init__()
        self.table_class = table_class
        self.depth = 0  # >0 inside the wanted table
        self.section = None
        self.rows = []  # (section, [cell texts], row classes)
        self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            if self.depth:
                self.depth += 1
            elif self.table_class in (attrs.get("class") or "").split():
                self.depth = 1
        if not self.depth:
            return
        if tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif tag == "tr":
            self.rows.append((self.section, [], attrs.get("class") or ""))
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1][1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and self.cell is not None:
            self.cell.append(data)


def table_rows(html, table_class, section=None):
    """[[cell text]] of the first table with ``table_class``; only ``section`` rows if given."""
    reader = _TableReader(table_class)
    reader.feed(html if isinstance(html, str) else html.decode())
    return [cells for sec, cells, _cls in reader.rows if section is None or sec == section]
