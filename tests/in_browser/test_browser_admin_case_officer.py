"""The admin as a case officer uses it, at 1366 px (a common laptop): the proposal list's figures
fit without a horizontal scroll and say which sign convention they are in; after a save the
case officer is back at the catalogue's own proposals, told where the change goes (after
sign-off: which memo, and when)."""

import pytest
from django.core.management import call_command

from proposals.models import Catalogue
from tests.browser import expect, shot
from tests.factories import make_catalogue
from tests.memo_factories import make_signed_off_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def wide_page(admin_page):
    admin_page.set_viewport_size({"width": 1366, "height": 900})
    return admin_page


def _no_horizontal_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, width
    # The admin puts the table in a box of its own that scrolls sideways: nothing may hide there.
    results = page.evaluate(
        "(() => { const r = document.querySelector('#changelist .results'); return [r.scrollWidth, r.clientWidth]; })()"
    )
    assert results[0] <= results[1], results


def test_the_proposal_list_at_1366_px(wide_page, live_server):
    call_command("load_seed_catalogues", stdout=open("/dev/null", "w"))
    page = wide_page
    mso = Catalogue.objects.get(slug="mso-omprioriteringer-velfaerdspuljen-2024")
    page.goto(f"{live_server.url}/admin/proposals/proposal/?catalogue__id__exact={mso.pk}")
    shot(page, "admin-proposal-list-one-catalogue-1366")
    _no_horizontal_scroll(page)
    expect(page.locator(".app-list-convention")).to_have_text(
        "Omprioriteringer til Velfærdspuljen · beløb i 1.000 kr. · Besparelse vises positivt"
    )
    expect(page.locator("#result_list th.column-net_2027")).to_be_visible()
    expect(page.locator("#result_list tr", has_text="Effekt af Styrket").locator("td.field-net_2024")).to_have_text(
        "11.100"
    )

    # All catalogues: no figures of two conventions in one column; each row says its convention.
    page.goto(f"{live_server.url}/admin/proposals/proposal/")
    shot(page, "admin-proposal-list-all-1366")
    _no_horizontal_scroll(page)
    assert page.locator("#result_list th.column-net_2024").count() == 0
    expect(page.locator(".app-list-convention")).to_contain_text("Vælg et katalog i filteret")
    msb_row = page.locator("#result_list tr", has_text="BFF-1")
    expect(msb_row.locator("td.field-sign_convention")).to_have_text("Besparelse vises negativt (med minus)")
    mso_row = page.locator("#result_list tr", has_text="Effekt af Styrket")
    expect(mso_row.locator("td.field-sign_convention")).to_have_text("Besparelse vises positivt")


def test_seven_years_fit_too(wide_page, live_server):
    catalogue = make_catalogue(proposals=12, years=tuple(range(2025, 2032)), amount=-17700)
    wide_page.goto(f"{live_server.url}/admin/proposals/proposal/?catalogue__id__exact={catalogue.pk}")
    shot(wide_page, "admin-proposal-list-seven-years-1366")
    _no_horizontal_scroll(wide_page)
    expect(wide_page.locator("#result_list th.column-net_2031")).to_be_visible()


def test_after_a_save_the_case_officer_is_back_at_the_catalogue_and_told_the_memo(wide_page, live_server, settings):
    settings.MEMO_QUIET_PERIOD_SECONDS = 600
    process = make_signed_off_catalogue(proposals=3)
    make_catalogue(proposals=2)  # another catalogue, not on the page returned to
    catalogue = process.catalogue
    proposal = catalogue.proposals.order_by("position").first()
    page = wide_page
    page.goto(f"{live_server.url}/admin/proposals/proposal/{proposal.pk}/change/")
    years = list(proposal.years.values_list("year", flat=True))
    net = page.locator(f"input[name='years-{years.index(2025)}-net_amount']")
    net.fill("")
    net.press_sequentially("1.250")
    page.get_by_label("Begrundelse for ændringen").fill("Taksten er reguleret.")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    assert page.url.endswith(f"/admin/proposals/proposal/?catalogue__id__exact={catalogue.pk}")
    info = page.locator(".messagelist .info")
    expect(info).to_contain_text("Ændringen kommer med i notat nr. 1 til forligspartierne.")
    expect(info).to_contain_text("når der har været ro i 10 minutter, dvs. tidligst")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)  # this catalogue's proposals only
    expect(page.locator(".app-list-convention")).to_contain_text("Besparelse vises positivt")
    shot(page, "admin-saved-after-sign-off-1366")
    _no_horizontal_scroll(page)
