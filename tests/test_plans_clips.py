"""Clip stores against real servers: a local folder, an HTTP(S) server on 127.0.0.1, and an
S3 API server (moto's standalone server, started here and stopped at the end). The playlist
turns a missing clip or an unreachable store into a placeholder."""
import datetime as dt
import http.server
import ipaddress
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from core.errors import UserError
from core.plans import catalogue, clip_store, playlist
from core.plans.clip_store import ClipMissing, ClipStoreUnavailable, open_store

CLIP = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8  # bytes only: stores do not decode


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 API server on 127.0.0.1 and a free port, for this module."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("moto server exited at start")
                time.sleep(0.1)
        else:
            pytest.fail("moto server did not answer within 15 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def s3(s3_endpoint, monkeypatch):
    import boto3
    for k, v in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(k, v)
    bucket = f"clips-{time.monotonic_ns()}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=bucket)
    return open_store(f"s3://{bucket}/demo", endpoint_url=s3_endpoint)


@pytest.fixture
def http_folder(tmp_path):
    """A plain HTTP server on 127.0.0.1 serving tmp_path/www."""
    root = tmp_path / "www"
    root.mkdir()
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(root), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.RequestHandlerClass.log_message = lambda *a: None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def self_signed(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def check_store(store, put):
    """The same behaviour from every adapter."""
    put("squat.mp4", CLIP)
    put("lower/lunge.mp4", CLIP[:100])
    assert store.exists("squat.mp4") and store.exists("lower/lunge.mp4")
    assert not store.exists("pushup.mp4")
    assert store.read("squat.mp4") == CLIP and store.read("lower/lunge.mp4") == CLIP[:100]
    with pytest.raises(ClipMissing):
        store.read("pushup.mp4")
    for bad in ("../secret.mp4", "/etc/passwd", "a/../../b.mp4", "", "x y.mp4"):
        with pytest.raises(UserError):
            store.exists(bad)


def test_local_folder(tmp_path):
    store = open_store(str(tmp_path / "clips"))
    assert isinstance(store, clip_store.LocalFolderStore) and store.url("squat.mp4") is None
    check_store(store, store.put)
    assert not list((tmp_path / "clips").glob("*.part"))
    assert open_store(f"file://{tmp_path / 'clips'}").read("squat.mp4") == CLIP


def test_default_store_is_the_shipped_folder(monkeypatch):
    monkeypatch.delenv("COACHLAB_CLIPS", raising=False)
    store = open_store()
    assert store.root == clip_store.DEFAULT_CLIP_DIR.resolve()
    monkeypatch.setenv("COACHLAB_CLIPS", "https://clips.example.org/demo")
    assert open_store().url("squat.mp4") == "https://clips.example.org/demo/squat.mp4"


def test_http_url(http_folder):
    root, base = http_folder

    def put(key, data):
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        (root / key).write_bytes(data)

    store = open_store(base)
    assert isinstance(store, clip_store.HttpsStore)
    check_store(store, put)
    assert urllib.request.urlopen(store.url("squat.mp4")).read() == CLIP
    with pytest.raises(UserError, match="read-only"):
        store.put("x.mp4", b"")


def test_https_url_with_a_trusted_certificate(tmp_path, monkeypatch):
    cert, key = self_signed(tmp_path)
    root = tmp_path / "www"
    root.mkdir()
    (root / "squat.mp4").write_bytes(CLIP)
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(root), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.RequestHandlerClass.log_message = lambda *a: None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"https://127.0.0.1:{server.server_port}/"
        with pytest.raises(ClipStoreUnavailable):  # an untrusted certificate is refused
            open_store(base).read("squat.mp4")
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        store = open_store(base)
        assert store.exists("squat.mp4") and not store.exists("nope.mp4")
        assert store.read("squat.mp4") == CLIP
    finally:
        server.shutdown()
        server.server_close()


def test_unreachable_http_server_is_a_clear_error():
    store = clip_store.HttpsStore(f"http://127.0.0.1:{free_port()}/clips", timeout_s=2)
    with pytest.raises(ClipStoreUnavailable, match="Cannot reach"):
        store.exists("squat.mp4")


def test_s3_against_a_real_s3_api_server(s3):
    assert isinstance(s3, clip_store.S3Store)
    check_store(s3, s3.put)
    # The presigned link works against the server, and the prefix is applied.
    assert urllib.request.urlopen(s3.url("squat.mp4")).read() == CLIP
    assert "/demo/squat.mp4" in s3.url("squat.mp4")


def test_s3_missing_bucket_and_unreachable_server(s3_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    with pytest.raises(ClipStoreUnavailable, match="does not exist"):
        open_store("s3://no-such-bucket", endpoint_url=s3_endpoint).read("squat.mp4")
    with pytest.raises(ClipStoreUnavailable):
        open_store("s3://b", endpoint_url=f"http://127.0.0.1:{free_port()}").exists("squat.mp4")


def day():
    return [{"slug": "squat", "sets": 3, "reps": 10, "rest_s": 60},
            {"slug": "plank", "sets": 2, "duration_s": 30, "rest_s": 30, "rpe": 6},
            {"slug": "retired_move", "sets": 1, "reps": 5, "rest_s": 0}]


@pytest.mark.parametrize("backend", ["local", "s3"])
def test_playlist_in_order_with_placeholders(backend, tmp_path, request):
    store = open_store(str(tmp_path)) if backend == "local" else request.getfixturevalue("s3")
    store.put("squat.mp4", CLIP)
    items = playlist.build(day(), store)
    assert [i.slug for i in items] == ["squat", "plank", "retired_move"]
    assert [i.available for i in items] == [True, False, False]
    assert items[0].name == "Bodyweight squat" and items[0].video_exercise == "squat"
    assert items[0].prescription == "3 × 10 reps · rest 60 s"
    assert items[1].prescription == "2 × 30 s · rest 30 s · RPE 6"
    assert "not in the clip store" in items[1].placeholder and "plank.mp4" in items[1].placeholder
    assert "not in the exercise catalogue" in items[2].placeholder
    assert playlist.clip_bytes(store, items[0]) == CLIP and playlist.clip_bytes(store, items[1]) is None


def test_playlist_survives_an_unreachable_store():
    store = clip_store.HttpsStore(f"http://127.0.0.1:{free_port()}/", timeout_s=1)
    items = playlist.build(day(), store)
    assert len(items) == 3 and not any(i.available for i in items)
    assert all("cannot be loaded now" in i.placeholder for i in items[:2])


def test_shipped_clips_are_named_in_the_catalogue():
    shipped = sorted(p.name for p in clip_store.DEFAULT_CLIP_DIR.glob("*.mp4"))
    assert shipped, "some demo clips ship in data/clips"
    clips = {e.clip for e in catalogue.default().exercises}
    assert set(shipped) <= clips
    assert all(os.path.getsize(clip_store.DEFAULT_CLIP_DIR / n) < 200_000 for n in shipped)


def test_rendered_demo_clip_decodes_as_h264(tmp_path):
    import av

    from core.plans import demo_clips
    path = demo_clips.render("lunge", tmp_path / "lunge.mp4", reps=1, rep_s=1.0, fps=10, size=128)
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        assert stream.codec_context.name == "h264" and (stream.width, stream.height) == (128, 128)
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(stream)]
    assert len(frames) == 10
    assert np_diff(frames[0], frames[5]) > 1.0, "the figure moves between top and bottom of the rep"


def np_diff(a, b) -> float:
    import numpy as np
    return float(np.abs(a.astype(int) - b.astype(int)).mean())


@pytest.mark.parametrize("backend", ["local", "s3"])
def test_add_clip_checks_the_video_and_coverage_counts_it(backend, tmp_path, request):
    store = open_store(str(tmp_path)) if backend == "local" else request.getfixturevalue("s3")
    real = (clip_store.DEFAULT_CLIP_DIR / "pushup.mp4").read_bytes()
    with pytest.raises(UserError, match="not a video"):
        playlist.add_clip(store, "plank", CLIP)
    with pytest.raises(UserError, match="No catalogue exercise"):
        playlist.add_clip(store, "moonwalk", real)
    assert not store.exists("plank.mp4")
    assert playlist.add_clip(store, "plank", real) == "plank.mp4" and store.read("plank.mp4") == real
    states = {r["slug"]: r["state"] for r in playlist.coverage(store)}
    assert states["plank"] == "in store" and list(states.values()).count("in store") == 1
    assert clip_store.verify_video(real) == pytest.approx(3.2, abs=0.2)


def test_http_store_is_read_only_for_uploads(http_folder):
    _, base = http_folder
    real = (clip_store.DEFAULT_CLIP_DIR / "pushup.mp4").read_bytes()
    with pytest.raises(UserError, match="read-only"):
        playlist.add_clip(open_store(base), "plank", real)
