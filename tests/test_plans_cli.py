"""CLI contract for plans (../shared/contracts.md): generate prints a valid plan as JSON;
validate puts {"valid", "errors": [{"path", "message"}]} on the last stdout line, exit 0 / 2."""
import json
import subprocess
import sys

import pytest

from core.cli import main
from core.plans import schema

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def run(capsys, *argv):
    try:
        rc = main(list(argv))
    except SystemExit as e:  # argparse refusals exit from inside main
        rc = e.code
    out, err = capsys.readouterr()
    return rc, out, err


def last_json(out: str):
    return json.loads([line for line in out.splitlines() if line.strip()][-1])


def test_generate_prints_a_valid_plan_as_the_last_line(capsys, tmp_path):
    rc, out, err = run(capsys, "plan", "generate", "--goal", "strength", "--level", "beginner", "--days", "3",
                       "--weeks", "4", "--out", str(tmp_path / "p.json"))
    assert rc == 0, err
    plan = last_json(out)
    assert set(plan) >= {"name", "goal", "level", "weeks"} and plan["goal"] == "strength"
    assert [w["week"] for w in plan["weeks"]] == [1, 2, 3, 4]
    assert all(len(w["days"]) == 3 for w in plan["weeks"])
    first = plan["weeks"][0]["days"][0]["exercises"][0]
    assert {"slug", "sets", "rest_s"} <= set(first) and ("reps" in first) != ("duration_s" in first)
    assert schema.validate(plan) == []
    assert json.loads((tmp_path / "p.json").read_text()) == plan
    rc, out2, _ = run(capsys, "plan", "generate", "--goal", "strength", "--level", "beginner", "--days", "3",
                      "--weeks", "4")
    assert out2 == out, "deterministic"
    rc, _, err = run(capsys, "plan", "generate", "--goal", "strength", "--level", "beginner", "--days", "3",
                     "--weeks", "4", "--out", str(tmp_path / "no_such_folder" / "p.json"))
    assert rc == 2 and "no_such_folder does not exist" in err


def test_generate_equipment_and_bad_inputs(capsys):
    rc, out, _ = run(capsys, "plan", "generate", "--goal", "fat_loss", "--level", "advanced", "--days", "2",
                     "--weeks", "2", "--equipment", "none", "--minutes", "30")
    assert rc == 0 and "bodyweight only" in last_json(out)["description"]
    for argv in (["--goal", "bulk"], ["--days", "8"], ["--weeks", "0"], ["--equipment", "spaceship"],
                 ["--minutes", "5"], ["--days", "three"]):
        base = {"--goal": "strength", "--level": "beginner", "--days": "3", "--weeks": "4"}
        base.update(dict(zip(argv[::2], argv[1::2])))
        rc, out, err = run(capsys, "plan", "generate", *[x for kv in base.items() for x in kv])
        assert rc == 2 and out == "" and len(err.strip().splitlines()) == 1, (argv, err)


def test_validate_good_and_bad(capsys, tmp_path):
    rc, out, _ = run(capsys, "plan", "generate", "--goal", "hypertrophy", "--level", "intermediate", "--days", "4",
                     "--weeks", "5")
    plan = last_json(out)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(plan))
    rc, out, err = run(capsys, "plan", "validate", str(good), "--json")
    assert rc == 0 and last_json(out) == {"valid": True, "errors": []}
    plan["weeks"][0]["days"][1]["exercises"][2]["sets"] = 0
    plan["weeks"][2]["week"] = 7
    plan["weeks"][4]["days"][0]["exercises"][0]["slug"] = "moonwalk"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(plan))
    rc, out, err = run(capsys, "plan", "validate", str(bad), "--json")
    result = last_json(out)
    assert rc == 2 and result["valid"] is False
    assert [e["path"] for e in result["errors"]] == ["weeks[0].days[1].exercises[2].sets", "weeks[2].week",
                                                     "weeks[4].days[0].exercises[0].slug"]
    assert all(e["message"] for e in result["errors"]) and len(err.strip().splitlines()) == 1
    rc, out, err = run(capsys, "plan", "validate", str(bad))  # for people: one line per problem
    assert rc == 2 and out.splitlines()[0].startswith("weeks[0].days[1].exercises[2].sets: ")


@pytest.mark.parametrize("content, words", [("{not json", "Not valid JSON"), (b"\xff\xfe", "UTF-8")])
def test_validate_unreadable_files_exit_2_with_one_line(capsys, tmp_path, content, words):
    f = tmp_path / "plan.json"
    f.write_bytes(content if isinstance(content, bytes) else content.encode())
    rc, out, err = run(capsys, "plan", "validate", str(f), "--json")
    assert rc == 2 and out == "" and len(err.strip().splitlines()) == 1 and words in err
    rc, out, err = run(capsys, "plan", "validate", str(tmp_path / "missing.json"), "--json")
    assert rc == 2 and "not found" in err
    rc, out, err = run(capsys, "plan", "validate", str(tmp_path), "--json")
    assert rc == 2 and "folder" in err


def test_json_that_is_not_a_plan_is_invalid_not_a_crash(capsys, tmp_path):
    f = tmp_path / "list.json"
    f.write_text("[1, 2, 3]")
    rc, out, _ = run(capsys, "plan", "validate", str(f), "--json")
    assert rc == 2 and last_json(out) == {"valid": False, "errors": [{"path": "$", "message": "a plan must be a JSON object"}]}


def test_exercises_lists_the_catalogue(capsys):
    rc, out, _ = run(capsys, "plan", "exercises", "--json")
    items = last_json(out)
    assert rc == 0 and len(items) >= 40 and {"slug", "video_exercise", "clip"} <= set(items[0])


def test_end_to_end_in_a_fresh_process(tmp_path, data_dir):
    gen = subprocess.run([sys.executable, "-m", "core", "plan", "generate", "--goal", "return_from_injury",
                          "--level", "beginner", "--days", "2", "--weeks", "6"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert gen.returncode == 0, gen.stderr
    f = tmp_path / "plan.json"
    f.write_text(gen.stdout)
    val = subprocess.run([sys.executable, "-m", "core", "plan", "validate", str(f), "--json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert val.returncode == 0 and json.loads(val.stdout.splitlines()[-1]) == {"valid": True, "errors": []}
