"""The Content-Security-Policy (django-csp) holds on the application's pages and the admin: real
Chromium visits them and no violation is reported (a `securitypolicyviolation` listener put in
before any page script, and the console's "Content Security Policy" messages)."""

import pytest
from django.urls import reverse

from approvals.memos import links
from approvals.memos.models import Memo
from approvals.models import SignOff
from proposals.models import Proposal
from tests.approval_factories import Setup
from tests.memo_factories import make_memo_with_one_change

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


class Watcher:
    """Records CSP violations of every page a Playwright page visits."""

    def __init__(self, page):
        self.page = page
        self.console = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url):
        response = self.page.goto(url)
        assert response.status < 500, (url, response.status)
        assert "content-security-policy" in response.headers, url
        self.page.wait_for_load_state("load")
        violations = self.page.evaluate("window.__cspViolations") + self.console
        self.console = []
        return violations


def test_application_pages_and_admin_pages_satisfy_the_csp(admin_page, live_server):
    memo = make_memo_with_one_change()
    signed_off = memo.process
    s = Setup()
    proposal = Proposal.objects.filter(catalogue=s.catalogue).first()
    signoff = SignOff.objects.get(process=signed_off)
    base = live_server.url
    pages = [
        "/",
        reverse("proposals:catalogue_list"),
        s.catalogue.get_absolute_url(),
        proposal.get_absolute_url(),
        signed_off.catalogue.get_absolute_url(),
        reverse("approvals:catalogue", args=[s.catalogue.slug]),
        reverse("approvals:responses", args=[s.catalogue.slug]),
        reverse("approvals:catalogue", args=[signed_off.catalogue.slug]),
        reverse("memos:list"),
        reverse("memos:detail", args=[memo.pk]),
        "/admin/",
        reverse("admin:proposals_catalogue_changelist"),
        reverse("admin:proposals_catalogue_change", args=[s.catalogue.pk]),
        reverse("admin:proposals_catalogue_history", args=[s.catalogue.pk]),
        reverse("admin:proposals_proposal_changelist"),
        reverse("admin:proposals_proposal_change", args=[proposal.pk]),
        reverse("admin:proposals_proposal_import"),
        reverse("admin:approvals_catalogueprocess_changelist"),
        reverse("admin:approvals_catalogueprocess_change", args=[s.process.pk]),
        reverse("admin:approvals_signoff_change", args=[signoff.pk]),
        reverse("admin:approvals_memo_changelist"),
        reverse("admin:approvals_memo_change", args=[memo.pk]),
        reverse("admin:approvals_memo_issue_overview"),
        reverse("admin:approvals_memo_issue", args=[signed_off.pk]),
        reverse("admin:axes_accessattempt_changelist"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
    ]
    watcher = Watcher(admin_page)
    found = {url: watcher.visit(base + url) for url in pages}
    assert {url: v for url, v in found.items() if v} == {}
    assert Memo.objects.count() == 1  # visiting issued nothing


def test_pages_without_login_satisfy_the_csp(browser, live_server):
    memo = make_memo_with_one_change()
    reader = links.reader_path(memo.deliveries.first())  # a budget party's signed link
    context = browser.new_context(locale="da-DK")
    watcher = Watcher(context.new_page())
    try:
        for url in ("/login/", "/adgangskode/glemt/", "/admin/login/", reader):
            assert watcher.visit(live_server.url + url) == [], url
    finally:
        context.close()


def test_an_inline_script_would_be_reported(browser, live_server):
    """The watcher sees a violation when there is one (the policy is enforced, not just sent)."""
    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    watcher = Watcher(page)
    try:
        assert watcher.visit(live_server.url + "/login/") == []
        page.evaluate("""() => { const s = document.createElement("script"); s.textContent = "window.ran = 1";
                                 document.body.appendChild(s); }""")
        page.wait_for_function("window.__cspViolations.length > 0")
        assert page.evaluate("window.ran") is None
        assert "script-src" in page.evaluate("window.__cspViolations")[0]
    finally:
        context.close()
