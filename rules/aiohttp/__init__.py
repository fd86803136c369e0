"""aiohttp pack (`AIO…`): client sessions, responses, TLS, and aiohttp.web servers."""

from ..registry import import_pack_modules

import_pack_modules(__name__, __path__)
