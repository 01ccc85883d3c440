"""Where demo clips live: one small interface, three adapters (local folder, HTTPS URL, S3).

    store = open_store("data/clips")                 # local folder (the default)
    store = open_store("https://cdn.example.org/clips/")
    store = open_store("s3://bucket/prefix", endpoint_url="http://127.0.0.1:9000")

Every adapter answers `exists(key)`, `read(key) -> bytes` and `url(key)`; `put` adds a clip
where the backend allows it. A clip that is not there raises `ClipMissing`; a backend that
cannot be reached raises `ClipStoreUnavailable` (both UserErrors), so callers such as the
playlist can turn either into a placeholder instead of failing.
"""
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from pathlib import Path

from core import config
from core.errors import NotFound, UserError

DEFAULT_CLIP_DIR = config.PROJECT_ROOT / "data" / "clips"
MAX_CLIP_BYTES = 50 * 1024 * 1024
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,299}$")


class ClipMissing(NotFound):
    """No clip under this key."""


class ClipStoreUnavailable(UserError):
    """The storage backend could not be reached or refused the request."""


def check_key(key: str) -> str:
    """Keys are relative names such as `squat.mp4` or `lower/squat.mp4` (no `..`, no leading /)."""
    if not isinstance(key, str) or not _KEY.match(key) or ".." in key.split("/"):
        raise UserError(f"Not a clip name: {key!r}", "use letters, digits, '.', '_', '-' and '/' only")
    return key


class ClipStore(ABC):
    kind: str = ""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def read(self, key: str) -> bytes: ...

    @abstractmethod
    def url(self, key: str) -> str | None:
        """Where a browser can fetch the clip, or None when only `read` can."""

    def put(self, key: str, data: bytes) -> None:
        raise UserError(f"The {self.kind} clip store is read-only.", "add clips where the store is hosted")

    @abstractmethod
    def describe(self) -> str: ...


class LocalFolderStore(ClipStore):
    kind = "local"

    def __init__(self, root: Path | str):
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def read(self, key: str) -> bytes:
        path = self._path(key)
        if not path.is_file():
            raise ClipMissing(f"Demo clip {key} is not in {self.root}.")
        try:
            return path.read_bytes()
        except OSError as e:
            raise ClipStoreUnavailable(f"Cannot read {path}: {e.strerror}.")

    def url(self, key: str) -> str | None:
        return None

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)  # never a half-written clip under the real name

    def describe(self) -> str:
        return f"folder {self.root}"


class HttpsStore(ClipStore):
    """Clips under a base URL (read-only). https:// in production; http:// is accepted for a
    local server."""
    kind = "https"

    def __init__(self, base_url: str, timeout_s: float = 5.0):
        if not base_url.startswith(("https://", "http://")):
            raise UserError(f"Not an HTTP(S) URL: {base_url!r}")
        self.base = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout_s = timeout_s

    def url(self, key: str) -> str:
        return self.base + urllib.parse.quote(check_key(key))

    def _open(self, key: str, method: str):
        req = urllib.request.Request(self.url(key), method=method, headers={"User-Agent": "CoachLab"})
        try:
            return urllib.request.urlopen(req, timeout=self.timeout_s)
        except urllib.error.HTTPError as e:
            if e.code in (404, 410):
                raise ClipMissing(f"Demo clip {key} is not at {self.base}.")
            raise ClipStoreUnavailable(f"{self.base} answered {e.code} for {key}.")
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise ClipStoreUnavailable(f"Cannot reach {self.base}: {reason}.")

    def exists(self, key: str) -> bool:
        try:
            with self._open(key, "HEAD"):
                return True
        except ClipMissing:
            return False

    def read(self, key: str) -> bytes:
        with self._open(key, "GET") as resp:
            data = resp.read(MAX_CLIP_BYTES + 1)
        if len(data) > MAX_CLIP_BYTES:
            raise UserError(f"Demo clip {key} is larger than {MAX_CLIP_BYTES // 2**20} MB.")
        return data

    def describe(self) -> str:
        return self.base


class S3Store(ClipStore):
    """Clips in an S3-compatible bucket (AWS, MinIO, Ceph...) through boto3.

    Credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID... or a profile);
    `endpoint_url` points at a non-AWS server."""
    kind = "s3"

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, client=None):
        import boto3
        from botocore.config import Config
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.endpoint_url = endpoint_url
        self.client = client or boto3.client(
            "s3", endpoint_url=endpoint_url, region_name=region or os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
            config=Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 2}))

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _unavailable(self, e: Exception, key: str) -> UserError:
        from botocore.exceptions import ClientError
        if isinstance(e, ClientError):
            code = str(e.response.get("Error", {}).get("Code", ""))
            if code in ("404", "NoSuchKey", "NotFound"):
                return ClipMissing(f"Demo clip {key} is not in {self.describe()}.")
            if code == "NoSuchBucket":
                return ClipStoreUnavailable(f"The bucket {self.bucket} does not exist.")
            return ClipStoreUnavailable(f"{self.describe()} refused {key}: {code}.")
        return ClipStoreUnavailable(f"Cannot reach {self.describe()}: {e}.")

    def exists(self, key: str) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            return True
        except (ClientError, BotoCoreError) as e:
            err = self._unavailable(e, key)
            if isinstance(err, ClipMissing):
                return False
            raise err

    def read(self, key: str) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError
        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
            if obj.get("ContentLength", 0) > MAX_CLIP_BYTES:
                raise UserError(f"Demo clip {key} is larger than {MAX_CLIP_BYTES // 2**20} MB.")
            return obj["Body"].read()
        except (ClientError, BotoCoreError) as e:
            raise self._unavailable(e, key)

    def url(self, key: str) -> str | None:
        """A presigned GET link valid for one hour."""
        return self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": self._key(key)}, ExpiresIn=3600)

    def put(self, key: str, data: bytes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, ContentType="video/mp4")
        except (ClientError, BotoCoreError) as e:
            raise self._unavailable(e, key)

    def describe(self) -> str:
        where = f" at {self.endpoint_url}" if self.endpoint_url else ""
        return f"s3://{self.bucket}/{self.prefix}{where}"


def verify_video(data: bytes, name: str = "clip") -> float:
    """Check that `data` is a video PyAV can decode (at least one frame); returns its length (s).
    Raises UserError otherwise, so nothing unplayable lands in the store."""
    import io

    import av
    if len(data) > MAX_CLIP_BYTES:
        raise UserError(f"{name} is larger than {MAX_CLIP_BYTES // 2**20} MB.", "trim or compress the clip")
    try:
        with av.open(io.BytesIO(data)) as container:
            if not container.streams.video:
                raise UserError(f"{name} has no video track.", "upload an MP4 or WebM video")
            stream = container.streams.video[0]
            next(container.decode(stream))
            seconds = float(stream.duration * stream.time_base) if stream.duration else \
                (container.duration or 0) / 1e6
    except (av.FFmpegError, StopIteration, ValueError):
        raise UserError(f"{name} is not a video that can be played.", "upload an MP4 or WebM video")
    return seconds


def open_store(spec: str | None = None, endpoint_url: str | None = None) -> ClipStore:
    """The clip store named by `spec` (default: COACHLAB_CLIPS, else the shipped data/clips).

    `s3://bucket/prefix` (endpoint from COACHLAB_S3_ENDPOINT_URL when not given),
    `https://host/path/`, or a folder path (`file://` optional)."""
    spec = (spec or os.environ.get("COACHLAB_CLIPS") or str(DEFAULT_CLIP_DIR)).strip()
    if spec.startswith("s3://"):
        bucket, _, prefix = spec[5:].partition("/")
        if not bucket:
            raise UserError(f"No bucket in {spec!r}", "write s3://bucket/prefix")
        return S3Store(bucket, prefix, endpoint_url or os.environ.get("COACHLAB_S3_ENDPOINT_URL") or None)
    if spec.startswith(("https://", "http://")):
        return HttpsStore(spec)
    return LocalFolderStore(spec.removeprefix("file://"))
