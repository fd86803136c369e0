"""A feed refresher on plain asyncio: downloads feeds, converts their images, keeps the results."""

import asyncio
import subprocess
import time

import requests


async def fetch_feed(url):
    response = requests.get(url, timeout=10)
    return response.text


async def convert(path):
    subprocess.run(["convert", path, path + ".png"], check=True)


async def refresh(urls):
    for url in urls:
        asyncio.create_task(fetch_feed(url))
    time.sleep(1)


async def main(urls):
    fetch_feed(urls[0])
    await refresh(urls)


if __name__ == "__main__":
    asyncio.run(main(["https://example.com/feed.xml"]))
