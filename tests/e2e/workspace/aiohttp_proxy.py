"""A small proxy on aiohttp."""

import aiohttp
from aiohttp import web


async def upstream(request):
    async with aiohttp.ClientSession() as session:
        async with session.get("https://api.example.com/items", ssl=False) as response:
            return web.json_response(await response.json())


def health(request):
    return web.Response(text="ok")


async def item(request):
    if request.match_info["name"] == "missing":
        return web.HTTPNotFound()
    return web.Response(text=request.match_info["name"])


app = web.Application()
app.router.add_get("/items", upstream)
app.router.add_get("/health", health)
app.router.add_get("/items/<name>", item)

if __name__ == "__main__":
    web.run_app(app)
