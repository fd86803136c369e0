"""Sanic pack (`SAN…`): mistakes Sanic reports only at start-up or request time, and security settings."""

from ..registry import import_pack_modules

import_pack_modules(__name__, __path__)
