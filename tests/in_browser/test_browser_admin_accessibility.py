"""axe-core in real Chromium on the admin pages an administrator works in: the change forms of a
catalogue, a proposal (year rows, lines), a line, a workflow process, and the import page with its
preview. No violation of impact critical or serious is allowed.

axe-core comes from npm (package.json, pinned; bin/setup runs ``npm ci``) and is injected from
node_modules: nothing is downloaded at run time."""

from pathlib import Path

import pytest

from proposals.models import Catalogue
from tests.approval_factories import Setup
from tests.browser import expect, shot
from tests.factories import make_catalogue
from tests.importing import csv_bytes, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent.parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")

RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""


@pytest.fixture
def admin_page(admin_page):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run bin/setup (npm ci installs axe-core from package-lock.json)")
    return admin_page


def violations(page):
    # Evaluated through the DevTools protocol, which the page's CSP (no inline script) does not
    # govern; a <script> tag with axe's source would be refused, as it should.
    page.evaluate(AXE.read_text())
    return page.evaluate(RUN_AXE)


def assert_accessible(page, name):
    """The page is branded, and axe finds nothing critical or serious; a screenshot either way."""
    shot(page, f"admin-a11y-{name}")
    found = violations(page)
    counts = {}
    for v in found:
        counts[v["impact"]] = counts.get(v["impact"], 0) + len(v["targets"])
    print(f"axe {name}: {counts or 'no violations'}", *(f"{v['impact']} {v['id']} {v['targets'][:3]}" for v in found))
    blocking = [v for v in found if v["impact"] in BLOCKING]
    report = "\n".join(
        f"{v['impact']:8} {v['id']} ({v['help']}): {len(v['targets'])} × " + ", ".join(v["targets"][:6])
        for v in blocking
    )
    assert not blocking, f"axe on {name} ({page.url}):\n{report}"
    expect(page.locator("#site-name")).to_have_text("Budgetkataloger")
    assert "Django" not in page.title()


def test_catalogue_change_form(admin_page, live_server):
    catalogue = make_catalogue(sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE, proposals=2)
    admin_page.goto(f"{live_server.url}/admin/proposals/catalogue/{catalogue.pk}/change/")
    assert_accessible(admin_page, "catalogue")
    target = admin_page.locator("input[name='year_rows-0-target']")
    expect(target).to_have_accessible_name("Måltal for 2024")


def test_proposal_change_form_with_years_and_lines(admin_page, live_server):
    catalogue = make_catalogue(proposals=1, lines=True)
    proposal = catalogue.proposals.get()
    admin_page.goto(f"{live_server.url}/admin/proposals/proposal/{proposal.pk}/change/")
    years = list(proposal.years.values_list("year", flat=True))
    net = admin_page.locator(f"input[name='years-{years.index(2025)}-net_amount']")
    expect(admin_page.locator("input[name='lines-0-text']")).to_be_visible()
    assert_accessible(admin_page, "proposal")
    expect(net).to_have_accessible_name("Nettoændring (1.000 kr.) for 2025")

    line = proposal.lines.get()
    admin_page.goto(f"{live_server.url}/admin/proposals/breakdownline/{line.pk}/change/")
    assert_accessible(admin_page, "breakdown-line")


def test_workflow_process_change_form(admin_page, live_server):
    setup = Setup().to_hearing()
    admin_page.goto(f"{live_server.url}/admin/approvals/catalogueprocess/{setup.process.pk}/change/")
    expect(admin_page.locator("#content h1, #content h2").first).to_be_visible()
    assert_accessible(admin_page, "workflow-process")


def test_import_page_and_preview(admin_page, live_server, tmp_path):
    catalogue = make_catalogue(proposals=1)
    admin_page.goto(f"{live_server.url}/admin/proposals/proposal/import/?catalogue={catalogue.pk}")
    assert_accessible(admin_page, "import")

    upload = tmp_path / "katalog.csv"
    upload.write_bytes(
        csv_bytes(
            [
                row(code="1", theme="Tema 1", title="Ændret", net=["-1.000"] * 4),
                row(kind="linje", code="1", title="Første linje", net=["-600"] * 4),
                row(kind="heraf", code="1", title="Heraf løn", net=["-300"] * 4),
                row(code="2", theme="Tema 1", net=["-5"] * 4),
            ]
        )
    )
    admin_page.locator("#id_import_file").set_input_files(str(upload))
    admin_page.locator("#id_format").select_option(index=1)
    with admin_page.expect_navigation():
        admin_page.locator("#content form [type=submit]").click()
    expect(admin_page.locator("input[name=confirm]")).to_be_visible()
    assert_accessible(admin_page, "import-preview")
