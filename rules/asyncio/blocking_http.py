from __future__ import annotations

from ..blocking import BlockingCallRule
from ..guidelines import Quote

_ASYNC_CLIENT = "`httpx.AsyncClient` or `aiohttp.ClientSession`"
_HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")


def _methods(owner: str, names: tuple[str, ...]) -> dict[str, str]:
    return {f"{owner}.{name}": _ASYNC_CLIENT for name in names}


#: httpx and httpx2 (its maintained continuation, the same API), and the modules their clients live in
_HTTPX_MODULES = ("httpx", "httpx2")
_HTTPX_CLIENTS = tuple(
    f"{module}.{client}" for module in _HTTPX_MODULES for client in ("Client", "_client.Client")
)
#: urllib3's pools and managers, under the names the package exports and the modules defining them:
#: every method of one sends a request or manages its connections
_URLLIB3_POOLS = (
    "urllib3.PoolManager", "urllib3.ProxyManager", "urllib3.HTTPConnectionPool", "urllib3.HTTPSConnectionPool",
    "urllib3.connectionpool.ConnectionPool", "urllib3.connectionpool.HTTPConnectionPool",
    "urllib3.connectionpool.HTTPSConnectionPool", "urllib3.poolmanager.PoolManager", "urllib3.poolmanager.ProxyManager",
    "urllib3.request.RequestMethods", "urllib3._request_methods.RequestMethods",
)

#: methods of urllib3's pools and managers that do no I/O: they look up or create a pool, or compare hosts
NON_BLOCKING_HTTP_CALLS = frozenset(
    f"{pool}.{method}"
    for pool in _URLLIB3_POOLS
    for method in (
        "connection_from_url", "connection_from_host", "connection_from_context", "connection_from_pool_key",
        "is_same_host",
    )
)

#: qualified call -> the async replacement. The clients' constructors (``requests.Session()``,
#: ``httpx.Client()``, ``urllib3.PoolManager()``, ``http.client.HTTPConnection()``) do no I/O, so
#: only the calls that send a request, read a response or close the connections are listed.
BLOCKING_HTTP_CALLS: dict[str, str] = {
    **_methods("requests", _HTTP_VERBS),
    **_methods("requests.api", _HTTP_VERBS),
    **_methods("requests.Session", (*_HTTP_VERBS, "send")),
    **{call: client for module in _HTTPX_MODULES for call, client in _methods(module, (*_HTTP_VERBS, "stream")).items()},
    **{
        call: client
        for owner in _HTTPX_CLIENTS
        for call, client in _methods(owner, (*_HTTP_VERBS, "stream", "send", "close")).items()
    },
    "urllib.request.urlopen": _ASYNC_CLIENT,
    "urllib.request.urlretrieve": _ASYNC_CLIENT,
    "urllib.request.OpenerDirector.open": _ASYNC_CLIENT,
    "urllib3.request": _ASYNC_CLIENT,
    **{f"{pool}.*": _ASYNC_CLIENT for pool in _URLLIB3_POOLS},
    **_methods("http.client.HTTPConnection", ("connect", "request", "endheaders", "send", "getresponse")),
    **_methods("http.client.HTTPSConnection", ("connect", "request", "endheaders", "send", "getresponse")),
}


class BlockingHttpCall(BlockingCallRule):
    """
    ## What it does
    Finds synchronous HTTP requests made in async code: `requests` (module functions and `Session`
    methods), `httpx.get()`/`post()`/… and `httpx.Client` methods (and the same of `httpx2`),
    `urllib.request.urlopen()`, `urllib3` requests (`urllib3.request()`, any method of a
    `PoolManager`, `ProxyManager` or connection pool whose type is known) and `http.client`
    connections (`HTTPConnection`/`HTTPSConnection` `request()`/`getresponse()`), in a coroutine or
    a request handler of any of the five frameworks.

    ## Why is this bad?
    A synchronous client waits for the network on the event loop's thread. For the whole round trip
    (DNS, connect, TLS, the remote server's own latency) no other request, timer or callback runs:
    one slow upstream makes every endpoint of the service slow, and a hanging one freezes it.

    ## Example
    ```python
    import requests

    async def get_user(request, user_id):
        response = requests.get(f"https://users.internal/{user_id}", timeout=5)
        return response.json()
    ```

    ## Use instead
    ```python
    import httpx

    client = httpx.AsyncClient(timeout=5)

    async def get_user(request, user_id):
        response = await client.get(f"https://users.internal/{user_id}")
        return response.json()
    ```
    `aiohttp.ClientSession` works the same way. Where a synchronous client cannot be replaced, run
    the call in a thread: `await asyncio.to_thread(requests.get, url, timeout=5)`.

    ## Fix safety
    No automatic fix: an async client is awaited, usually shared (created once, closed on shutdown)
    and has its own API and exceptions, so the change goes beyond the call.
    """

    code = "ASY101"
    name = "blocking-http-in-async"
    framework = "asyncio"
    summary = "Synchronous HTTP request in async code blocks the event loop"
    guidelines = (
        Quote("asyncio", "Thread and Process Integration", "Use proper blocking code offloading"),
        Quote("asyncio", "File I/O", "Implement proper blocking I/O handling"),
        Quote("asyncio", "Key Principles", "Create responsive and scalable asynchronous applications"),
    )
    calls = BLOCKING_HTTP_CALLS
    exempt = NON_BLOCKING_HTTP_CALLS
    framework_replacements = {
        "aiohttp": "the application's shared `aiohttp.ClientSession` (one per app, opened and closed in `cleanup_ctx`)",
    }
    framework_quotes = {
        "aiohttp": (Quote("aiohttp", "Client-Side Development", "Create proper ClientSession usage"),),
    }
