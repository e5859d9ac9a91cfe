"""The environment file (/etc/budgetkataloger/env, compose's .env) as systemd reads it.

Three consumers read the one file: systemd's ``EnvironmentFile=`` (the units in
deploy/systemd), docker compose's ``env_file:`` and ``bin/manage``. bin/manage uses ``parse``
below, which follows systemd's own parser (src/basic/env-file.c: parse_env_file_internal) and
its check of each assignment, so a command sees exactly what the services see. No shell
reads the file (a value with spaces was a command to bash).

The format, and the subset that compose reads the same way (``problems`` reports a line
outside it):

- ``NAME=value``, one a line; blank lines and lines starting with ``#`` are ignored.
- The value is everything after ``=`` to the end of the line, spaces inside kept, leading and
  trailing white space dropped: ``OIDC_RP_SCOPES=openid email profile`` is "openid email
  profile". No quotes needed.
- A value with ``#``, ``$`` or ``\\`` in it, or white space at either end: in single quotes,
  ``EMAIL_HOST_PASSWORD='p/w#1 $x'`` (compose cuts an unquoted value at ``#`` and reads ``$``
  as a variable; systemd reads ``\\`` as an escape); both read single quotes literally. Such a
  value cannot contain a single quote itself (nor end in a backslash).
- Only stdlib: bin/manage runs this with the system's python3, before any virtualenv.
"""

import re

WHITESPACE = " \t\n\r"
NEWLINE = "\n\r"
COMMENTS = "#;"
# systemd's SHELL_NEED_ESCAPE: the characters a backslash escapes inside double quotes.
SHELL_NEED_ESCAPE = '"\\`$'
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def assignments(text):
    """Every (key, value) in the order systemd's parser yields them, before validation."""
    state = "PRE_KEY"
    key, value = [], []
    last_key_whitespace = last_value_whitespace = None
    result = []

    def push():
        name = "".join(key[:last_key_whitespace] if last_key_whitespace is not None else key)
        result.append((name, "".join(value)))

    for c in text:
        if state == "PRE_KEY":
            if c in COMMENTS:
                state = "COMMENT"
            elif c not in WHITESPACE:
                state, key, last_key_whitespace = "KEY", [c], None
        elif state == "KEY":
            if c in NEWLINE:
                state, key = "PRE_KEY", []
            elif c == "=":
                state, value, last_value_whitespace = "PRE_VALUE", [], None
            else:
                if c not in WHITESPACE:
                    last_key_whitespace = None
                elif last_key_whitespace is None:
                    last_key_whitespace = len(key)
                key.append(c)
        elif state == "PRE_VALUE":
            if c in NEWLINE:
                push()
                state, key, value = "PRE_KEY", [], []
            elif c == "'":
                state = "SINGLE_QUOTE_VALUE"
            elif c == '"':
                state = "DOUBLE_QUOTE_VALUE"
            elif c == "\\":
                state = "VALUE_ESCAPE"
            elif c not in WHITESPACE:
                state = "VALUE"
                value.append(c)
        elif state == "VALUE":
            if c in NEWLINE:
                if last_value_whitespace is not None:
                    del value[last_value_whitespace:]
                push()
                state, key, value = "PRE_KEY", [], []
            elif c == "\\":
                state, last_value_whitespace = "VALUE_ESCAPE", None
            else:
                if c not in WHITESPACE:
                    last_value_whitespace = None
                elif last_value_whitespace is None:
                    last_value_whitespace = len(value)
                value.append(c)
        elif state == "VALUE_ESCAPE":
            state = "VALUE"
            if c not in NEWLINE:  # an escaped newline is eaten up
                value.append(c)
        elif state == "SINGLE_QUOTE_VALUE":
            if c == "'":
                state = "PRE_VALUE"
            else:
                value.append(c)
        elif state == "DOUBLE_QUOTE_VALUE":
            if c == '"':
                state = "PRE_VALUE"
            elif c == "\\":
                state = "DOUBLE_QUOTE_VALUE_ESCAPE"
            else:
                value.append(c)
        elif state == "DOUBLE_QUOTE_VALUE_ESCAPE":
            state = "DOUBLE_QUOTE_VALUE"
            if c in SHELL_NEED_ESCAPE:
                value.append(c)
            elif c != "\n":
                value += ["\\", c]
        elif state == "COMMENT":
            if c == "\\":
                state = "COMMENT_ESCAPE"
            elif c in NEWLINE:
                state = "PRE_KEY"
        elif state == "COMMENT_ESCAPE":
            # systemd 254 and later; 252 (Debian 12) continued the comment on the next line.
            state = "PRE_KEY" if c in NEWLINE else "COMMENT"
    if state in ("PRE_VALUE", "VALUE", "VALUE_ESCAPE", "SINGLE_QUOTE_VALUE", "DOUBLE_QUOTE_VALUE"):
        if state == "VALUE" and last_value_whitespace is not None:
            del value[last_value_whitespace:]
        push()
    elif state == "DOUBLE_QUOTE_VALUE_ESCAPE":
        push()
    return result


def valid(key, value):
    """systemd's env_assignment_is_valid: a variable name, and a value without control
    characters other than newline."""
    return bool(NAME.match(key)) and not any((ord(ch) < 32 and ch != "\n") or ord(ch) == 127 for ch in value)


def parse(text):
    """The variables systemd's EnvironmentFile= sets from ``text`` (a later one wins; invalid
    assignments are dropped, as systemd drops them)."""
    return {key: value for key, value in assignments(text) if valid(key, value)}


def read(path):
    with open(path, encoding="utf-8") as file:
        return parse(file.read())


def problems(text):
    """Lines that systemd, docker compose and bin/manage would not all read the same way, as
    "line N: what" (empty: the file is in the common format)."""
    found = []
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        where = f"line {number}"
        if not stripped:
            continue
        if stripped.startswith("#"):
            if stripped.endswith("\\"):
                found.append(f"{where}: a comment ending in a backslash (systemd 252 joins the next line to it)")
            continue
        if stripped.startswith(";"):
            found.append(f"{where}: a comment must start with #")
            continue
        key, sep, value = stripped.partition("=")
        if not sep:
            found.append(f"{where}: no NAME=value")
            continue
        if key != key.rstrip() or value != value.lstrip():
            found.append(f"{where}: no spaces around =")
            key, value = key.rstrip(), value.lstrip()
        if not NAME.match(key):
            found.append(f"{where}: {key!r} is not a variable name (letters, digits, _)")
            continue
        if value.startswith("'"):
            if value.count("'") != 2 or not value.endswith("'") or value.endswith("\\'"):
                found.append(f"{where}: {key}: one pair of single quotes around the whole value, none inside")
            continue
        if value.startswith('"'):
            inner = value[1:-1]
            if not value.endswith('"') or len(value) < 2 or '"' in inner or "\\" in inner or "$" in inner:
                found.append(f"{where}: {key}: use single quotes (double quotes read \\ and $ differently)")
            continue
        if "$" in value:
            found.append(f"{where}: {key}: a $ is read as a variable by compose; put the value in single quotes")
        if "\\" in value:
            found.append(f"{where}: {key}: a backslash is an escape to systemd; put the value in single quotes")
        if "#" in value:
            found.append(f"{where}: {key}: compose cuts a value at # (a comment to it); put the value in single quotes")
    return found
