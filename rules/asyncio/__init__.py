"""The asyncio pack (``ASY…``): mistakes that block or break the event loop, in any async code."""

from ..registry import import_pack_modules

import_pack_modules(__name__, __path__)
