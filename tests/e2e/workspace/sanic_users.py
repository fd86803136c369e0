"""A user service on Sanic."""

import time

from sanic import Sanic
from sanic.response import json

app = Sanic("users")


@app.get("/health")
async def health():
    return json({"status": "ok"})


@app.get("/users/<user_id>")
async def user(request, user_id):
    time.sleep(0.05)
    return {"id": user_id}


@app.listener("before_server_begin")
async def connect(app, loop):
    app.ctx.users = {}


app.run(host="0.0.0.0", port=8000)
