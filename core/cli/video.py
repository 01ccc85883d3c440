"""`video analyze CLIP --exercise ... [--json]`: count reps, depth, tempo and faults of a clip.

The handler only prints; `run_analyze(args)` returns the VideoAnalysis (a seam for storing it).
"""
import contextlib
import math
import os
import sys

from core.cli import emit_json

EXERCISES = ("auto", "squat", "pushup", "bicep_curl", "lunge", "jumping_jack")


def register(sub):
    p = sub.add_parser("video", help="video analysis: analyze")
    cmds = p.add_subparsers(dest="cmd", required=True)
    c = cmds.add_parser("analyze", help="count reps and measure each one in a clip")
    c.add_argument("clip", help="video file (mp4, mov, webm, avi)")
    c.add_argument("--exercise", default="auto", choices=EXERCISES,
                   help="exercise in the clip; auto recognises it (default)")
    c.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="override a threshold of the exercise spec, e.g. count=120 (repeatable)")
    c.add_argument("--json", action="store_true", help="last stdout line: one JSON object")
    c.set_defaults(handler=_analyze)


def _params(pairs: list[str]) -> dict:
    from core.errors import UserError
    out = {}
    for p in pairs:
        k, sep, v = p.partition("=")
        try:
            out[k.strip()] = float(v)
        except ValueError:
            raise UserError(f"Bad --param {p!r}", "use NAME=NUMBER, e.g. count=120") from None
        if not sep or not math.isfinite(out[k.strip()]):
            raise UserError(f"Bad --param {p!r}", "use NAME=NUMBER, e.g. count=120")
    return out


@contextlib.contextmanager
def _quiet_native_logs(enabled: bool):
    """TensorFlow Lite and MediaPipe log to the process's stderr from C++; hide that (so a bad
    input still gets a one-line reason) and hand back a stream for our own progress."""
    if not enabled:
        yield sys.stderr
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("GLOG_minloglevel", "2")
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    out = os.fdopen(os.dup(saved), "w")
    try:
        yield out
    finally:
        out.flush()
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        out.close()


def run_analyze(args):
    """Analyse args.clip and return the VideoAnalysis (progress on stderr)."""
    import core  # noqa: F401  (pylibsrtp before mediapipe)
    from core.video.analyze import analyze_clip

    params = _params(args.param) or None
    with _quiet_native_logs(not getattr(args, "verbose", False)) as err:
        tty = err.isatty()
        last = [-1]
        shown = [False]

        def progress(frac, message=""):
            if not tty:  # captured output: only the result (and a one-line reason) matter
                return
            pct = int(frac * 10)
            if pct != last[0]:
                last[0] = pct
                shown[0] = True
                err.write(f"\ranalysing {args.clip}: {frac:4.0%} {message:<24}")
                err.flush()

        try:
            return analyze_clip(args.clip, args.exercise, params, progress=progress)
        finally:
            if shown[0]:
                err.write("\n")


def _analyze(args) -> int:
    result = run_analyze(args)
    if args.json:
        emit_json(result.to_json())
        return 0
    print(f"{result.exercise}: {result.reps} reps in {result.duration_s:.1f} s "
          f"({result.frames} frames, analysed in {result.processing_s:.1f} s)")
    for r in result.rep_details:
        faults = ", ".join(f["name"] for f in r["faults"]) or "-"
        print(f"  rep {r['rep']:>2} {r['start_s']:6.2f}-{r['end_s']:6.2f} s  bottom {r['bottom_s']:6.2f} s  "
              f"depth {r['depth_pct']:5.0f} %  down/pause/up {r['down_s']:.2f}/{r['pause_s']:.2f}/{r['up_s']:.2f} s  "
              f"side {r['side']}  faults: {faults}")
    for w in result.warnings:
        print(f"  note: {w}")
    return 0
