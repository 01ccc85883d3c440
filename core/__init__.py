"""CoachLab domain logic. Never imports streamlit.

pylibsrtp (used by aiortc / streamlit-webrtc) must be loaded before tensorflow or
mediapipe, or the process segfaults; importing it here makes every entry point that
goes through `core` safe, whatever it imports next.
"""
import pylibsrtp  # noqa: F401  (import-order guard, see docstring)

__version__ = "0.1.0"
