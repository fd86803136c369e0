"""An order service on FastAPI."""

import asyncio
import time

import requests
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)


async def audit(order_id: int) -> None:
    await asyncio.sleep(0)


@app.on_event("startup")
async def warm_up() -> None:
    await asyncio.sleep(0)


@app.get("/orders/{order_id}")
async def read_order(order_id: int):
    time.sleep(0.1)
    asyncio.create_task(audit(order_id))
    return {"id": order_id}


@app.get("/rates")
async def rates():
    return requests.get("https://rates.example.com/latest", timeout=5).json()
