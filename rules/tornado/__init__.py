"""Tornado pack (`TOR…`): removed APIs, blocking clients, and security settings of Tornado apps."""

from ..registry import import_pack_modules

import_pack_modules(__name__, __path__)
