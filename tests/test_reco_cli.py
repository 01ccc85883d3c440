"""`python -m core reco ...`: import, predict (single and batch), bad input exits 2 with one line."""
import json

import pytest

from core.cli import main
from tests.test_reco_core import GOOD, HEADER


@pytest.fixture
def history(tmp_path):
    p = tmp_path / "h.csv"
    lines = [HEADER + ",notes"]
    for d in range(1, 16):
        lines.append(f"Ana Ruiz,2026-03-{d:02d},{6 + d % 3},{1 + d % 5},{1 + (d * 2) % 5},2,2,4,0,{5 + d % 4},60,6,ok")
    lines.append("Ana Ruiz,2026-03-16,7,9,3,2,2,4,0,,,,bad")
    p.write_text("\n".join(lines) + "\n")
    return p


def _last_json(out: str):
    return json.loads(out.strip().splitlines()[-1])


def test_import_then_predict_single_and_batch(data_dir, history, tmp_path, capsys):
    assert main(["reco", "import", str(history)]) == 0
    out, err = capsys.readouterr()
    assert "Imported 15 of 16 rows" in out and "line 17" in err and "sleep_quality" in err and "notes" in err

    rc = main(["reco", "predict", "--athlete", "ana ruiz", "--checkin", json.dumps({**GOOD, "date": "2026-03-16"}),
               "--json"])
    o = _last_json(capsys.readouterr().out)
    assert rc == 0 and o["action"] in {"train", "modify", "rest"} and o["phase"] == "cold_start"
    assert o["interval_80"][0] <= o["predicted_quality"] <= o["interval_80"][1] and o["rule"] is None
    assert isinstance(o["reasons"], list) and o["reasons"]

    batch = tmp_path / "c.csv"
    batch.write_text("athlete,date,sleep_hours,sleep_quality,energy,stress,soreness,motivation,illness\n"
                     "Ana Ruiz,2026-03-16,7,3,3,2,2,4,0\nAna Ruiz,2026-03-17,7,3,3,2,2,4,1\n")
    assert main(["reco", "predict", "--checkins", str(batch), "--json"]) == 0
    lst = _last_json(capsys.readouterr().out)
    assert [(o["athlete"], o["date"]) for o in lst] == [("Ana Ruiz", "2026-03-16"), ("Ana Ruiz", "2026-03-17")]
    assert lst[1]["action"] == "rest" and lst[1]["rule"] == "illness"


@pytest.mark.parametrize("checkin,needle", [
    ({**GOOD, "sleep_hours": -3}, "sleep_hours"), ({**GOOD, "energy": 7}, "energy"),
    ({k: v for k, v in GOOD.items() if k != "stress"}, "stress"), ("not json", "not valid JSON")])
def test_predict_bad_checkin_exits_2_with_one_line(data_dir, history, capsys, checkin, needle):
    main(["reco", "import", str(history)])
    capsys.readouterr()
    arg = checkin if isinstance(checkin, str) else json.dumps(checkin)
    assert main(["reco", "predict", "--athlete", "Ana Ruiz", "--checkin", arg, "--json"]) == 2
    out, err = capsys.readouterr()
    assert len(err.strip().splitlines()) == 1 and needle in err and "Traceback" not in err


def test_unknown_athlete_and_missing_file_exit_2(data_dir, capsys, tmp_path):
    assert main(["reco", "predict", "--athlete", "Nobody", "--checkin", json.dumps(GOOD)]) == 2
    assert "Nobody" in capsys.readouterr().err
    assert main(["reco", "import", str(tmp_path / "missing.csv")]) == 2
    assert main(["reco", "fit"]) == 2  # nothing to fit yet
    assert "import a history" in capsys.readouterr().err


def test_reimport_without_an_outcome_column_keeps_the_stored_outcomes(data_dir, history, tmp_path, capsys):
    from core.actor import LOCAL_COACH
    from core.reco import store
    from tests.apptest_util import app_database
    assert main(["reco", "import", str(history)]) == 0
    lines = history.read_text().splitlines()
    cols = lines[0].split(",")
    drop = {cols.index("session_quality"), cols.index("duration_min")}
    redo = tmp_path / "no_quality.csv"  # the same days with more sleep, no session_quality / duration_min
    redo.write_text("\n".join(",".join(c for i, c in enumerate(r.split(",")) if i not in drop)
                              for r in lines[:4]).replace("Ana Ruiz,2026-03-01,7", "Ana Ruiz,2026-03-01,9") + "\n")
    assert main(["reco", "import", str(redo)]) == 0
    db = app_database()
    try:
        rows = store.checkins(db, LOCAL_COACH).set_index("day")
    finally:
        db.close()
    first = rows.iloc[0]
    assert first["sleep_hours"] == 9 and first["session_quality"] == 6  # replaced, the outcome kept
    assert rows["session_quality"].notna().sum() == 15
    db = app_database()
    try:
        from core import sessions
        ana = sessions.list_for_athlete(db, LOCAL_COACH, int(rows["athlete_id"].iloc[0]), kind="checkin")
    finally:
        db.close()
    assert len(ana) == 15 and all(s.duration_s == 3600.0 for s in ana)  # durations kept too
    packed = tmp_path / "broken.csv.gz"
    packed.write_bytes(b"\x1f\x8b" + b"not really gzip" * 10)
    assert main(["reco", "import", str(packed)]) == 2
    assert "cannot be unpacked" in capsys.readouterr().err


def test_bad_fit_settings_and_too_little_data_exit_2(data_dir, tmp_path, capsys):
    p = tmp_path / "one.csv"
    p.write_text(HEADER + "\nAna,2026-03-01,7,3,3,2,2,4,0,6,60,6\n")
    assert main(["reco", "import", str(p)]) == 0
    capsys.readouterr()
    for args, needle in [(["--chains", "0"], "chains >= 1"), (["--draws", "-1"], "draws >= 1"),
                         ([], "a fit needs at least 10")]:
        assert main(["reco", "fit", *args]) == 2
        err = capsys.readouterr().err
        assert needle in err.strip().splitlines()[-1] and len(err.strip().splitlines()) <= 3, err


def test_a_csv_field_over_the_csv_limit_exits_2(data_dir, tmp_path, capsys):
    p = tmp_path / "huge.csv"
    p.write_text(HEADER + "\n" + "A" * 200_000 + ",2026-03-01,7,3,3,2,2,4,0,6,60,6\n")
    assert main(["reco", "import", str(p)]) == 2
    assert "cannot be read" in capsys.readouterr().err


def test_a_gzipped_history_imports_and_unknown_or_nan_checkin_fields_exit_2(data_dir, history, tmp_path, capsys):
    import gzip
    packed = tmp_path / "h.csv.gz"
    packed.write_bytes(gzip.compress(history.read_bytes()))
    assert main(["reco", "import", str(packed)]) == 0
    assert "Imported 15 of 16 rows" in capsys.readouterr().out
    for checkin, needle in [({**GOOD, "hrv": 60}, "unknown field(s) hrv"),
                            ('{"sleep_hours": NaN}', "NaN, which is not a number")]:
        text = checkin if isinstance(checkin, str) else json.dumps(checkin)
        assert main(["reco", "predict", "--athlete", "Ana Ruiz", "--checkin", text]) == 2
        assert needle in capsys.readouterr().err
