"""The loopback OpenID Connect provider (tests/e2e/oidc_provider.mjs, npm oidc-provider) as a
process, and the application's OIDC_* settings that point at it."""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from .services import BASE_DIR, _port_open, free_port, wait_for

SCRIPT = BASE_DIR / "tests" / "e2e" / "oidc_provider.mjs"
PACKAGE = BASE_DIR / "node_modules" / "oidc-provider"


def missing():
    """Why the provider cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not PACKAGE.exists():
        return "the npm package oidc-provider is not installed (bin/setup runs npm ci)"
    return None


class OidcProvider:
    """``accounts``: {login: {"password", "email", "name", "groups": [...]}}."""

    client_id = "budgetkataloger"
    client_secret = "loopback-test-secret-0123456789abcdef"

    def __init__(self, *, redirect_uris, accounts, port=None):
        self.port = port or free_port()
        self.redirect_uris = list(redirect_uris)
        self.accounts = accounts
        self.process = None
        self._dir = None

    @property
    def issuer(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self._dir = tempfile.TemporaryDirectory(prefix="oidc-")
        config_path = Path(self._dir.name) / "config.json"
        config_path.write_text(
            json.dumps(
                {
                    "port": self.port,
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "redirect_uris": self.redirect_uris,
                    "accounts": self.accounts,
                }
            )
        )
        self.log_path = Path(self._dir.name) / "oidc.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [shutil.which("node"), str(SCRIPT), str(config_path)],
            cwd=BASE_DIR,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        wait_for(
            lambda: _port_open(self.port) or self.process.poll() is not None, 30, message="the OpenID Connect provider"
        )
        assert self.process.poll() is None, f"oidc provider exited:\n{self.log()}"
        return self

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None
        if self._dir is not None:
            self._log.close()
            self._dir.cleanup()
            self._dir = None

    def change_account(self, login, **values):
        """The directory changes: the account's claims (groups, email, ...) from now on, or
        ``disabled=True``: the account can no longer sign in (nor be signed in silently)."""
        import requests

        response = requests.post(f"{self.issuer}/test/accounts/{login}", data=json.dumps(values), timeout=10)
        assert response.status_code == 204, response.text

    def environment(self):
        """The application's settings for this provider, as environment variables (README)."""
        return {
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/auth",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/me",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
            "OIDC_RP_SCOPES": "openid email profile groups",
            "OIDC_PROVIDER_NAME": "Kommunens log ind",
        }
