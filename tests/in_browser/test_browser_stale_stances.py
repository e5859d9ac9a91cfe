"""Real Chromium: a proposal is changed in the admin in the middle of the hearing, after both
LMUs answered → their stances are flagged as given on an earlier version, with the change
before/after, on the HMU and sign-off pages → each LMU confirms or revises on its own page and
the flag is gone. Screenshots go to test-artifacts/screenshots/."""

import pytest

from approvals import hearing
from approvals.models import HearingResponse, ProposalStance
from tests.approval_factories import Setup
from tests.browser import expect, shot
from tests.in_browser.test_browser_workflow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_proposal_changed_mid_hearing_flags_the_stances_until_the_lmus_confirm(admin_page, live_server):
    s = Setup(title="Omprioriteringer").to_hearing()
    first = s.proposals[0]
    for committee, user in ((s.lmu1, s.lmu1_user), (s.lmu2, s.lmu2_user)):
        hearing.save_hearing_response(
            s.process, committee, actor=user, general_comment="", stances=s.all_stances("support", "Fint"), submit=True
        )

    # The administrator changes proposal 1's 2025 figure in the admin, mid-hearing.
    years = list(first.years.values_list("year", flat=True))
    admin_page.goto(f"{live_server.url}/admin/proposals/proposal/{first.pk}/change/")
    net = admin_page.locator(f"input[name='years-{years.index(2025)}-net_amount']")
    net.fill("-2.500")
    with admin_page.expect_navigation():
        admin_page.locator("input[name=_save]").click()
    expect(admin_page.locator(".messagelist .success")).to_be_visible()
    assert first.years.get(year=2025).net_amount == -2500

    # HMU sees both LMUs' stances on proposal 1 flagged, with the memo's before/after.
    hmu = sign_in(admin_page.context.browser, live_server, s.hmu_user)
    hmu_url = f"{live_server.url}/forloeb/{s.catalogue.slug}/hmu/"
    hmu.goto(hmu_url)
    expect(hmu.get_by_text("2 holdninger er givet på en tidligere version af deres forslag")).to_be_visible()
    box = hmu.locator(f"#forslag-{first.pk} .app-stale")
    expect(box).to_contain_text("Holdningen fra LMU Et, LMU To er givet på en tidligere version af forslaget.")
    expect(box.get_by_role("row", name="Nettoændring, før")).to_contain_text("-1.000")
    expect(box.get_by_role("row", name="Nettoændring, efter")).to_contain_text("-2.500")
    expect(hmu.locator(f"#forslag-{first.pk} .app-stale-flag")).to_have_count(2)
    expect(hmu.locator(f"#forslag-{s.proposals[1].pk} .app-stale-flag")).to_have_count(0)
    shot(hmu, "stale-01-hmu-flagged")

    # The sign-off page (as the administrator) links from the proposal's row to the change.
    admin_page.goto(f"{live_server.url}/forloeb/{s.catalogue.slug}/godkendelse/")
    admin_page.get_by_role("link", name="Holdninger givet på en tidligere version").click()
    section = admin_page.locator(f"#aendret-{first.pk}")
    expect(section).to_contain_text("Holdningen fra LMU Et, LMU To er givet på en tidligere version af forslaget.")
    expect(section.get_by_role("row", name="Nettoændring, efter")).to_contain_text("-2.500")
    shot(admin_page, "stale-02-signoff-flagged")

    # LMU Et confirms its stance as it stands, on its own (submitted) response.
    lmu1 = sign_in(admin_page.context.browser, live_server, s.lmu1_user)
    lmu1.goto(f"{live_server.url}/forloeb/{s.catalogue.slug}/hoeringssvar/{s.lmu1.pk}/")
    expect(lmu1.get_by_text("1 holdning er givet på en tidligere version af sit forslag")).to_be_visible()
    form = lmu1.get_by_role("form", name=f"Bekræft eller ret holdningen til forslag {first.code}")
    expect(form.get_by_label("Holdning")).to_have_value("support")
    shot(lmu1, "stale-03-lmu-confirms")
    with lmu1.expect_navigation():
        form.get_by_role("button", name="Bekræft holdningen").click()
    expect(lmu1.get_by_text("Holdningen gælder nu forslaget, som det ser ud nu.")).to_be_visible()
    expect(lmu1.locator(".app-stale")).to_have_count(0)

    # LMU To revises instead: concerns, with a comment.
    lmu2 = sign_in(admin_page.context.browser, live_server, s.lmu2_user)
    lmu2.goto(f"{live_server.url}/forloeb/{s.catalogue.slug}/hoeringssvar/{s.lmu2.pk}/")
    form = lmu2.get_by_role("form", name=f"Bekræft eller ret holdningen til forslag {first.code}")
    form.get_by_label("Holdning").select_option("concerns")
    form.get_by_label("Kommentar").fill("Større besparelse: bekymring for driften.")
    with lmu2.expect_navigation():
        form.get_by_role("button", name="Bekræft holdningen").click()
    expect(lmu2.get_by_text("Større besparelse: bekymring for driften.")).to_be_visible()

    # The flags are gone on the HMU page; the responses stay submitted.
    hmu.goto(hmu_url)
    expect(hmu.locator(".app-stale, .app-stale-flag")).to_have_count(0)
    expect(hmu.get_by_text("holdninger er givet på en tidligere version")).to_have_count(0)
    shot(hmu, "stale-04-hmu-clear")
    assert set(HearingResponse.objects.values_list("status", flat=True)) == {HearingResponse.Status.SUBMITTED}
    assert ProposalStance.objects.get(response__committee=s.lmu2, proposal=first).stance == "concerns"
    for page in (hmu, lmu1, lmu2):
        page.context.close()
