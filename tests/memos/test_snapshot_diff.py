"""snapshot_diff: every kind of change between two catalogue snapshots, and nothing else."""

import copy
import json
from decimal import Decimal

import pytest

from proposals.models import BreakdownLine, BreakdownLineYear, CatalogueYear, FollowUpGoal, Proposal, ProposalYear
from proposals.snapshots import catalogue_snapshot, snapshot_diff
from tests.factories import make_catalogue


def proposal(code, **kw):
    base = {
        "code": code,
        "position": 0,
        "theme": "Tema 1",
        "title": f"Forslag {code}",
        "description": "Tekst",
        "saving_type": "Eff",
        "sector": "",
        "area_budget": "",
        "saving_percent": "",
        "unit_price_change": "",
        "affected_units": "",
        "risk_assessment": "",
        "footnote": "",
        "is_phase_in": False,
        "reduces_service": None,
        "from_innovation_proposal": None,
        "net": {"2024": -1000, "2025": -1000},
        "fte": {"2024": "1.5", "2025": "1.5"},
        "lines": [],
        "goals": [],
    }
    base.update(kw)
    return base


def snap(*proposals, **catalogue):
    cat = {
        "id": 1,
        "slug": "k",
        "department": "MSO",
        "agreement": "Budgetforlig 2024",
        "title": "Katalog",
        "kind": "omprioritering",
        "price_level": "2024-PL",
        "unit": "1.000 kr.",
        "sector": "",
        "sign_convention": "savings_positive",
        "background": "",
        "footnotes": "",
        "first_year": 2024,
        "last_year": 2025,
        "targets": {"2024": -2000, "2025": -2000},
        "stated_fte": {"2024": "3", "2025": "3"},
    }
    cat.update(catalogue)
    return {"version": 1, "catalogue": cat, "proposals": list(proposals)}


def kinds(changes):
    return [c["kind"] for c in changes]


def test_identical_snapshots_have_no_changes():
    old = snap(proposal("1"), proposal("2"))
    assert snapshot_diff(old, copy.deepcopy(old)) == []


def test_reordering_is_not_a_change():
    a, b = proposal("1"), proposal("2", position=1)
    assert snapshot_diff(snap(a, b), snap(dict(b, position=0), dict(a, position=1))) == []


def test_proposal_added_and_withdrawn_carry_the_whole_proposal():
    old = snap(proposal("1"), proposal("2"))
    new = snap(proposal("1"), proposal("3", title="Nyt"))
    changes = snapshot_diff(old, new)
    assert kinds(changes) == ["proposal_added", "proposal_removed"]
    added, removed = changes
    assert (added["code"], added["title"], added["proposal"]["net"]) == ("3", "Nyt", {"2024": -1000, "2025": -1000})
    assert (removed["code"], removed["proposal"]["title"]) == ("2", "Forslag 2")


def test_net_change_per_year_in_internal_convention():
    old = snap(proposal("1"))
    new = snap(proposal("1", net={"2024": -1200, "2025": -1000}))
    assert snapshot_diff(old, new) == [
        {"kind": "net", "code": "1", "title": "Forslag 1", "year": "2024", "before": -1000, "after": -1200}
    ]


def test_missing_net_year_counts_as_zero():
    old = snap(proposal("1", net={"2024": -1000}))
    assert snapshot_diff(old, snap(proposal("1", net={"2024": -1000, "2025": 0}))) == []
    changes = snapshot_diff(old, snap(proposal("1", net={"2024": -1000, "2025": 300})))
    assert [(c["year"], c["before"], c["after"]) for c in changes] == [("2025", 0, 300)]


def test_fte_compared_by_value_not_by_text():
    old = snap(proposal("1", fte={"2024": "2.8", "2025": None}))
    assert snapshot_diff(old, snap(proposal("1", fte={"2024": "2.80", "2025": None}))) == []
    changes = snapshot_diff(old, snap(proposal("1", fte={"2024": "2.8", "2025": "-0.5"})))
    assert changes == [
        {"kind": "fte", "code": "1", "title": "Forslag 1", "year": "2025", "before": None, "after": "-0.5"}
    ]


@pytest.mark.parametrize(
    "field,before,after",
    [
        ("title", "Forslag 1", "Nyt navn"),
        ("description", "Tekst", "Anden tekst"),
        ("saving_type", "Eff", "BAO"),
        ("risk_assessment", "", "Høj risiko"),
        ("footnote", "", "Fuld effekt i 2028"),
        ("reduces_service", None, True),
        ("is_phase_in", False, True),
    ],
)
def test_text_and_flag_fields(field, before, after):
    changes = snapshot_diff(snap(proposal("1", **{field: before})), snap(proposal("1", **{field: after})))
    assert len(changes) == 1
    assert {k: changes[0][k] for k in ("kind", "code", "field", "before", "after")} == {
        "kind": "field",
        "code": "1",
        "field": field,
        "before": before,
        "after": after,
    }


def test_line_break_style_and_trailing_spaces_are_no_change():
    old = snap(proposal("1", description="Et afsnit.\n\nEt andet  \n"), title="Katalog")
    new = snap(proposal("1", description="Et afsnit.\r\n\r\nEt andet"), title="Katalog ")
    assert snapshot_diff(old, new) == []
    edited = snap(proposal("1", description="Et afsnit.\r\n\r\nEt tredje"))
    assert kinds(snapshot_diff(old, edited)) == ["field"]


def test_theme_change():
    changes = snapshot_diff(snap(proposal("1")), snap(proposal("1", theme="Tema 2")))
    assert changes == [{"kind": "theme", "code": "1", "title": "Forslag 1", "before": "Tema 1", "after": "Tema 2"}]


def line(text, amounts, counts=True):
    return {"text": text, "counts_toward_net": counts, "amounts": amounts}


def test_breakdown_lines_added_removed_and_changed():
    old = snap(proposal("1", lines=[line("A", {"2024": -1000}), line("B", {"2024": 450})]))
    new = snap(proposal("1", lines=[line("A", {"2024": -900}), line("C", {"2024": 100}), line("D", {"2024": 1})]))
    changes = snapshot_diff(old, new)
    # A keeps its text: an amount change. B -> C is a renamed line in B's place; D is new.
    assert kinds(changes) == ["line_amount", "line_field", "line_amount", "line_added"]
    assert (changes[0]["line"], changes[0]["year"], changes[0]["before"], changes[0]["after"]) == (
        "A",
        "2024",
        -1000,
        -900,
    )
    assert (changes[1]["field"], changes[1]["before"], changes[1]["after"]) == ("text", "B", "C")
    assert (changes[2]["before"], changes[2]["after"]) == (450, 100)
    assert changes[3]["line"]["text"] == "D"


def test_breakdown_line_removed_and_of_which_flag():
    old = snap(proposal("1", lines=[line("A", {"2024": -1000}), line("B", {"2024": 450})]))
    new = snap(proposal("1", lines=[line("A", {"2024": -1000}, counts=False)]))
    changes = snapshot_diff(old, new)
    assert kinds(changes) == ["line_field", "line_removed"]
    assert (changes[0]["field"], changes[0]["before"], changes[0]["after"]) == ("counts_toward_net", True, False)
    assert changes[1]["line"]["text"] == "B"


def test_goals_changed():
    goal = {"what": "Antal", "measure": "Optælling", "responsible": "Leder", "when": "2025"}
    changes = snapshot_diff(snap(proposal("1", goals=[goal])), snap(proposal("1", goals=[dict(goal, when="2026")])))
    assert kinds(changes) == ["goals"]
    assert changes[0]["after"][0]["when"] == "2026"


def test_catalogue_level_changes_come_first():
    old = snap(proposal("1"))
    new = snap(
        proposal("1", net={"2024": -900, "2025": -1000}),
        title="Nyt katalog",
        background="Ny baggrund",
        targets={"2024": -2000, "2025": -2500},
        stated_fte={"2024": "3", "2025": "2.5"},
    )
    changes = snapshot_diff(old, new)
    assert kinds(changes) == ["catalogue_field", "catalogue_field", "target", "stated_fte", "net"]
    assert [c["field"] for c in changes[:2]] == ["title", "background"]
    assert (changes[2]["year"], changes[2]["before"], changes[2]["after"]) == ("2025", -2000, -2500)
    assert (changes[3]["before"], changes[3]["after"]) == ("3", "2.5")


def test_moving_the_catalogue_to_another_department_is_a_change():
    changes = snapshot_diff(snap(proposal("1")), snap(proposal("1"), department="MSB"))
    assert changes == [{"kind": "catalogue_field", "field": "department", "before": "MSO", "after": "MSB"}]


def test_code_change_is_a_withdrawal_and_an_addition():
    changes = snapshot_diff(snap(proposal("1")), snap(proposal("1a")))
    assert kinds(changes) == ["proposal_added", "proposal_removed"]


def test_old_snapshot_without_newer_keys_is_tolerated():
    old = snap(proposal("1"))
    del old["catalogue"]["agreement"]
    assert snapshot_diff(old, snap(proposal("1"))) == [
        {"kind": "catalogue_field", "field": "agreement", "before": None, "after": "Budgetforlig 2024"}
    ]


@pytest.mark.django_db
def test_real_catalogue_edits_are_found_and_result_is_json_safe():
    catalogue = make_catalogue(proposals=3, lines=True)
    before = catalogue_snapshot(catalogue)
    first, second, third = Proposal.objects.filter(catalogue=catalogue).order_by("position")
    # Bulk updates send no signals; the comparison of states sees them anyway.
    ProposalYear.objects.filter(proposal=first, year=2025).update(net_amount=-1250, fte=Decimal("2"))
    Proposal.objects.filter(pk=second.pk).update(description="Ny beskrivelse")
    third.delete()
    CatalogueYear.objects.filter(catalogue=catalogue, year=2024).update(target=-1500)
    line = BreakdownLine.objects.create(proposal=first, position=2, text="Ekstra", counts_toward_net=False)
    BreakdownLineYear.objects.create(line=line, year=2024, amount=-10)
    FollowUpGoal.objects.create(proposal=second, what="Ventetid")

    changes = snapshot_diff(before, catalogue_snapshot(catalogue))
    assert json.loads(json.dumps(changes)) == changes
    summary = sorted((c["kind"], c.get("code"), c.get("year")) for c in changes)
    assert summary == sorted(
        [
            ("target", None, "2024"),
            ("net", "1", "2025"),
            ("fte", "1", "2025"),
            ("line_added", "1", None),
            ("field", "2", None),
            ("goals", "2", None),
            ("proposal_removed", "3", None),
        ]
    )
