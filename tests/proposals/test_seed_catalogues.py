"""The seed catalogues, loaded by the command, match the source documents figure by figure."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from proposals.balance import check_balance
from proposals.models import BudgetAgreement, Catalogue, Department, ProposalYear
from proposals.selectors import catalogue_overview
from proposals.snapshots import catalogue_snapshot

pytestmark = pytest.mark.django_db

MSO_WELFARE = "mso-omprioriteringer-velfaerdspuljen-2024"
MSO_ADMIN = "mso-besparelser-administration-2024"
MSB = "msb-omprioriteringskatalog-2024-2027"
MSB_RESIDUAL = "msb-administrative-besparelser-residual"
YEARS = (2024, 2025, 2026, 2027)


@pytest.fixture
def seeds():
    call_command("load_seed_catalogues", stdout=open("/dev/null", "w"))
    return {c.slug: c for c in Catalogue.objects.all()}


def shown(catalogue):
    """code -> ([net per year], [fte per year]) in the document's own sign convention."""
    overview = catalogue_overview(catalogue)
    result = {}
    for row in overview.rows:
        net = [catalogue.to_display(row.net.get(y)) for y in YEARS]
        fte = [None if row.fte.get(y) is None else catalogue.to_display(row.fte[y]) for y in YEARS]
        result[row.proposal.code] = (net, fte)
    return result


def lines_of(catalogue, code):
    overview = catalogue_overview(catalogue)
    row = next(r for r in overview.rows if r.proposal.code == code)
    return [
        (ln.text, ln.counts_toward_net, [catalogue.to_display(ln.amounts.get(y)) for y in YEARS]) for ln in row.lines
    ]


def test_departments_and_agreement(seeds):
    mso = Department.objects.get(code="MSO")
    assert mso.name == "Sundhed og Omsorg"
    assert (mso.office, mso.unit) == ("Økonomi og Bygninger", "Mål- og Økonomistyring")
    assert "Grøndalsvej 2" in mso.address and "8260 Viby J." in mso.address
    assert (mso.phone, mso.email) == ("41874622", "krmi@aarhus.dk")
    assert (mso.case_officer, mso.case_officer_title) == ("Kristian Mikkelsen", "Kontorchef")
    assert Department.objects.get(code="MSB").name == "Sociale Forhold og Beskæftigelse"
    agreement = BudgetAgreement.objects.get(name="Budgetforlig 2024")
    assert agreement.agreed_on.isoformat() == "2023-09-22"
    assert {c.agreement_id for c in seeds.values()} == {agreement.pk}
    assert len(seeds) == 4


def test_every_seed_catalogue_balances(seeds):
    for catalogue in seeds.values():
        report = check_balance(catalogue_overview(catalogue))
        assert report.balanced, (catalogue.slug, report.messages())


def test_mso_welfare_pool_000(seeds):
    cat = seeds[MSO_WELFARE]
    assert cat.title == "Omprioriteringer til Velfærdspuljen"
    assert cat.department.code == "MSO" and cat.savings_positive
    assert (cat.first_year, cat.last_year, cat.price_level) == (2024, 2027, "2024-PL")
    assert cat.sector == "3.31 Foranstaltninger ældre og handicappede"
    figures = shown(cat)
    assert {code: net for code, (net, _f) in figures.items()} == {
        "1": [11100, 11100, 11100, 11100],
        "2": [-2000, -3000, -3000, 0],
        "3": [-1960, 1400, 1400, 1400],
        "4": [900, 1300, 1300, 1300],
        "5": [600, 600, 600, 600],
        "6": [650, 1300, 1300, 1300],
        "7": [8410, 5000, 5000, 2000],
    }
    # The document states staffing only for the catalogue, not per proposal.
    assert all(fte == [None] * 4 for _n, fte in figures.values())
    overview = catalogue_overview(cat)
    assert [cat.to_display(overview.totals[y]) for y in YEARS] == [17700] * 4
    assert [cat.to_display(overview.targets[y]) for y in YEARS] == [17700] * 4
    assert [cat.to_display(overview.stated_fte[y]) for y in YEARS] == [
        0,
        Decimal("2.8"),
        Decimal("2.8"),
        Decimal("2.8"),
    ]
    # Internally a saving is negative: 11.100 saved is stored -11100.
    assert overview.rows[0].net[2024] == -11100
    p = {r.proposal.code: r.proposal for r in overview.rows}
    assert p["7"].is_phase_in and p["7"].saving_type == "-" and p["7"].title == "Indfasning af omprioriteringer"
    assert not any(p[c].is_phase_in for c in "123456")
    assert {p[c].saving_type for c in "123456"} == {"Eff"}
    assert p["1"].title == "Effekt af Styrket Rehabilitering og brug af hjælpemidler mv."
    assert (p["1"].area_budget, p["1"].saving_percent, p["1"].unit_price_change) == (
        "571 mio. kr.",
        "1,9 %",
        "Ikke relevant",
    )
    assert (
        p["2"].footnote
        == "Der forventes fuld effekt af 2. velfærdsteknologi i 2028 med en effektivisering på 2,0 mio. kr."
    )
    assert p["5"].area_budget == "21,5 mio. kr." and p["5"].saving_percent == "2,8 %"
    assert p["6"].saving_percent == "ca. 10 %"
    assert p["3"].description.startswith("MSO vil investere og intensivere digitaliseringsindsatserne")
    assert "36 terapeuter" in p["1"].description


def test_mso_administration_004(seeds):
    cat = seeds[MSO_ADMIN]
    assert cat.title == "Besparelser på administration" and cat.savings_positive
    figures = shown(cat)
    assert {code: net for code, (net, _f) in figures.items()} == {
        "1": [1100, 4500, 4500, 4500],
        "2": [1600, 1600, 1600, 1600],
        "3": [200, 200, 200, 200],
        "4": [-1540, 1100, 1100, 1100],
        "5": [700, 700, 700, 700],
        "6": [3900, 3900, 3900, 3900],
        "7": [6040, 0, 0, 0],
    }
    overview = catalogue_overview(cat)
    # The document's "12,000" for 2025 is a slip for 12.000.
    assert [cat.to_display(overview.targets[y]) for y in YEARS] == [12000] * 4
    assert [cat.to_display(overview.totals[y]) for y in YEARS] == [12000] * 4
    assert [cat.to_display(overview.stated_fte[y]) for y in YEARS] == [
        Decimal(v) for v in ("10.7", "18.1", "18.1", "18.1")
    ]
    types = {r.proposal.code: r.proposal.saving_type for r in overview.rows}
    assert types == {"1": "Eff./BAO", "2": "Eff", "3": "Eff", "4": "Eff", "5": "BAO", "6": "Eff", "7": "-"}
    assert [r.proposal.code for r in overview.rows if r.proposal.is_phase_in] == ["7"]


MSB_NET = {
    "BFF-1": [-1000] * 4,
    "BFF-2": [-1000] * 4,
    "BFF-3A": [-3115, -3215, -2665, -2365],
    "BFF-4": [-300] * 4,
    "JUS-1": [-550, -350, -550, -650],
    "JSY-3": [-850] * 4,
    "JUS-2": [-1700, -1700, -1700, -1900],
    "UJU-1": [-3015] * 4,
    "VJH-1": [-900, -1000, -1150, -1150],
    "VJH-2": [-500] * 4,
    "VJH-3": [-1400] * 4,
    "VJH-4": [-375] * 4,
    "VJH-5": [-1025] * 4,
    "JSY-1": [-600, -600, -800, -800],
    "JSY-2": [-900] * 4,
    "JVS-1": [-120] * 4,
    "JVS-2": [-600] * 4,
    "JVS-3": [-1780] * 4,
}
MSB_FTE = {
    "BFF-1": ["-2"] * 4,
    "BFF-2": ["-2"] * 4,
    "BFF-3A": ["0"] * 4,
    "BFF-4": ["0"] * 4,
    "JUS-1": ["0"] * 4,
    "JSY-3": ["-1"] * 4,
    "JUS-2": ["2"] * 4,
    "UJU-1": ["0"] * 4,
    "VJH-1": ["0", "0", "2", "2"],
    "VJH-2": ["0"] * 4,
    "VJH-3": ["-2"] * 4,
    "VJH-4": ["0"] * 4,
    "VJH-5": ["-0.5"] * 4,
    "JSY-1": ["-1.3", "-1.3", "-1.7", "-1.7"],
    "JSY-2": ["0"] * 4,
    "JVS-1": ["0"] * 4,
    "JVS-2": ["-1"] * 4,
    "JVS-3": ["-3.5"] * 4,
}
MSB_THEMES = {
    "Tema 1: Børn og unge": ["BFF-1", "BFF-2", "BFF-3A", "BFF-4"],
    "Tema 2: Hjemløshed": ["JUS-1"],
    "Tema 3: Mennesker med handicap og psykiske udfordringer": [
        "JSY-3",
        "JUS-2",
        "UJU-1",
        "VJH-1",
        "VJH-2",
        "VJH-3",
        "VJH-4",
        "VJH-5",
    ],
    "Tema 4: Beskæftigelse": ["JSY-1", "JSY-2", "JVS-1", "JVS-2", "JVS-3"],
}


def test_msb_measures_001(seeds):
    cat = seeds[MSB]
    assert cat.title == "Omprioriteringskatalog 2024–2027" and not cat.savings_positive
    figures = shown(cat)
    assert list(figures) == list(MSB_NET)  # the document's order
    assert {c: net for c, (net, _f) in figures.items()} == MSB_NET
    assert {c: fte for c, (_n, fte) in figures.items()} == {
        c: [Decimal(v) for v in values] for c, values in MSB_FTE.items()
    }
    overview = catalogue_overview(cat)
    assert [overview.totals[y] for y in YEARS] == [-19730] * 4
    assert [overview.targets[y] for y in YEARS] == [-19730] * 4
    themes = {}
    for row in overview.rows:
        themes.setdefault(row.proposal.theme.title, []).append(row.proposal.code)
    assert themes == MSB_THEMES
    assert [t.title for t in cat.themes.order_by("position")] == list(MSB_THEMES)
    p = {r.proposal.code: r.proposal for r in overview.rows}
    assert p["BFF-1"].sector == "1.20 Drift"
    assert p["BFF-4"].sector == "1.20 Decentraliserede område"
    assert p["JUS-2"].sector == "1.05 Anlæg og 1.20 Drift"
    assert p["BFF-1"].area_budget == "Brobyg-fraværsindsats har et samlet driftsbudget på 4,365 mio. kr."
    assert p["BFF-1"].saving_percent == "22,9%"
    assert p["VJH-1"].saving_percent == "39 % i 2024 stigende til 50 % i 2027."
    assert p["UJU-1"].footnote == "Nettobesparelsen kan påvirkes af modsvarende reduktion i statslig refusion."
    assert p["JUS-1"].title == "Prioritering af Housing First gennem tilpasning af nattilbud til hjemløse"
    assert "Natcafeen" in p["JUS-1"].description
    assert all(p[c].description for c in p)


def test_msb_breakdown_lines(seeds):
    cat = seeds[MSB]
    assert lines_of(cat, "JUS-1") == [
        ("Ophør af kommunalt tilskud til Natcafeen", True, [-1000] * 4),
        ("Housing First opgaver i regi af Kirkens Korshær", True, [450, 650, 450, 350]),
    ]
    assert lines_of(cat, "JUS-2") == [
        ("Salg af bygning Marselisborg Allé (Provenu fordelt på fire år)", True, [-3300] * 4),
        ("Driftsbudget Bofællesskab Marselisborg Allé", True, [-2800] * 4),
        (
            "Forebyggende indsatser til borgere med psykisk sårbarhed og autisme, Åben Fleksibel Rådgivning, "
            "Center for Forebyggelse og Rehabilitering",
            True,
            [500] * 4,
        ),
        (
            "Investering i mestringsvejledning til borgere med psykisk sårbarhed, Center for Mestring",
            True,
            [2100, 2100, 2100, 2000],
        ),
        ("Investering i mestringsvejledning til borgere med autisme, SORAS", True, [1800, 1800, 1800, 1700]),
    ]
    assert lines_of(cat, "VJH-1") == [
        ("Besparelse tryghedsskabende personale", True, [-1150, -1150, -2300, -2300]),
        ("Opkvalificering af medarbejdere", True, [250, 150, 150, 150]),
        ("Ansættelse af faguddannede medarbejdere", True, [0, 0, 1000, 1000]),
    ]
    assert lines_of(cat, "VJH-3") == [
        ("Omlægning af nattevagt", True, [-1600] * 4),
        ("Investering i udstyr og forbindelser", True, [100] * 4),
        ("Reduktion af takstindtægter fra eksternt salg", True, [100] * 4),
    ]
    assert lines_of(cat, "VJH-5") == [
        ("Tilpasning af feriepulje", True, [-1275] * 4),
        ("Reduktion af takstindtægter", True, [250] * 4),
    ]
    assert lines_of(cat, "JSY-1") == [
        ("Reduceret åbningstid", True, [-600] * 4),
        ("Én samlet borgerbetjening", True, [0, 0, -200, -200]),
    ]
    assert lines_of(cat, "JSY-3") == [
        ("Fraflytning af Toldbodgade (husleje)", True, [-300] * 4),
        ("Bedre udnyttelse af personaleressourcer", True, [-550] * 4),
    ]
    # Every measure but BFF-3A has counting lines that sum to its net.
    overview = catalogue_overview(cat)
    for row in overview.rows:
        counting = [ln for ln in row.lines if ln.counts_toward_net]
        if row.proposal.code == "BFF-3A":
            assert counting == []
            continue
        assert counting, row.proposal.code
        for y in YEARS:
            assert sum(ln.amounts.get(y, 0) for ln in counting) == row.net[y]


def test_bff_3a_gross_reduction_and_internal_room(seeds):
    """The document: gross -3.500 = net -3.115 + -385 kept as internal MSB room. Both are
    "of which" lines in the document's own figures; the net is the authoritative figure."""
    cat = seeds[MSB]
    assert lines_of(cat, "BFF-3A") == [
        ("Færre eksterne anbringelser", False, [-3500, -3500, -4000, -4000]),
        ("Internt MSB-råderum", False, [-385, -285, -1335, -1635]),
    ]
    net, _fte = shown(cat)["BFF-3A"]
    gross = [-3500, -3500, -4000, -4000]
    room = [-385, -285, -1335, -1635]
    assert [n + r for n, r in zip(net, room, strict=True)] == gross
    assert "internt MSB-råderum" in cat.proposals.get(code="BFF-3A").footnote


def test_msb_residual(seeds):
    cat = seeds[MSB_RESIDUAL]
    assert cat.department.code == "MSB" and not cat.savings_positive
    assert "residual" in cat.title
    figures = shown(cat)
    assert list(figures) == ["MSB-1"]
    net, fte = figures["MSB-1"]
    assert net == [-9094, -6680, -6310, -6026]
    assert fte == [Decimal("-15"), Decimal("-11"), Decimal("-10.5"), Decimal("-10")]
    overview = catalogue_overview(cat)
    assert [overview.targets[y] for y in YEARS] == net
    assert [overview.stated_fte[y] for y in YEARS] == fte


def test_loading_twice_changes_nothing(seeds):
    before = {slug: catalogue_snapshot(c) for slug, c in seeds.items()}
    stamps = {c.slug: c.updated_at for c in Catalogue.objects.all()}
    from proposals.services import load_seed_catalogues

    results = load_seed_catalogues(reset=True)
    assert all(not outcome.changed for _c, outcome in results)
    assert all(len(outcome.unchanged) == c.proposals.count() for c, outcome in results)
    after = {c.slug: catalogue_snapshot(c) for c in Catalogue.objects.all()}
    assert after == before
    assert {c.slug: c.updated_at for c in Catalogue.objects.all()} == stamps
    assert Department.objects.count() == 2 and BudgetAgreement.objects.count() == 1


def test_loading_again_leaves_a_users_changes_alone_and_reset_restores_the_documents(seeds):
    from proposals.services import load_seed_catalogues

    mso = seeds["mso-omprioriteringer-velfaerdspuljen-2024"]
    ProposalYear.objects.filter(proposal__catalogue=mso, proposal__code="1", year=2024).update(net_amount=-11500)
    Department.objects.filter(code="MSO").update(case_officer="En Anden")
    out = StringIO()
    call_command("load_seed_catalogues", stdout=out)
    assert f"{mso.slug}: findes allerede; ikke ændret" in out.getvalue()
    assert shown(mso)["1"][0] == [11500, 11100, 11100, 11100]
    assert Department.objects.get(code="MSO").case_officer == "En Anden"

    results = dict(load_seed_catalogues(reset=True))
    assert results[mso].updated and shown(mso)["1"][0] == [11100, 11100, 11100, 11100]
    assert Department.objects.get(code="MSO").case_officer == "Kristian Mikkelsen"


def test_service_level_as_the_documents_state_it(seeds):
    # 001 VJH-5: "en mindre reduktion i det samlede serviceniveau"; 000 #1, #5 and #6 say the
    # service level is not affected; the other proposals do not say.
    msb, mso = seeds[MSB], seeds[MSO_WELFARE]
    assert msb.proposals.get(code="VJH-5").reduces_service is True
    assert dict(mso.proposals.values_list("code", "reduces_service")) == {
        "1": False,
        "2": None,
        "3": None,
        "4": None,
        "5": False,
        "6": False,
        "7": None,
    }
