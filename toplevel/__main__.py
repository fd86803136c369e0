"""``python -m asyncguide``: the ``asyncguide`` command, for when its script is not on ``PATH``."""

import sys

from asyncguide.server.cli import main

sys.exit(main())
