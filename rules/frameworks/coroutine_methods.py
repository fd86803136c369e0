"""Coroutine methods known by their name alone, in a module that imports their library (no rule here).

The un-awaited coroutine checks (``asyncio.unawaited_coroutine.coroutine_callee``) know most
coroutine methods by their receiver's type. Sockets kept in an application dict or a set and
cursors made by a chain of calls have no type the model follows; these tables name the methods
that, in a coroutine of a module importing the library, can only be that library's coroutine:
no other library such a module uses has a plain method of that name. Names that are ambiguous
stay out (``send_bytes``: ``multiprocessing.connection.Connection``; ``send_json``: pyzmq's
``Socket``; ``close``; pandas' ``Series.to_list``, which is why ``to_list`` counts only on a cursor
a collection method made).
"""

from __future__ import annotations

#: top-level module a module imports -> method name -> the coroutine method, for messages
UNAMBIGUOUS_COROUTINE_METHODS: dict[str, dict[str, str]] = {
    # WebSocketResponse and ClientWebSocketResponse; no other library has a ``send_str``
    "aiohttp": {"send_str": "aiohttp.web.WebSocketResponse.send_str"},
}

#: Motor: the cursor method that is a coroutine, and the collection methods that make a cursor
MOTOR_MODULE = "motor"
MOTOR_CURSOR_COROUTINES = {"to_list": "motor.motor_asyncio.AsyncIOMotorCursor.to_list"}
MOTOR_CURSOR_FACTORIES = frozenset({"find", "aggregate", "list_indexes", "list_collections", "watch"})
