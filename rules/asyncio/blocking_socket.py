from __future__ import annotations

import ast

from ..blocking import BlockingCallRule, has_flag
from ..guidelines import Quote
from ..model import SemanticModel, argument

_RESOLVE = "`await loop.getaddrinfo()` (`loop = asyncio.get_running_loop()`)"
_REVERSE = "`await loop.getnameinfo()` (`loop = asyncio.get_running_loop()`)"

#: qualified call -> the async replacement. Methods of ``socket.socket`` match on known socket
#: instances: ``socket.socket(...)``, ``socket.create_connection(...)``, annotated parameters.
BLOCKING_SOCKET_CALLS: dict[str, str] = {
    "socket.getaddrinfo": _RESOLVE,
    "socket.gethostbyname": _RESOLVE,
    "socket.gethostbyname_ex": _RESOLVE,
    "socket.gethostbyaddr": _REVERSE,
    "socket.getnameinfo": _REVERSE,
    "socket.getfqdn": _REVERSE,
    "socket.create_connection": "`await asyncio.open_connection()`",
    "socket.socket.connect": "`await loop.sock_connect()` or `await asyncio.open_connection()`",
    "socket.socket.connect_ex": "`await loop.sock_connect()` or `await asyncio.open_connection()`",
    "socket.socket.accept": "`await loop.sock_accept()` or `asyncio.start_server()`",
    "socket.socket.recv": "`await loop.sock_recv()` or an `asyncio.StreamReader`",
    "socket.socket.recv_into": "`await loop.sock_recv_into()` or an `asyncio.StreamReader`",
    "socket.socket.recvfrom": "`await loop.sock_recvfrom()` or a datagram endpoint",
    "socket.socket.send": "`await loop.sock_sendall()` or an `asyncio.StreamWriter`",
    "socket.socket.sendall": "`await loop.sock_sendall()` or an `asyncio.StreamWriter`",
    "socket.socket.sendto": "`await loop.sock_sendto()` or a datagram endpoint",
}

#: socket methods that make it non-blocking when given ``False``/``0``
_NON_BLOCKING_SETTERS = ("setblocking", "settimeout")
#: methods that send nothing on a datagram (UDP) socket: ``connect()`` only sets the default
#: peer, after a local route lookup
_LOCAL_ON_DATAGRAM = ("connect", "connect_ex")


class BlockingSocket(BlockingCallRule):
    """
    ## What it does
    Finds synchronous DNS lookups and socket I/O in async code: `socket.getaddrinfo()`,
    `gethostbyname()` and the other resolver functions, `socket.create_connection()`, and the
    `connect()`, `accept()`, `recv()`, `send()`/`sendall()` (and related) methods of a
    `socket.socket`, in a coroutine or a request handler.

    A socket the module makes non-blocking (`sock.setblocking(False)` or `sock.settimeout(0)` on the
    same name) is not reported: its calls return at once. Nor is `connect()` on a datagram socket
    (`socket.socket(AF_INET, SOCK_DGRAM)`): it sends nothing, it only sets the default peer.

    ## Why is this bad?
    A blocking socket call waits for the network on the event loop's thread, and the resolver
    functions wait for DNS, which can take seconds when a nameserver is slow or unreachable. The
    whole server stalls meanwhile.

    ## Example
    ```python
    import socket

    async def check_backend(host, port):
        address = socket.gethostbyname(host)
        with socket.create_connection((address, port), timeout=2) as connection:
            connection.sendall(b"PING")
            return connection.recv(64)
    ```

    ## Use instead
    ```python
    import asyncio

    async def check_backend(host, port):
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout=2)
        writer.write(b"PING")
        await writer.drain()
        reply = await reader.read(64)
        writer.close()
        await writer.wait_closed()
        return reply
    ```
    For a raw socket, set it non-blocking and use the loop's `sock_*` coroutines
    (`await loop.sock_connect(sock, address)`, `await loop.sock_recv(sock, 64)`); for DNS,
    `await loop.getaddrinfo(host, port)`.

    ## Fix safety
    No automatic fix: streams and the loop's socket coroutines need the socket to be non-blocking and
    change how the connection is opened, read and closed.
    """

    code = "ASY104"
    name = "blocking-socket-in-async"
    framework = "asyncio"
    summary = "Synchronous DNS lookup or socket I/O in async code blocks the event loop"
    guidelines = (
        Quote("asyncio", "Network Programming", "Create proper DNS resolution"),
        Quote("asyncio", "Network Programming", "Create proper TCP servers/clients"),
        Quote("asyncio", "Streams and Protocols", "Use proper stream readers/writers"),
        Quote("asyncio", "Key Principles", "Create responsive and scalable asynchronous applications"),
    )
    calls = BLOCKING_SOCKET_CALLS

    def clears(self, node: ast.Call, model: SemanticModel) -> bool:
        if isinstance(node.func, ast.Attribute) and _made_non_blocking(node.func.value, model):
            return True
        if isinstance(node.func, ast.Attribute) and node.func.attr in _LOCAL_ON_DATAGRAM and _datagram(node.func.value, model):
            return True
        return model.qualified_name(node.func) == "socket.getaddrinfo" and _numeric_only(node, model)


def _numeric_only(call: ast.Call, model: SemanticModel) -> bool:
    """True for ``getaddrinfo(..., flags=socket.AI_NUMERICHOST)``: it parses the address, no lookup."""
    flags = argument(call, 5, "flags")
    return flags is not None and has_flag(flags, "socket.AI_NUMERICHOST", model)


def _made_non_blocking(sock: ast.expr, model: SemanticModel) -> bool:
    """True when the module calls ``setblocking(False)`` or ``settimeout(0)`` on this very socket."""
    identity = _socket_identity(sock, model)
    if identity is None or model.instance_type(sock) != "socket.socket":
        return False
    for call in model.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr in _NON_BLOCKING_SETTERS):
            continue
        value = argument(call, 0)
        if isinstance(value, ast.Constant) and value.value == 0 and _socket_identity(func.value, model) == identity:
            return True
    return False


def _datagram(sock: ast.expr, model: SemanticModel) -> bool:
    """True when the name is bound only to ``socket.socket(..., SOCK_DGRAM)`` sockets (and ``None``)
    in its scope."""
    if not isinstance(sock, ast.Name):
        return False
    binding = model.lookup(sock.id, sock)
    if binding is None:
        return False
    made = []
    for each in binding.scope.bindings.get(sock.id, ()):
        if isinstance(each.value, ast.Constant) and each.value.value is None:
            continue
        if not (isinstance(each.value, ast.Call) and model.qualified_name(each.value.func) == "socket.socket"):
            return False
        made.append(each.value)
    return bool(made) and all(_datagram_type(call, model) for call in made)


def _datagram_type(call: ast.Call, model: SemanticModel) -> bool:
    kind = argument(call, 1, "type")
    return kind is not None and has_flag(kind, "socket.SOCK_DGRAM", model)


def _socket_identity(expr: ast.expr, model: SemanticModel) -> tuple[str, int] | tuple[str, int, str] | None:
    """What a socket expression refers to, comparable across uses: a name's binding, or ``self.<attr>``
    of one class."""
    if isinstance(expr, ast.Name):
        binding = model.lookup(expr.id, expr)
        return ("binding", id(binding)) if binding is not None else None
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        function = model.enclosing_function(expr)
        if function is None or function.class_info is None:
            return None
        parameters = function.node.args.posonlyargs + function.node.args.args
        if parameters and parameters[0].arg == expr.value.id:
            return ("attribute", id(function.class_info), expr.attr)
    return None
