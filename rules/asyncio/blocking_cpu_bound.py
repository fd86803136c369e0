from __future__ import annotations

import ast

from ..blocking import BlockingCallRule
from ..guidelines import Quote
from ..model import SemanticModel, argument

_IN_THREAD = "`await asyncio.to_thread({call}, ...)` (it releases the GIL)"

#: deliberately slow (key-stretching) functions, which take tens to hundreds of milliseconds of
#: CPU per call by design -> what to use instead
BLOCKING_CPU_CALLS: dict[str, str] = {
    "hashlib.pbkdf2_hmac": _IN_THREAD.format(call="hashlib.pbkdf2_hmac"),
    "hashlib.scrypt": _IN_THREAD.format(call="hashlib.scrypt"),
    "bcrypt.hashpw": _IN_THREAD.format(call="bcrypt.hashpw"),
    "bcrypt.checkpw": _IN_THREAD.format(call="bcrypt.checkpw"),
    "bcrypt.kdf": _IN_THREAD.format(call="bcrypt.kdf"),
    "argon2.PasswordHasher.hash": _IN_THREAD.format(call="hasher.hash"),
    "argon2.PasswordHasher.verify": _IN_THREAD.format(call="hasher.verify"),
    "passlib.hash.*": "`await asyncio.to_thread(...)` or a process pool (`loop.run_in_executor`)",
}

#: fewer PBKDF2 iterations than this take a few milliseconds at most: a key derivation that is not
#: slow by design (BIP-39 seeds use 2,048), not password stretching (OWASP asks for 600,000)
FAST_PBKDF2_ITERATIONS = 10_000


class BlockingCpuBound(BlockingCallRule):
    """
    ## What it does
    Finds password hashing and key derivation in async code: `hashlib.pbkdf2_hmac()`,
    `hashlib.scrypt()`, `bcrypt.hashpw()`/`checkpw()`/`kdf()`, argon2's
    `PasswordHasher.hash()`/`verify()` and passlib's hashers, in a coroutine or a request handler.
    A `pbkdf2_hmac()` given fewer than 10,000 iterations as a number is not reported: it takes a
    few milliseconds at most.

    ## Why is this bad?
    These functions are slow on purpose: a single call burns tens to hundreds of milliseconds of
    CPU so that guessing passwords is expensive. On the event loop's thread, every login or
    sign-up stalls every other request for that long, and a burst of logins makes the whole
    service unresponsive, an easy denial of service.

    ## Example
    ```python
    import bcrypt

    async def login(user, password):
        if not bcrypt.checkpw(password.encode(), user.password_hash):
            raise Unauthorized()
    ```

    ## Use instead
    ```python
    import asyncio
    import bcrypt

    async def login(user, password):
        if not await asyncio.to_thread(bcrypt.checkpw, password.encode(), user.password_hash):
            raise Unauthorized()
    ```

    ## Fix safety
    No automatic fix: whether a thread (these functions release the GIL) or a process pool suits
    the service depends on its load.
    """

    code = "ASY153"
    name = "blocking-cpu-bound-in-async"
    framework = "asyncio"
    summary = "Password hashing / key derivation in async code blocks the event loop"
    guidelines = (
        Quote("asyncio", "Thread and Process Integration", "Use proper CPU-bound task handling"),
        Quote("asyncio", "Thread and Process Integration", "Use proper blocking code offloading"),
    )
    calls = BLOCKING_CPU_CALLS

    def clears(self, node: ast.Call, model: SemanticModel) -> bool:
        if model.qualified_name(node.func) != "hashlib.pbkdf2_hmac":
            return False
        iterations = argument(node, 3, "iterations")
        return (
            isinstance(iterations, ast.Constant)
            and type(iterations.value) is int
            and iterations.value < FAST_PBKDF2_ITERATIONS
        )
