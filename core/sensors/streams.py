"""Binary streams the reader parses through: each rewinds to its start (the reader sniffs the
head, then reads from the top once more) and changes the bytes on the way, so a file is
never held whole."""
import io
from typing import BinaryIO

from core.errors import UserError

# A .csv.gz may unpack to this many times the upload limit (CSV exports pack 3-4x), so a
# small file cannot unpack to an unbounded size (a "zip bomb"): it is refused while read.
UNPACKED_FACTOR = 5
READ_BYTES = 64 * 1024


class Rewindable(io.RawIOBase):
    """A read-only stream over `inner` that seeks only back to the start (all the reader
    needs: it sniffs the head, then rewinds once to parse). Subclasses read with readinto
    and reset their own state in _rewound."""

    def __init__(self, inner, owns: bool = True):
        self._inner, self._owns = inner, owns  # owns: closing this closes `inner` too

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if (offset, whence) != (0, io.SEEK_SET):
            raise io.UnsupportedOperation("only a rewind to the start")
        self._inner.seek(0)
        self._rewound()
        return 0

    def _rewound(self) -> None:
        pass

    def close(self) -> None:
        if self._owns:
            self._inner.close()
        super().close()


class Capped(Rewindable):
    """A gzip stream that refuses to unpack more than UNPACKED_FACTOR x `limit_mb`."""

    def __init__(self, raw: BinaryIO, limit_mb: int, name: str):
        super().__init__(raw)
        self._limit_mb, self._name = limit_mb, name
        self._cap = UNPACKED_FACTOR * limit_mb * 1024 * 1024
        self._given = 0

    def readinto(self, buffer) -> int:
        n = self._inner.readinto(buffer)
        self._given += n
        if self._given > self._cap:
            raise UserError(f"{self._name} unpacks to more than {UNPACKED_FACTOR * self._limit_mb} MB of CSV "
                            f"({UNPACKED_FACTOR} x the upload limit of {self._limit_mb} MB).",
                            "split the recording into shorter files")
        return n

    def _rewound(self) -> None:
        self._given = 0


class Utf8From(Rewindable):
    """A binary stream of another encoding's text, read as UTF-8 bytes piece by piece (so a
    large UTF-16 file is never decoded whole)."""

    def __init__(self, raw: BinaryIO, encoding: str):
        super().__init__(io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline=""))
        self._pending = b""

    def readinto(self, buffer) -> int:
        while len(self._pending) < len(buffer):
            text = self._inner.read(READ_BYTES)
            if not text:
                break
            self._pending += text.encode("utf-8")
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _rewound(self) -> None:
        self._pending = b""


class Translated(Rewindable):
    """A binary stream with one byte put for another throughout (a record terminator made a
    line end: WISDM's `...,10.227567;`)."""

    def __init__(self, raw: BinaryIO, table: bytes):
        super().__init__(raw)
        self._table = table

    def readinto(self, buffer) -> int:
        n = self._inner.readinto(buffer)
        buffer[:n] = bytes(buffer[:n]).translate(self._table)
        return n
