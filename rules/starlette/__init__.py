"""Starlette and FastAPI pack (`STA…`): mistakes in ASGI apps built on Starlette, FastAPI included."""

from ..registry import import_pack_modules

import_pack_modules(__name__, __path__)
