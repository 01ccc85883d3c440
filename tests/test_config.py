"""Settings read from the environment."""
import pytest

from core import config
from core.errors import UserError


def test_upload_limit_defaults_to_500_mb_and_reads_the_environment(monkeypatch):
    monkeypatch.delenv("COACHLAB_UPLOAD_LIMIT_MB", raising=False)
    assert config.upload_limit_mb() == 500
    monkeypatch.setenv("COACHLAB_UPLOAD_LIMIT_MB", " 25 ")
    assert config.upload_limit_mb() == 25


@pytest.mark.parametrize("raw", ["abc", "0", "-3", "1.5", "²", "٥٠٠"])
def test_a_bad_upload_limit_is_refused_with_its_value(monkeypatch, raw):
    monkeypatch.setenv("COACHLAB_UPLOAD_LIMIT_MB", raw)
    with pytest.raises(UserError, match=f"not '{raw}'"):
        config.upload_limit_mb()
