"""Signing in: local passwords with their lockout and reset, and single sign-on with the
municipality's directory, each account linked to one directory identity by its stable subject.

Who may see and do what once signed in is approvals.policy's answer, not this app's. The arrows
point one way: accounts uses approvals (the directory's groups grant committee memberships) and
the outbox; approvals and proposals never import accounts.

models.py          SsoIdentity: a user's directory identity (issuer + subject)
sso.py             the OpenID Connect backend: claims -> the linked user, never a user by name
backends.py        the local password backend, the lockout check, department administrators' permissions
client.py          the client's address behind the trusted proxies (lockout, rate limits)
lockout.py         lockouts and their lifting written to the log
password_reset.py  a reset request through the outbox, rate limited, the same for every address
middleware.py      a directory user's groups checked again at a bounded interval
views.py, urls.py  the login pages, the OpenID Connect start and callback, password reset
admin.py           directory identities: link a local account, unlink"""
