"""Plain factory functions for test data (internal sign convention: savings negative)."""

import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model

from proposals.models import (
    BreakdownLine,
    BreakdownLineYear,
    Catalogue,
    CatalogueYear,
    Department,
    Proposal,
    ProposalYear,
    Theme,
)

_seq = itertools.count(1)


def make_department(code=None, **kwargs):
    code = code or f"D{next(_seq)}"
    return Department.objects.get_or_create(
        code=code, defaults={"name": kwargs.pop("name", f"Afdeling {code}"), **kwargs}
    )[0]


def make_catalogue(
    *,
    proposals=3,
    years=(2024, 2025, 2026, 2027),
    amount=-1000,
    fte="1.5",
    target="balanced",
    sign_convention=Catalogue.SignConvention.SAVINGS_NEGATIVE,
    department=None,
    lines=False,
    **kwargs,
):
    """A catalogue with ``proposals`` proposals each saving ``amount`` every year.

    ``target="balanced"`` sets targets and stated FTE so the catalogue balances."""
    n = next(_seq)
    catalogue = Catalogue.objects.create(
        department=department or make_department(),
        slug=kwargs.pop("slug", f"katalog-{n}"),
        title=kwargs.pop("title", f"Katalog {n}"),
        first_year=years[0],
        last_year=years[-1],
        sign_convention=sign_convention,
        **kwargs,
    )
    theme = Theme.objects.create(catalogue=catalogue, code="T1", title="Tema 1", position=1)
    fte_value = Decimal(fte) if fte is not None else None
    created = Proposal.objects.bulk_create(
        Proposal(
            catalogue=catalogue,
            theme=theme,
            code=str(i + 1),
            position=i,
            title=f"Forslag {i + 1}",
            description=f"Beskrivelse af forslag {i + 1}",
            saving_type="Eff",
        )
        for i in range(proposals)
    )
    ProposalYear.objects.bulk_create(
        ProposalYear(proposal=p, year=y, net_amount=amount, fte=fte_value) for p in created for y in years
    )
    if lines:
        for p in created:
            line = BreakdownLine.objects.create(proposal=p, position=1, text="Linje", counts_toward_net=True)
            BreakdownLineYear.objects.bulk_create(BreakdownLineYear(line=line, year=y, amount=amount) for y in years)
    if target == "balanced":
        CatalogueYear.objects.bulk_create(
            CatalogueYear(
                catalogue=catalogue,
                year=y,
                target=amount * proposals,
                stated_fte_total=(fte_value * proposals) if fte_value is not None else None,
            )
            for y in years
        )
    return catalogue


def make_user(username=None, password="test-pass-123", **kwargs):
    username = username or f"user{next(_seq)}"
    return get_user_model().objects.create_user(
        username=username, password=password, email=f"{username}@example.dk", **kwargs
    )
