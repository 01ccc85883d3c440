"""`python -m core ...`: the CoachLab command line."""
import core  # noqa: F401  (first: loads pylibsrtp before any tensorflow/mediapipe import)
from core.cli import main

raise SystemExit(main())
