"""``python -m claimledger``."""
import sys

from .cli import main

sys.exit(main())
