"""One way in for every transition: the table (approvals.transitions) decides, and the pages'
buttons, the admin's actions and the service give the same answer for every state and action.

Also: every step's e-mails are written to the outbox with it, reads do not write, and the workflow's
modules import at module level only (no circle broken by an import inside a function)."""

import ast
import importlib
from pathlib import Path

import pytest
from celery import current_app
from django.apps import apps as django_apps
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils.formats import date_format

from approvals import notifications, selectors, services, transitions
from approvals.exceptions import NotPermitted, TransitionNotAllowed
from approvals.models import CatalogueProcess, Email, Transition
from approvals.outbox import sweep as outbox_sweep
from tests.approval_factories import Setup
from tests.e2e.services import free_port
from tests.factories import make_catalogue

pytestmark = pytest.mark.django_db
State = CatalogueProcess.State
REASON = "Begrundelse for skridtet"

# The URL of each rule's button on the pages (the names templates and e-mails use).
URL_NAMES = {
    "open_hearing": "open_hearing",
    "start_hmu_review": "start_hmu_review",
    "forward_to_signoff": "forward",
    "sign_off": "approve",
    "send_back_to_hmu": "send_back",
    "send_back_to_hearing": "send_back_to_hearing",
}


def setup_in(state, actor):
    """A catalogue in ``state``; ``actor`` is its department's administrator ("admin") or one who
    is also a member of the sign-off body ("admin_signoff")."""
    s = Setup()
    if actor == "admin_signoff":
        s.signoff.memberships.create(user=s.admin)
    {
        State.DRAFT: lambda: s,
        State.HEARING: s.to_hearing,
        State.HMU_REVIEW: s.to_hmu_review,
        State.AWAITING_SIGNOFF: s.to_awaiting_signoff,
        State.SIGNED_OFF: s.to_signed_off,
    }[state]()
    return s


def _input(rule):
    return REASON if "reason" in rule.form.base_fields else ""


def _outcome(s, rule, message=None, forbidden=False):
    """("done", state) | ("not permitted",) | ("refused", message)."""
    state = s.reload().state
    if forbidden or message == str(rule.refused):
        return ("not permitted", state)
    if message is None:
        return ("done", state)
    return ("refused", message, state)


def through_service(s, rule):
    try:
        services.perform(s.process, rule, actor=s.admin, note=_input(rule), approved_before_meeting=True)
    except NotPermitted:
        return _outcome(s, rule, forbidden=True)
    except TransitionNotAllowed as exc:
        return _outcome(s, rule, exc.message)
    return _outcome(s, rule)


def through_page(client, s, rule):
    client.force_login(s.admin)
    # "-confirm": the approval's confirmation step (ignored by the other forms).
    data = {f"{rule.prefix}-note": "", f"{rule.prefix}-reason": REASON, f"{rule.prefix}-confirm": "on"}
    data[f"{rule.prefix}-confirm_before_meeting"] = "on"  # the set-up's meeting is ahead: the early tick
    response = client.post(reverse(f"approvals:{URL_NAMES[rule.name]}", args=[s.catalogue.slug]), data)
    if response.status_code == 403:
        return _outcome(s, rule, forbidden=True)
    # A step done redirects; a refused one shows the button's page again, as typed, with the message.
    assert response.status_code in (200, 302), response.status_code
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    return _outcome(s, rule, errors[0] if errors else None)


def through_admin(client, s, rule):
    client.force_login(s.admin)
    data = {"action": f"{rule.name}_action", ACTION_CHECKBOX_NAME: [str(s.process.pk)]}
    if rule.asks:
        data.update({"apply": "1", "reason": _input(rule), "confirm": "on", "confirm_before_meeting": "on"})
    response = client.post(reverse("admin:approvals_catalogueprocess_changelist"), data)
    # A step done redirects; a refused one shows the button's page again, as typed, with the message.
    assert response.status_code in (200, 302), response.status_code
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    prefix = f"{s.process}: "
    return _outcome(s, rule, errors[0].removeprefix(prefix) if errors else None)


def undone(path, s):
    """``path()``'s answer, with everything it wrote rolled back: the three ways in start from the
    same catalogue (building it once per way was most of this file's time)."""
    s.reload()
    with transaction.atomic():
        answer = path()
        transaction.set_rollback(True)
    return answer


@pytest.mark.parametrize("actor", ["admin", "admin_signoff"])
@pytest.mark.parametrize("state", State.values)
@pytest.mark.parametrize("name", list(transitions.RULES))
def test_every_state_and_action_gets_the_same_answer_from_the_page_the_admin_and_the_service(
    client, name, state, actor
):
    rule = transitions.RULES[name]
    s = setup_in(state, actor)
    service, page, admin = (
        undone(lambda: through_service(s, rule), s),
        undone(lambda: through_page(client, s, rule), s),
        undone(lambda: through_admin(client, s, rule), s),
    )
    assert page == service
    assert admin == service
    if state != rule.source:  # never moves; who may not is told so, who may is told why not now
        last_step = Transition.objects.filter(process=s.process).order_by("-at", "-id").first()
        why = transitions.wrong_state_message(rule, state, last_step)
        assert service in [("not permitted", state), ("refused", why, state)]


def test_an_expected_answer_of_each_kind_is_among_them():
    assert through_service(setup_in(State.DRAFT, "admin"), transitions.OPEN_HEARING) == ("done", State.HEARING)
    assert through_service(setup_in(State.AWAITING_SIGNOFF, "admin"), transitions.SIGN_OFF) == (
        "not permitted",
        State.AWAITING_SIGNOFF,
    )
    assert through_service(setup_in(State.AWAITING_SIGNOFF, "admin_signoff"), transitions.SIGN_OFF) == (
        "done",
        State.SIGNED_OFF,
    )


def test_admin_send_back_to_hearing_on_a_draft_does_not_open_the_hearing(client):
    """Regression: the action called the transition to hearing, which from a draft opened the hearing."""
    s = Setup()
    client.force_login(s.admin)
    response = client.post(
        reverse("admin:approvals_catalogueprocess_changelist"),
        {
            "action": "send_back_to_hearing_action",
            ACTION_CHECKBOX_NAME: [str(s.process.pk)],
            "apply": "1",
            "reason": "Tilbage til høring",
        },
        follow=True,
    )
    assert s.reload().state == State.DRAFT
    assert not Transition.objects.filter(process=s.process).exists()
    texts = [str(m) for m in response.context["messages"]]
    assert texts == [f"{s.process}: Kataloget er ikke under HMU-behandling og kan ikke sendes tilbage til høring."]


def test_the_admin_offers_one_action_per_rule(admin_client):
    response = admin_client.get(reverse("admin:approvals_catalogueprocess_changelist"))
    choices = dict(response.context["action_form"].fields["action"].choices)
    for rule in transitions.RULES.values():
        assert choices[f"{rule.name}_action"] == rule.label


def test_every_rule_is_whole_in_the_table():
    """Who may, the e-mail and the button are in each rule; no second table keyed by rule."""
    for rule in transitions.RULES.values():
        assert callable(rule.may) and callable(rule.email) and rule.form and rule.label, rule.name
        assert all(callable(guard) for guard in rule.guards) and (rule.effect is None or callable(rule.effect))
        assert rule.email.__module__ == notifications.__name__
    assert not hasattr(services, "CONDITIONS") and not hasattr(notifications, "STEP_EMAILS")
    pairs = [(r.source, r.target) for r in transitions.RULES.values()]
    assert len(pairs) == len(set(pairs))  # one rule per pair
    assert set(transitions.SEND_BACK) <= set(transitions.RULES.values())


def test_buttons_are_the_allowed_transitions():
    s = Setup().to_hmu_review()
    assert transitions.allowed(s.process, s.hmu_user) == [
        transitions.FORWARD_TO_SIGNOFF,
        transitions.SEND_BACK_TO_HEARING,
    ]
    assert transitions.allowed(s.process, s.signoff_user) == []


# --- after the commit ------------------------------------------------------------------------


def test_a_broker_that_is_down_loses_neither_the_step_nor_the_email(
    monkeypatch, django_capture_on_commit_callbacks, caplog
):
    s = Setup()
    # A broker is configured, and nothing answers on its port (connection refused).
    monkeypatch.setitem(current_app.conf, "broker_url", f"redis://127.0.0.1:{free_port()}/0")
    current_app.conf.task_always_eager = False
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.open_hearing(s.process, actor=s.admin)
    finally:
        current_app.conf.task_always_eager = True
    assert s.reload().state == State.HEARING
    assert "broker unavailable" in caplog.text and "the sweep queues the rest" in caplog.text
    assert set(Email.objects.values_list("status", flat=True)) == {Email.Status.PENDING}
    outbox_sweep.sweep()  # the sweep (here: in process, as beside the web server)
    assert len(mail.outbox) == 2 and set(Email.objects.values_list("status", flat=True)) == {Email.Status.SENT}


def test_a_refused_step_leaves_nothing_for_after_the_commit(django_capture_on_commit_callbacks):
    s = Setup()
    with django_capture_on_commit_callbacks(execute=False) as callbacks, pytest.raises(TransitionNotAllowed):
        services.perform(s.process, transitions.SEND_BACK_TO_HEARING, actor=s.admin, note="x")
    assert callbacks == []


# --- reads do not write ------------------------------------------------------------------------


def test_the_admin_change_list_does_not_write(client):
    s = Setup()
    catalogue = make_catalogue(department=s.department)
    CatalogueProcess.objects.filter(catalogue=catalogue).delete()
    client.force_login(s.admin)
    assert client.get(reverse("admin:approvals_catalogueprocess_changelist")).status_code == 200
    assert not CatalogueProcess.objects.filter(catalogue=catalogue).exists()


def test_a_page_of_a_catalogue_without_its_process_is_404_and_creates_nothing(client):
    s = Setup()
    CatalogueProcess.objects.filter(pk=s.process.pk).delete()
    client.force_login(s.admin)
    assert client.get(reverse("approvals:catalogue", args=[s.catalogue.slug])).status_code == 404
    assert not CatalogueProcess.objects.filter(catalogue=s.catalogue).exists()
    assert selectors.process_of(s.catalogue) is None


def test_the_migration_gives_older_catalogues_their_process():
    catalogue = make_catalogue()
    assert catalogue.process.state == State.DRAFT  # the post_save receiver
    CatalogueProcess.objects.filter(catalogue=catalogue).delete()
    migration = importlib.import_module("approvals.migrations.0005_processes_for_older_catalogues")
    migration.create_missing_processes(django_apps, None)
    assert CatalogueProcess.objects.get(catalogue=catalogue).state == State.DRAFT
    migration.create_missing_processes(django_apps, None)  # again: nothing new
    assert CatalogueProcess.objects.filter(catalogue=catalogue).count() == 1


# --- no import inside a function -----------------------------------------------------------------

ROOT = Path(__file__).parent.parent.parent
# Every module of both apps (migrations aside): a cycle is broken by moving code, not by
# importing inside a function.
APP_MODULES = sorted(
    str(path.relative_to(ROOT))
    for app in ("approvals", "proposals")
    for path in (ROOT / app).rglob("*.py")
    if "migrations" not in path.parts
)


# Imports in a function that are not about cycles: AppConfig.ready (Django's place for
# connecting receivers) and WeasyPrint, which loads Pango and is needed only for a PDF.
ALLOWED = {"ready", "pdf_engine"}


@pytest.mark.parametrize("module", APP_MODULES)
def test_no_module_imports_inside_a_function(module):
    tree = ast.parse((ROOT / module).read_text())
    nested = [
        node.lineno
        for function in ast.walk(tree)
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and function.name not in ALLOWED
        for node in ast.walk(function)
        if isinstance(node, (ast.Import, ast.ImportFrom))
    ]
    assert nested == []


def test_an_approval_before_the_meeting_needs_the_tick_at_every_door(client):
    """The service's guard, the page's form and the admin's form refuse it alike without the
    member's confirmation, naming the planned meeting."""
    s = setup_in(State.AWAITING_SIGNOFF, "admin_signoff")
    meeting = date_format(s.process.signoff_meeting, "DATE_FORMAT")
    why = f"Rådmandsmødet er først den {meeting}."
    with pytest.raises(TransitionNotAllowed, match=why):
        services.sign_off(s.process, actor=s.admin, note="")
    client.force_login(s.admin)
    page = client.post(
        reverse("approvals:approve", args=[s.catalogue.slug]), {"approve-note": "", "approve-confirm": "on"}
    )
    assert page.status_code == 200 and why in page.content.decode()
    admin = client.post(
        reverse("admin:approvals_catalogueprocess_changelist"),
        {"action": "sign_off_action", ACTION_CHECKBOX_NAME: [str(s.process.pk)], "apply": "1", "confirm": "on"},
    )
    assert admin.status_code == 200 and why in admin.content.decode()
    assert s.reload().state == State.AWAITING_SIGNOFF
    services.sign_off(s.process, actor=s.admin, note="", approved_before_meeting=True)
    assert s.reload().state == State.SIGNED_OFF
