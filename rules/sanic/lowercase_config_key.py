from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.sanic import is_config, string

#: Sanic's own settings (``sanic.config.DEFAULT_CONFIG``, Sanic 25.12), read under these names only
BUILT_IN_SETTINGS = frozenset(
    {
        "ACCESS_LOG", "AUTO_EXTEND", "AUTO_RELOAD", "DEPRECATION_FILTER", "EVENT_AUTOREGISTER",
        "FALLBACK_ERROR_FORMAT", "FORWARDED_FOR_HEADER", "FORWARDED_SECRET", "GRACEFUL_SHUTDOWN_TIMEOUT",
        "GRACEFUL_TCP_CLOSE_TIMEOUT", "INSPECTOR", "INSPECTOR_API_KEY", "INSPECTOR_HOST", "INSPECTOR_PORT",
        "INSPECTOR_TLS_CERT", "INSPECTOR_TLS_KEY", "KEEP_ALIVE", "KEEP_ALIVE_TIMEOUT", "LOCALHOST",
        "LOCAL_CERT_CREATOR", "LOCAL_TLS_CERT", "LOCAL_TLS_KEY", "LOG_EXTRA", "MOTD", "MOTD_DISPLAY",
        "NOISY_EXCEPTIONS", "NO_COLOR", "PROXIES_COUNT", "REAL_IP_HEADER", "REQUEST_BUFFER_SIZE",
        "REQUEST_ID_HEADER", "REQUEST_MAX_HEADER_SIZE", "REQUEST_MAX_SIZE", "REQUEST_TIMEOUT", "RESPONSE_TIMEOUT",
        "TLS_CERT_PASSWORD", "TOUCHUP", "USE_UVLOOP", "WEBSOCKET_MAX_SIZE", "WEBSOCKET_PING_INTERVAL",
        "WEBSOCKET_PING_TIMEOUT",
    }
)  # fmt: skip
#: ``Config`` methods that keep only the upper-case keys of what they load
UPPER_CASE_LOADERS = frozenset({"update_config", "load"})


class LowercaseConfigKey(Rule):
    """
    ## What it does
    Finds Sanic settings spelled in lower case on a Sanic `Config` (`app.config`):
    `app.config.request_timeout = 5`, `app.config["keep_alive"] = False`,
    `app.config.update(response_timeout=30)`, reads like `app.config.request_max_size`; and
    lower-case keys in a dict given to `app.config.update_config(...)` / `app.config.load(...)`.

    ## Why is this bad?
    Sanic's settings are upper-case keys (`REQUEST_TIMEOUT`, `KEEP_ALIVE`): `app.config.request_timeout
    = 5` stores a new key `request_timeout` that Sanic never reads, so the server keeps its
    default and nothing says so, and reading the lower-case name raises `AttributeError`.
    `update_config()` goes further and drops every key that is not upper case, so a lower-case
    key given to it never reaches the config at all.

    ## Example
    ```python
    app = Sanic("Uploads")
    app.config.request_max_size = 500_000_000
    app.config.update_config({"storage_bucket": "uploads"})
    ```

    ## Use instead
    ```python
    app = Sanic("Uploads")
    app.config.REQUEST_MAX_SIZE = 500_000_000
    app.config.update_config({"STORAGE_BUCKET": "uploads"})
    ```

    ## Fix safety
    There is no automatic fix: spelling the setting in upper case makes it take effect, which
    changes how the server behaves, and other code may read the lower-case key.
    """

    code = "SAN020"
    name = "lowercase-config-key"
    framework = "sanic"
    severity = Severity.WARNING
    summary = "Sanic setting spelled in lower case: Sanic reads upper-case keys only"
    guidelines = (
        Quote("sanic", "Configuration", "Implement effective config objects"),
        Quote("sanic", "Sanic Project Structure", "Use appropriate configuration management"),
    )
    node_types = (ast.Attribute, ast.Subscript, ast.Call)
    callees = UPPER_CASE_LOADERS | {"update"}

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        if isinstance(node, ast.Attribute) and is_config(model, node.value):
            yield from self.check_key(node, node.attr, model)
        elif isinstance(node, ast.Subscript) and is_config(model, node.value):
            yield from self.check_key(node, string(node.slice), model)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_config(model, node.func.value):
            yield from self.check_call(node, node.func.attr, model)

    def check_key(self, node: ast.AST, key: str | None, model: SemanticModel) -> Iterator[Diagnostic]:
        if key is None or key == key.upper() or key.upper() not in BUILT_IN_SETTINGS:
            return
        message = (
            f"`{model.segment(node)}` names Sanic's `{key.upper()}` setting in lower case: Sanic reads only "
            f"`{key.upper()}`, so this key is ignored (and reading it raises `AttributeError` until it is set)"
        )
        yield self.diagnostic(node, model, message)

    def check_call(self, node: ast.Call, method: str, model: SemanticModel) -> Iterator[Diagnostic]:
        if method == "update":
            for keyword in node.keywords:
                yield from self.check_key(keyword, keyword.arg, model)
            for argument in node.args:
                if isinstance(argument, ast.Dict):
                    for key in argument.keys:
                        yield from self.check_key(key, string(key), model)
        elif method in UPPER_CASE_LOADERS:
            for argument in node.args:
                if not isinstance(argument, ast.Dict):
                    continue
                for key in argument.keys:
                    name = string(key)
                    if name is None or name == name.upper():
                        continue
                    message = (
                        f"`{model.segment(node.func)}()` keeps only upper-case keys: {model.segment(key)} is dropped "
                        f"without a word; spell it {name.upper()!r}"
                    )
                    yield self.diagnostic(key, model, message)
