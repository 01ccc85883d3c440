"""Command line. Each module in this package with a `register(subparsers)` adds a command
group (`db`, `demo`, `video`, `steps`, `reco`, `plan`...); handlers return an exit code.

Contract (../shared/contracts.md): with --json the last stdout line is one JSON document;
bad input exits 2 with a one-line reason on stderr, never a traceback.
"""
import argparse
import importlib
import json
import logging
import pkgutil
import sys

from core.errors import UserError

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line instead of usage + error
        sys.stderr.write(f"{self.prog}: {message} (see --help)\n")
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m core", description="CoachLab command line")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="group", required=True, parser_class=_Parser)
    for mod in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{mod.name}")
        if hasattr(module, "register"):
            module.register(sub)
    return parser


def emit_json(obj) -> None:
    """Print `obj` as the single JSON document on the last stdout line."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def fail(message: str) -> int:
    sys.stderr.write(message.strip().splitlines()[0] + "\n")
    return EXIT_BAD_INPUT


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        return int(args.handler(args) or 0)
    except UserError as e:
        return fail(str(e))
    except FileNotFoundError as e:
        return fail(f"File not found: {e.filename}")
    except IsADirectoryError as e:
        return fail(f"Expected a file, got a folder: {e.filename}")
    except PermissionError as e:
        return fail(f"Permission denied: {e.filename}")
    except FileExistsError as e:
        return fail(f"Expected a folder, got a file: {e.filename}")
    except NotADirectoryError as e:
        return fail(f"Not a folder: {e.filename} (a file stands where a folder is needed)")
    except OSError as e:  # a full disk, a read-only file system...
        return fail(f"{e.strerror or e}: {e.filename}" if e.filename else str(e))
    except KeyboardInterrupt:
        return fail("Interrupted; nothing half-written was kept.")
