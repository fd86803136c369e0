"""A chat room on Tornado."""

import asyncio

import tornado.web
from tornado.httpclient import HTTPClient


class HistoryHandler(tornado.web.RequestHandler):
    async def get(self):
        client = HTTPClient()
        response = client.fetch("https://history.example.com/messages")
        self.write([response.body])

    def pots(self):
        self.set_status(405)


class LoginHandler(tornado.web.RequestHandler):
    def post(self):
        self.set_secure_cookie("user", self.get_argument("name"))


def make_app():
    return tornado.web.Application([(r"/history", HistoryHandler), (r"/login", LoginHandler)])


async def main():
    make_app().listen(8888)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
