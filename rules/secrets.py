"""Which names hold secrets: the heuristics the security rules of every pack share.

Rules in several packs ask the same questions about an identifier, a config key, a header or a
cookie name: does it hold a secret, a password, a session? They answer from the name alone (the
value is rarely known), so the answer is a heuristic; keeping it here makes a name count the same
in every pack, and a false positive found by one rule gets fixed for all of them.

Secret settings and their values (STA003, SAN006, TOR006):

- ``is_secret_setting(name)``: a variable, setting or config key that holds a secret which must
  not be written in the source: ``SECRET``, ``SECRET_KEY``, ``JWT_SECRET``, ``DB_PASSWORD``,
  ``API_KEY``, ``AUTH_TOKEN``. The secret word has to end the name, at a ``_`` boundary, so
  settings *about* a secret (``SECRET_KEY_LENGTH``, ``PASSWORD_MIN_LENGTH``, ``TOKEN_URL``) and
  words that merely contain one (``KEYSECRET``) are left alone.
- ``secret_literal(value)``: the non-empty string or bytes literal a value is (an empty string
  means "not set", not a secret).
- ``spells_name(name, literal)``: the value only spells its own name (``API_KEY = "api_key"``),
  so it is a label, a field or header name, not a secret.
- ``is_placeholder(literal)``: a value marking a setting as missing (``"<missing>"``,
  ``"${API_KEY}"``, ``"{{ api_key }}"``): a sentinel no deployment could use as its secret.

Secrets compared at run time (SAN026, AIO023): the name through which a value is read (a
variable, attribute, header or key) says the value proves who the client is: a token, an API
key, a password, a signature or HMAC, a one-time code. Two predicates, of different reach:

- ``ends_with_secret(name)``: the name ends with such a word (``reset_token``,
  ``expected_signature``, ``x_api_key``). Whatever comes after the word makes it something else
  (``token_type``, ``token_data``, ``signature_header``), without a list of such words.
- ``mentions_secret(name)``: the name has such a word anywhere (``X-Hub-Signature-256``,
  ``token_value``) and none of the words that make it public metadata about the secret
  (``token_type``, ``token_length``, ``signature_header``, ``token_expires``). It finds more,
  and depends on that list being complete: ``token_data != {}`` (decoded claims against an
  empty dict) is reported by it, not by ``ends_with_secret``.

Passwords (SAN023, TOR035):

- ``is_password_name(name)``: an identifier or key that holds the password itself:
  ``password``, ``new_password``, ``passwd``, ``passphrase``, ``pwd``, ``user_pw``, ``db_pass``;
  not ``password_hash`` or ``password_reset_sent`` (a name that goes on after the word holds
  something else), which is what a rule about hashing the password needs.
- ``mentions_password(text)``: source text that names a password anywhere, as in
  ``user.password_hash`` or ``form["password"]``: what a rule needs that looks at both sides of a
  comparison of stored and typed passwords. ``pwd`` counts only where no letter touches it
  (``pwd``, ``user.pwd``, ``new_pwd``).

Cookies (SAN024, AIO021, TOR010):

- ``is_credential_cookie(name)``: the cookie carries a session or a credential, whose theft
  takes over the account: ``session``, ``AIOHTTP_SESSION``, ``PHPSESSID``, ``auth_token``,
  ``jwt``, ``sid``, ``remember_me``, ``login``, ``credentials``. ``sid`` counts only as a word
  of its own (``sid``, ``connect.sid``, ``sid_2``), not inside ``considerate`` or ``sidebar``.
- ``is_script_read_cookie(name)``: a CSRF token cookie (``csrf_token``, ``_xsrf``), which the
  page's own scripts read on purpose (double-submit), so ``HttpOnly`` would break it.
- ``is_identity_cookie(name)``: the cookie says who the user is or what they may do, so a
  forged value makes a visitor someone else: ``user``, ``user_id``, ``session_id``,
  ``authToken``, ``is_admin``, ``remember_me``; not preferences or trackers that mention the
  user (``user_theme``, ``lang``, ``_xsrf``). Words are split at ``_``, ``-`` and camelCase.
"""

from __future__ import annotations

import ast
import re

#: names ending in a secret: ``SECRET_KEY``, ``JWT_SECRET``, ``DB_PASSWORD``, ``API_KEY``, ``AUTH_TOKEN``…
SECRET_SETTING = re.compile(
    r"(?:^|_)(?:secret(?:_?key)?|password|passwd|api_?key|private_?key|signing_?key|jwt_?key"
    r"|(?:api|auth|access|bot|bearer|secret)_?token)$",
    re.IGNORECASE,
)
#: values that stand for a setting not given: ``<missing>``, ``${API_KEY}``, ``{{ api_key }}``
PLACEHOLDER = re.compile(r"<[^<>]*>|\$\{[^{}]*\}|\{\{[^{}]*\}\}")

#: a name ending in a value that proves who the client is
SECRET_VALUE_END = re.compile(r"(token|secret|api_?key|signature|password|passwd|password_hash|hmac|otp)$", re.IGNORECASE)
#: a word of such a value anywhere in a name
SECRET_VALUE_WORD = re.compile(r"token|secret|password|passwd|api_?key|signature|hmac|digest", re.IGNORECASE)
#: words saying a name holds public metadata about a secret rather than the secret
SECRET_METADATA = re.compile(r"type|kind|name|len|count|url|header|field|algorithm|prefix|expir", re.IGNORECASE)

#: identifiers that hold the password itself
PASSWORD_NAME = re.compile(r"(^|_)(pass|pwd|pw)$|pass(word|wd|phrase)$", re.IGNORECASE)
#: text naming a password anywhere: ``password``, ``new_password``, ``passwd``, ``pwd`` (as a word)
PASSWORD_MENTION = re.compile(r"passw(or)?d|(?<![a-z])pwd(?![a-z])", re.IGNORECASE)

#: cookie names that carry a session or a credential
CREDENTIAL_COOKIE = re.compile(r"sess|token|auth|jwt|(?<![a-z])sid(?![a-z])|remember|login|credential", re.IGNORECASE)
#: cookies that the page's own scripts must read (double-submit CSRF tokens)
SCRIPT_READ_COOKIE = re.compile(r"csrf|xsrf", re.IGNORECASE)
#: words of a cookie name that say it identifies or authenticates someone
IDENTITY_WORDS = frozenset(
    {
        "user", "username", "userid", "uid", "login", "logged", "session", "sessionid", "sid", "token", "auth",
        "authenticated", "authorization", "jwt", "admin", "role", "roles", "identity", "account", "remember",
        "email", "password", "credentials",
    }
)
#: words that make such a name a preference or a tracker rather than a credential (``user_theme``)
NOT_IDENTITY_WORDS = frozenset(
    {
        "lang", "language", "locale", "theme", "pref", "prefs", "preference", "preferences", "tz", "timezone",
        "consent", "xsrf", "csrf", "redirect", "next", "seen", "banner", "tour", "hint", "color", "layout",
    }
)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def is_secret_setting(name: str) -> bool:
    """``SECRET_KEY``, ``JWT_SECRET``, ``DB_PASSWORD``, ``API_KEY``; not ``SECRET_KEY_LENGTH``."""
    return SECRET_SETTING.search(name) is not None


def secret_literal(value: ast.expr | None) -> ast.Constant | None:
    """The non-empty string or bytes literal ``value`` is, else None."""
    if isinstance(value, ast.Constant) and isinstance(value.value, (str, bytes)) and value.value.strip():
        return value
    return None


def spells_name(name: str, literal: ast.Constant) -> bool:
    """True when the value just spells the name (``API_KEY = "api_key"``): a label, not a secret."""
    return _spelled(_text(literal)) == _spelled(name)


def is_placeholder(literal: ast.Constant) -> bool:
    """True for a value marking a missing setting: ``"<missing>"``, ``"${API_KEY}"``, ``"{{ api_key }}"``."""
    return PLACEHOLDER.fullmatch(_text(literal).strip()) is not None


def ends_with_secret(name: str) -> bool:
    """``token``, ``reset_token``, ``expected_signature``, ``x_api_key``; not ``token_type`` or ``token_data``."""
    return SECRET_VALUE_END.search(name) is not None


def mentions_secret(name: str) -> bool:
    """``token``, ``X-Hub-Signature-256``, ``admin_password``; not ``token_type`` or ``token_length``."""
    return SECRET_VALUE_WORD.search(name) is not None and SECRET_METADATA.search(name) is None


def is_password_name(name: str) -> bool:
    """``password``, ``new_password``, ``passwd``, ``pwd``, ``user_pw``; not ``password_hash``."""
    return PASSWORD_NAME.search(name) is not None


def mentions_password(text: str) -> bool:
    """``user.password_hash``, ``form["password"]``, ``pwd``; not ``cwd``."""
    return PASSWORD_MENTION.search(text) is not None


def is_credential_cookie(name: str) -> bool:
    """``session``, ``PHPSESSID``, ``auth_token``, ``jwt``, ``sid``, ``remember_me``; not ``theme`` or ``sidebar``."""
    return CREDENTIAL_COOKIE.search(name) is not None


def is_script_read_cookie(name: str) -> bool:
    """``csrf_token``, ``_xsrf``: read by the page's scripts on purpose."""
    return SCRIPT_READ_COOKIE.search(name) is not None


def is_identity_cookie(name: str) -> bool:
    """``user``, ``session_id``, ``authToken``, ``is_admin``; not ``user_theme``, ``_xsrf``, ``lang``."""
    words = {word.lower() for word in _WORD.findall(name)}
    return bool(words & IDENTITY_WORDS) and not words & NOT_IDENTITY_WORDS


def _text(literal: ast.Constant) -> str:
    value = literal.value
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _spelled(text: str) -> str:
    return text.replace("_", "").replace("-", "").lower()
