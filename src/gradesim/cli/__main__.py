"""``python -m gradesim.cli``."""

import sys

from gradesim.cli.app import main

sys.exit(main())
