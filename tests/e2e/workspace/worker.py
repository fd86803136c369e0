"""A background worker with two blocking sleeps in coroutines: fixed together by fix-all on save."""

import time


async def poll(queue):
    while queue.empty():
        time.sleep(0.2)
    return await queue.get()


async def drain(queue):
    while not queue.empty():
        queue.get_nowait()
        time.sleep(0.01)
