from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import qualified


class HardcodedBasicAuth(Rule):
    """
    ## What it does
    Finds `aiohttp.BasicAuth(login, password)` whose password is a string literal.

    ## Why is this bad?
    A password in the source is in every clone, fork, backup and CI log of the repository, and
    cannot be rotated without a release. Whoever reads the code can call the service as that
    user.

    ## Example
    ```python
    auth = aiohttp.BasicAuth("reporting", "s3cr3t-passw0rd")
    async with session.get(REPORTS_URL, auth=auth) as response:
        ...
    ```

    ## Use instead
    ```python
    auth = aiohttp.BasicAuth(os.environ["REPORTS_USER"], os.environ["REPORTS_PASSWORD"])
    async with session.get(REPORTS_URL, auth=auth) as response:
        ...
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["AIO024"]`. It found nothing on
    the real-application corpus, and it is not a definite error: a password in the source is usually a
    placeholder in demo or test code.

    ## Fix safety
    No fix is offered: the password has to move to the deployment's secrets.
    """

    code = "AIO024"
    name = "aiohttp-hardcoded-basic-auth"
    opt_in = True
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "`aiohttp.BasicAuth` with a password written in the source"
    guidelines = (Quote("aiohttp", "Client-Side Development", "Implement proper authentication"),)
    node_types = (ast.Call,)
    callees = frozenset({"BasicAuth"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if qualified(model, node.func) != "aiohttp.BasicAuth":
            return
        password = argument(node, 1, "password")
        if isinstance(password, ast.Constant) and isinstance(password.value, str) and password.value:
            yield self.diagnostic(
                password,
                model,
                "the password of `aiohttp.BasicAuth` is written in the source; read it from the environment or a "
                "secret store",
            )
