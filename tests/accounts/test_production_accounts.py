"""Local accounts in production: login lockout after 10 wrong passwords in a row (django-axes)
with an administrator's unlock, Django's password rules, and demo data that never runs outside
DEBUG nor changes an existing user's password. (Behind a proxy and the cool-off:
test_accounts_lockout.py; password reset: test_accounts_password_reset.py.)"""

from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from tests.approval_factories import make_department_admin
from tests.factories import make_department

pytestmark = pytest.mark.django_db

PASSWORD = "Rigtig-kode-2024"


@pytest.fixture
def user():
    return get_user_model().objects.create_user("sagsbehandler", "sb@example.dk", PASSWORD)


def log_in(client, username, password, path="/login/"):
    return client.post(path, {"username": username, "password": password})


def signed_in(client):
    return "_auth_user_id" in client.session


def test_the_eleventh_wrong_password_in_a_row_is_refused(client, user):
    for attempt in range(9):
        response = log_in(client, "sagsbehandler", "forkert")
        assert response.status_code == 200, attempt  # the login page again, with its error
        assert "Brugernavn eller adgangskode er forkert." in response.content.decode()
    # The 10th wrong one locks (and says so); from the 11th on, even the right password is refused.
    assert log_in(client, "sagsbehandler", "forkert").status_code == 429
    response = log_in(client, "sagsbehandler", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Log ind er spærret" in page and "10 gange i træk" in page
    assert not signed_in(client)

    # Another user from the same address is not locked (username and address together).
    get_user_model().objects.create_user("kollega", "k@example.dk", PASSWORD)
    log_in(client, "kollega", PASSWORD)
    assert signed_in(client)


def test_a_right_password_resets_the_count(client, user):
    for _ in range(9):
        log_in(client, "sagsbehandler", "forkert")
    log_in(client, "sagsbehandler", PASSWORD)
    assert signed_in(client)
    client.logout()
    for _ in range(9):
        assert log_in(client, "sagsbehandler", "forkert").status_code == 200
    log_in(client, "sagsbehandler", PASSWORD)
    assert signed_in(client)


def test_the_admin_login_is_locked_too_and_an_administrator_unlocks(client, user):
    department = make_department()
    department_admin = make_department_admin(department, username="afdelingsadmin", password=PASSWORD)
    for _ in range(10):
        log_in(client, "afdelingsadmin", "forkert", path="/admin/login/")
    assert log_in(client, "afdelingsadmin", PASSWORD, path="/admin/login/").status_code == 429
    [attempt] = AccessAttempt.objects.filter(username="afdelingsadmin")
    assert attempt.failures_since_start >= 10

    # A superuser unlocks in the admin (the attempt's row deleted).
    superuser = get_user_model().objects.create_superuser("chef", "chef@example.dk", PASSWORD)
    admin_client = type(client)()
    admin_client.force_login(superuser)
    listing = admin_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "afdelingsadmin" in listing.content.decode()
    response = admin_client.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()

    # Unlocked: the department's administrator signs in to the admin (its backend still answers).
    response = log_in(client, "afdelingsadmin", PASSWORD, path="/admin/login/")
    assert response.status_code == 302 and signed_in(client)
    assert client.get("/admin/").status_code == 200
    assert department_admin.pk == int(client.session["_auth_user_id"])


def test_a_department_administrator_cannot_unlock(client):
    department = make_department()
    department_admin = make_department_admin(department, username="afdelingsadmin", password=PASSWORD)
    client.force_login(department_admin)
    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_django_standard_password_rules(user):
    for weak in ("12345678", "password", "kort", "sagsbehandler1"):
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("Blå-hest-løber-2024", user)


def test_demo_data_is_refused_outside_debug(settings):
    settings.DEBUG = False
    call_command("load_seed_catalogues", stdout=StringIO())
    with pytest.raises(CommandError, match="kun med DEBUG=1"):
        call_command("create_demo_data", stdout=StringIO())
    assert not get_user_model().objects.exists()


def test_demo_data_never_changes_an_existing_password(settings):
    settings.DEBUG = True
    call_command("load_seed_catalogues", stdout=StringIO())
    get_user_model().objects.create_user("admin", "admin@kommune.example", "min-egen-kode-42")
    out = StringIO()
    call_command("create_demo_data", stdout=out)
    admin = get_user_model().objects.get(username="admin")
    assert admin.check_password("min-egen-kode-42") and not admin.check_password("admin")
    [admin_line] = [line for line in out.getvalue().splitlines() if line.strip().startswith("admin ")]
    assert "(uændret)" in admin_line
    # New demo users get the demo password, printed.
    assert get_user_model().objects.get(username="lmu1").check_password("demo1234")
