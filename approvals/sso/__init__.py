"""Single sign-on with the municipality's directory (OpenID Connect: Entra ID, AD FS) through
mozilla-django-oidc, configured from the environment (config/settings.py, OIDC_*):

backends.py   the OpenID Connect backend (claims -> user) and the local password backend
              that LOCAL_LOGIN=false switches off; sso_enabled(), local_login_enabled()
services.py   a user's committee memberships and department administrations follow the
              directory's group claims, by the administrator's SsoGroupMapping rows
views.py      the login page (SSO button, password form when local login is on), the admin's
              login, the OpenID Connect start and callback; urls.py routes them
admin.py      the group mapping's admin (superusers only)"""
