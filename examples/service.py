"""A small Starlette service with mistakes asyncguide finds."""
import asyncio
import time

import requests
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def slow_status(request):
    time.sleep(1)
    upstream = requests.get("https://example.invalid/health")
    asyncio.create_task(refresh_cache())
    return JSONResponse({"ok": upstream.ok})


async def refresh_cache():
    await asyncio.sleep(0)


app = Starlette(routes=[Route("/status", slow_status)])
