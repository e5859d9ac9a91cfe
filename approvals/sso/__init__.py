"""What the municipality's directory groups grant here: committee memberships with a role and
the administration of departments, by the administrator's SsoGroupMapping rows.

services.py   a user's mapped memberships and administrations follow their group claims
              (applied by accounts.sso at every single sign-on and session refresh)
admin.py      the group mapping's admin (superusers only)

Signing in itself (the OpenID Connect backend, identities, the login pages) is the accounts app."""
