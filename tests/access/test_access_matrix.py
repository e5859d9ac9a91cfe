"""Who may see and change what (approvals.policy): users × catalogue states × resources.

Department A has three catalogues (draft, hearing, signed off with an issued memo), department
B one in hearing. 200: the user may see it; 404: the catalogue (and its proposals, exports,
workflow page) does not exist for them; 403: a memo of a catalogue they may not see; 302: to
the login page (anonymous) or the admin's login (not staff). Lists hold exactly the visible
(or, in the admin, administered) catalogues' rows."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from approvals import policy, selectors
from approvals.memos import selectors as memo_selectors
from approvals.models import CatalogueProcess, Committee, HearingResponse, Memo, SignOff
from proposals import access, hooks
from proposals.models import BreakdownLine, Catalogue, Department, Proposal, Theme
from tests.approval_factories import Setup, make_committee, make_department_admin
from tests.factories import make_catalogue, make_department, make_user
from tests.memo_factories import make_memo_with_one_change

pytestmark = pytest.mark.django_db
State = CatalogueProcess.State

USERS = [
    "superuser",
    "admin_a",
    "admin_b",
    "staff_none",
    "lmu_heard",
    "lmu_not_heard",
    "hmu_a",
    "signoff_a",
    "manager_a",
    "user_b",
    "anonymous",
]
CATALOGUES = ["draft", "hearing", "signed_off", "b"]
A = {"draft", "hearing", "signed_off"}
A_RELEASED = {"hearing", "signed_off"}
VISIBLE = {
    "superuser": A | {"b"},
    "admin_a": A,
    "admin_b": {"b"},
    "staff_none": set(),
    "lmu_heard": A_RELEASED,
    "lmu_not_heard": A_RELEASED,  # a member of one of A's committees: one of A's users
    "hmu_a": A_RELEASED,
    "signoff_a": A_RELEASED,
    "manager_a": A_RELEASED,
    "user_b": {"b"},
    "anonymous": set(),
}
ADMINISTERS = {"superuser": A | {"b"}, "admin_a": A, "admin_b": {"b"}}
STAFF = {"superuser", "admin_a", "admin_b", "staff_none"}


class World:
    def __init__(self):
        self.memo = make_memo_with_one_change()
        signed = self.memo.process.catalogue
        self.a = signed.department  # its managers: direktor@aarhus.example, KRMI@aarhus.example
        self.b = make_department("BBB")
        self.catalogues = {
            "draft": make_catalogue(department=self.a, title="A-kladde", lines=True),
            "hearing": make_catalogue(department=self.a, title="A-hoering"),
            "signed_off": signed,
            "b": make_catalogue(department=self.b, title="B-hoering"),
        }
        self.users = {
            "superuser": make_user(is_staff=True, is_superuser=True),
            "admin_a": make_department_admin(self.a),
            "admin_b": make_department_admin(self.b),
            "staff_none": make_department_admin(),
            "lmu_heard": make_user(),
            "lmu_not_heard": make_user(),
            "hmu_a": make_user(),
            "signoff_a": make_user(),
            "manager_a": make_user(),
            "user_b": make_user(),
            "anonymous": None,
        }
        u = self.users
        u["manager_a"].email = "Direktor@Aarhus.example"  # case does not matter
        u["manager_a"].save()
        heard = make_committee(self.a, name="LMU A1", members=[u["lmu_heard"]])
        make_committee(self.a, name="LMU A2", members=[u["lmu_not_heard"]])
        make_committee(self.a, Committee.Kind.HMU, name="HMU A", members=[u["hmu_a"]])
        make_committee(self.a, Committee.Kind.SIGNOFF, name="Rådmand A", members=[u["signoff_a"]])
        heard_b = make_committee(self.b, name="LMU B", members=[u["user_b"]])
        self._state("hearing", State.HEARING, heard)
        self._state("signed_off", State.SIGNED_OFF, heard)
        self._state("b", State.HEARING, heard_b)
        self.processes = {key: CatalogueProcess.objects.get(catalogue=c) for key, c in self.catalogues.items()}
        self.proposals = {key: c.proposals.order_by("position").first() for key, c in self.catalogues.items()}

    def _state(self, key, state, committee):
        process, _ = CatalogueProcess.objects.get_or_create(catalogue=self.catalogues[key])
        CatalogueProcess.objects.filter(pk=process.pk).update(state=state)
        process.heard_committees.add(committee)


@pytest.fixture
def world():
    return World()


def _login(client, world, name):
    user = world.users[name]
    if user is not None:
        client.force_login(user)
    return client


def _page_urls(world, key):
    catalogue, proposal = world.catalogues[key], world.proposals[key]
    page = reverse("proposals:catalogue_detail", args=[catalogue.slug])
    return {
        "catalogue page": page,
        "proposal page": reverse("proposals:proposal_detail", args=[catalogue.slug, proposal.pk]),
        "CSV export": page + "?_export=csv",
        "XLSX export": page + "?_export=xlsx",
        "workflow page": reverse("approvals:catalogue", args=[catalogue.slug]),
    }


@pytest.mark.parametrize("name", USERS)
def test_pages_exports_workflow_and_memos(client, world, name):
    _login(client, world, name)
    wrong = []
    for key in CATALOGUES:
        for what, url in _page_urls(world, key).items():
            response = client.get(url)
            if name == "anonymous":
                ok = response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))
            else:
                ok = response.status_code == (200 if key in VISIBLE[name] else 404)
            if not ok:
                wrong.append((key, what, response.status_code))
    memo_urls = {
        "memo page": reverse("memos:detail", args=[world.memo.pk]),
        "memo PDF": reverse("memos:pdf", args=[world.memo.pk]),
    }
    for what, url in memo_urls.items():
        response = client.get(url)
        expected = 302 if name == "anonymous" else (200 if "signed_off" in VISIBLE[name] else 403)
        if response.status_code != expected:
            wrong.append(("signed_off", what, response.status_code))
    assert wrong == []

    listing = client.get(reverse("proposals:catalogue_list"))
    archive = client.get(reverse("memos:list"))
    if name == "anonymous":
        assert listing.status_code == archive.status_code == 302
        return
    html = listing.content.decode()
    assert {key for key in CATALOGUES if world.catalogues[key].title in html} == VISIBLE[name]
    assert (memo_urls["memo page"] in archive.content.decode()) == ("signed_off" in VISIBLE[name])


ADMIN_LISTS = {
    "catalogue": ("admin:proposals_catalogue_changelist", lambda w, key: w.catalogues[key]),
    "proposal": ("admin:proposals_proposal_changelist", lambda w, key: w.proposals[key]),
    "process": ("admin:approvals_catalogueprocess_changelist", lambda w, key: w.processes[key]),
}


@pytest.mark.parametrize("name", USERS)
def test_admin_lists_and_change_pages(client, world, name):
    _login(client, world, name)
    administered = ADMINISTERS.get(name, set())
    wrong = []
    for model, (list_name, obj_of) in ADMIN_LISTS.items():
        response = client.get(reverse(list_name))
        if name not in STAFF or name == "staff_none":
            # Not staff: the admin's login; staff administering nothing: no permission at all.
            if response.status_code != (302 if name not in STAFF else 403):
                wrong.append((model, "list", response.status_code))
        else:
            listed = set(response.context["cl"].queryset.values_list("pk", flat=True))
            catalogues = [world.catalogues[key] for key in administered]
            rows = response.context["cl"].model.objects.all()
            catalogue_path = "catalogue" if model != "catalogue" else "pk"
            pks = [c.pk for c in catalogues]
            expected = set(rows.filter(**{f"{catalogue_path}__in": pks}).values_list("pk", flat=True))
            if listed != expected:
                wrong.append((model, "list", sorted(listed), sorted(expected)))
        for key in CATALOGUES:
            obj = obj_of(world, key)
            opts = obj._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            status = client.get(url).status_code
            expected = 302 if name not in STAFF else (200 if key in administered else 404)
            if status != expected:
                wrong.append((model, key, status, expected))
    memo_list = client.get(reverse("admin:approvals_memo_changelist"))
    memo_page = client.get(reverse("admin:approvals_memo_change", args=[world.memo.pk]))
    if name not in STAFF:
        assert memo_list.status_code == memo_page.status_code == 302
    elif name == "staff_none":
        assert (memo_list.status_code, memo_page.status_code) == (403, 404)
    else:
        listed = list(memo_list.context["cl"].queryset.values_list("pk", flat=True))
        sees_memo = "signed_off" in administered
        assert listed == ([world.memo.pk] if sees_memo else [])
        assert memo_page.status_code == (200 if sees_memo else 404)
    assert wrong == []


def _all_visible(world, user):
    return {key for key, c in world.catalogues.items() if policy.user_has_permission(user, "catalogue.view", c)}


def test_each_rules_predicate_and_queryset_filter_agree(world):
    by_pk = {c.pk: key for key, c in world.catalogues.items()}
    for name, user in world.users.items():
        user = user or AnonymousUser()
        assert _all_visible(world, user) == VISIBLE[name], name
        listed = {
            by_pk[pk]
            for pk in policy.instances_user_has_permission_for(
                user, "catalogue.view", Catalogue.objects.all()
            ).values_list("pk", flat=True)
        }
        assert listed == VISIBLE[name], name
        dashboard = {by_pk[p.catalogue_id] for p in selectors.processes_for_user(user)}
        assert dashboard == VISIBLE[name], name
        memos = list(memo_selectors.memos_for_user(user).values_list("pk", flat=True))
        assert memos == ([world.memo.pk] if "signed_off" in VISIBLE[name] else []), name
        assert policy.user_has_permission(user, "memo.view", world.memo) == ("signed_off" in VISIBLE[name]), name
        administered = {
            key for key, c in world.catalogues.items() if policy.user_has_permission(user, "catalogue.administer", c)
        }
        assert administered == ADMINISTERS.get(name, set()), name
        scoped = policy.instances_user_has_permission_for(
            user, "catalogue.administer", Catalogue.objects.all()
        ).values_list("pk", flat=True)
        assert {by_pk[pk] for pk in scoped} == ADMINISTERS.get(name, set()), name


def test_every_actions_three_questions_agree(world, django_assert_max_num_queries):
    """For every action of the policy and every object of its kind: the predicate, the queryset
    filter and (where the action names users) the users agree, for every user of the world."""
    s = Setup().to_hmu_review()  # responses, committees of every kind and a second process
    world.users.update(lmu=s.lmu1_user, hmu=s.hmu_user, signoff=s.signoff_user, admin=s.admin, outsider=s.outsider)
    for action, rule in policy.ACTIONS.items():
        objects = list(rule.model._default_manager.all())
        assert objects, action
        for obj in objects:
            holders = set()
            for name, user in world.users.items():
                user = user or AnonymousUser()
                may = policy.user_has_permission(user, action, obj)
                listed = policy.instances_user_has_permission_for(user, action).filter(pk=obj.pk).exists()
                assert may == listed, (action, obj, name)
                if may and user.is_authenticated and not user.is_superuser:
                    holders.add(user.pk)
            try:
                named = set(policy.users_with_permission_for_instance(action, obj).values_list("pk", flat=True))
            except NotImplementedError:
                continue
            everyone = {u.pk for u in world.users.values() if u is not None and not u.is_superuser}
            assert named & everyone == holders, (action, obj)
        # Whoever may on some object holds the permission at all (obj=None: the role, as Wagtail's policies).
        for name, user in world.users.items():
            user = user or AnonymousUser()
            if policy.instances_user_has_permission_for(user, action).exists():
                assert policy.user_has_permission(user, action), (action, name)


def test_a_manager_is_matched_by_the_whole_address_not_a_part_of_it(world):
    near = make_user()
    near.email = "rektor@aarhus.example"  # a substring of direktor@aarhus.example
    near.save()
    assert _all_visible(world, near) == set()
    assert not policy.instances_user_has_permission_for(near, "catalogue.view", Catalogue.objects.all()).exists()
    Department.objects.filter(pk=world.a.pk).update(manager_emails="  rektor@Aarhus.example \r\nother@x.dk")
    world.catalogues["hearing"].department.refresh_from_db()
    for catalogue in world.catalogues.values():
        catalogue.department.refresh_from_db()
    assert _all_visible(world, near) == A_RELEASED
    listed = policy.instances_user_has_permission_for(near, "catalogue.view", Catalogue.objects.all())
    assert set(listed) == {world.catalogues["hearing"], world.catalogues["signed_off"]}


def test_inactive_users_see_nothing(world):
    user = world.users["admin_a"]
    user.is_active = False
    user.save()
    assert _all_visible(world, user) == set()
    assert not policy.instances_user_has_permission_for(user, "catalogue.view", Catalogue.objects.all()).exists()
    assert not policy.instances_user_has_permission_for(user, "catalogue.administer", Catalogue.objects.all()).exists()


def test_staff_without_a_department_sees_nothing_in_the_scoped_admin(client, world):
    HearingResponse.objects.create(process=world.processes["hearing"], committee=Committee.objects.get(name="LMU A1"))
    lists = [
        (Catalogue, "admin:proposals_catalogue_changelist"),
        (Proposal, "admin:proposals_proposal_changelist"),
        (BreakdownLine, "admin:proposals_breakdownline_changelist"),
        (Theme, "admin:proposals_theme_changelist"),
        (Department, "admin:proposals_department_changelist"),
        (CatalogueProcess, "admin:approvals_catalogueprocess_changelist"),
        (Committee, "admin:approvals_committee_changelist"),
        (HearingResponse, "admin:approvals_hearingresponse_changelist"),
        (SignOff, "admin:approvals_signoff_changelist"),
        (Memo, "admin:approvals_memo_changelist"),
    ]
    # Given every model permission, a staff user administering no department still lists nothing.
    staff_none = world.users["staff_none"]
    staff_none.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["proposals", "approvals"]))
    for user, expect_all in ((staff_none, False), (world.users["superuser"], True)):
        client.force_login(user)
        for model, name in lists:
            response = client.get(reverse(name))
            assert response.status_code == 200, name
            count = response.context["cl"].queryset.count()
            assert count == (model.objects.count() if expect_all else 0), name
            if expect_all:
                assert count > 0, name
    client.force_login(staff_none)
    assert client.get(reverse("admin:approvals_memo_issue_overview")).context["rows"] == []
    issue = reverse("admin:approvals_memo_issue", args=[world.processes["signed_off"].pk])
    assert client.get(issue).status_code == 404
    client.force_login(world.users["admin_a"])
    assert client.get(issue).status_code == 200


def test_membership_and_committee_admin_is_scoped(client, world):
    client.force_login(world.users["admin_a"])
    listed = set(client.get(reverse("admin:approvals_committee_changelist")).context["cl"].queryset)
    assert listed == set(Committee.objects.filter(department=world.a))
    other = Committee.objects.get(name="LMU B")
    assert client.get(reverse("admin:approvals_committee_change", args=[other.pk])).status_code == 404


def test_import_into_another_departments_catalogue_is_refused(client, world):
    client.force_login(world.users["admin_a"])
    theirs, ours = world.catalogues["b"], world.catalogues["hearing"]
    form = client.get(reverse("admin:proposals_proposal_import")).context["form"]
    assert set(form.fields["catalogue"].queryset) == {world.catalogues[key] for key in A}
    before = list(theirs.proposals.values_list("code", "title"))
    data = "Kode;Titel\n1;Ny titel\n".encode()
    response = client.post(
        reverse("admin:proposals_proposal_import"),
        {"catalogue": theirs.pk, "format": 0, "import_file": SimpleUploadedFile("k.csv", data)},
    )
    assert response.status_code == 200 and "catalogue" in response.context["form"].errors
    assert list(theirs.proposals.values_list("code", "title")) == before
    # The confirmation step refuses it too (a forged form).
    response = client.post(
        reverse("admin:proposals_proposal_process_import"),
        {"catalogue": theirs.pk, "import_file_name": "x.csv", "original_file_name": "k.csv", "format": 0},
    )
    assert list(theirs.proposals.values_list("code", "title")) == before
    assert ours.pk in {c.pk for c in form.fields["catalogue"].queryset}


def test_admin_actions_act_only_within_scope(client, world):
    client.force_login(world.users["admin_a"])
    theirs = world.catalogues["b"]
    response = client.post(
        reverse("admin:proposals_catalogue_changelist"),
        {"action": "export_xlsx", "_selected_action": [theirs.pk]},
    )
    assert "attachment" not in response.get("Content-Disposition", "")
    process = world.processes["b"]
    CatalogueProcess.objects.filter(pk=process.pk).update(state=State.DRAFT)
    client.post(
        reverse("admin:approvals_catalogueprocess_changelist"),
        {"action": "open_hearing_action", "_selected_action": [process.pk]},
    )
    assert CatalogueProcess.objects.get(pk=process.pk).state == State.DRAFT
    assert client.get(reverse("admin:proposals_catalogue_export", args=[theirs.pk, "csv"])).status_code == 404


def test_an_administrator_of_one_department_steers_only_its_workflow(world):

    draft_b = make_catalogue(department=world.b)
    process_b = CatalogueProcess.objects.get(catalogue=draft_b)
    assert policy.user_has_permission(world.users["admin_b"], "process.open_hearing", process_b)
    assert not policy.user_has_permission(world.users["admin_a"], "process.open_hearing", process_b)
    assert not policy.user_has_permission(world.users["staff_none"], "process.open_hearing", process_b)
    assert policy.user_has_permission(world.users["superuser"], "process.open_hearing", process_b)


def test_without_a_registered_policy_only_staff_see_anything(monkeypatch, world):
    monkeypatch.setattr(hooks, "_catalogue_access", [])
    everything = set(Catalogue.objects.all())
    assert (
        set(
            access.instances_user_has_permission_for(
                world.users["staff_none"], "catalogue.view", Catalogue.objects.all()
            )
        )
        == everything
    )
    assert not access.instances_user_has_permission_for(
        world.users["hmu_a"], "catalogue.view", Catalogue.objects.all()
    ).exists()
    assert not access.user_has_permission(world.users["hmu_a"], "catalogue.view", world.catalogues["hearing"])
    assert not access.user_has_permission(AnonymousUser(), "catalogue.view", world.catalogues["hearing"])


def test_the_command_line_is_trusted(world, capsys):
    call_command("catalogue_report", "--list")
    out = capsys.readouterr().out
    assert all(c.slug in out for c in world.catalogues.values())
