"""Real Chromium types figures into the real Django admin, as an administrator would.

A typed "2.000" is two thousand, "-2.500" is stored in the catalogue's own convention, and
"12,000" or "1.00" is refused on its field with the importer's message, nothing saved."""

from decimal import Decimal

import pytest

from proposals.models import Catalogue
from tests.browser import expect, shot
from tests.factories import make_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _type(field, text):
    field.fill("")
    field.press_sequentially(text)  # key by key, as a person types


def _save(page):
    with page.expect_navigation():
        page.locator("input[name=_save]").click()


def test_amounts_typed_into_the_admin(admin_page, live_server):
    # Savings positive, as MSO's documents write them: a saving of 1.000 is stored -1000.
    catalogue = make_catalogue(sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE, proposals=1)
    proposal = catalogue.proposals.get()
    years = list(proposal.years.values_list("year", flat=True))
    net = admin_page.locator(f"input[name='years-{years.index(2025)}-net_amount']")
    fte = admin_page.locator(f"input[name='years-{years.index(2025)}-fte']")
    url = f"{live_server.url}/admin/proposals/proposal/{proposal.pk}/change/"
    admin_page.goto(url)
    expect(net).to_have_value("1.000")
    expect(net).to_have_attribute("inputmode", "decimal")
    assert net.get_attribute("type") == "text"

    _type(net, "2.000")
    _type(fte, "2,8")
    _save(admin_page)
    expect(admin_page.locator(".messagelist .success")).to_be_visible()
    row = proposal.years.get(year=2025)
    assert (row.net_amount, row.fte) == (-2000, Decimal("-2.8"))  # two thousand, not two

    admin_page.goto(url)
    expect(net).to_have_value("2.000")
    _type(net, "-2.500")  # a cost in a savings-positive catalogue
    _save(admin_page)
    assert proposal.years.get(year=2025).net_amount == 2500

    for typed, message in (
        ("12,000", "«12,000» bruger komma som tusindtalsseparator; skriv 12.000"),
        ("1.00", "«1.00» er ikke et tal"),
    ):
        admin_page.goto(url)
        _type(net, typed)
        admin_page.locator("input[name=_save]").click()
        admin_page.wait_for_load_state()
        expect(admin_page.locator(".errornote")).to_be_visible()
        expect(admin_page.locator(f"tr:has(input[name='{net.get_attribute('name')}']) .errorlist")).to_have_text(
            message
        )
        expect(net).to_have_value(typed)  # what was typed stays for correcting
        shot(admin_page, f"admin-figure-refused-{typed.replace(',', '_')}")
        assert proposal.years.get(year=2025).net_amount == 2500  # nothing saved


def test_targets_typed_into_the_admin(admin_page, live_server):
    catalogue = make_catalogue(sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE, proposals=2)
    admin_page.goto(f"{live_server.url}/admin/proposals/catalogue/{catalogue.pk}/change/")
    target = admin_page.locator("input[name='year_rows-0-target']")
    expect(target).to_have_value("2.000")
    _type(target, "17.700")
    _save(admin_page)
    expect(admin_page.locator(".messagelist .success").first).to_be_visible()
    shot(admin_page, "admin-figure-target-saved")
    assert catalogue.year_rows.get(year=2024).target == -17700
