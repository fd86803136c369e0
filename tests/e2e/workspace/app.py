"""A small Starlette service with one mistake: a blocking sleep in a request handler."""

import time

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def health(request):
    time.sleep(0.5)  # give the cache a moment to warm up
    return JSONResponse({"status": "ok"})


app = Starlette(routes=[Route("/health", health)])
