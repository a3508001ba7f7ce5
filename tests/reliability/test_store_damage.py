"""A damaged sweep store is repaired bit-identically or refused with one line; never exit 0 with other data."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from gradesim.cli import main
from gradesim.sweeps.integrity import StoreDamagedError, StoreMismatchError
from gradesim.sweeps.store_check import verify_store
from tests.reliability.conftest import small_sweep

DATA_ARRAYS = [
    "kind",
    "position_m",
    "speed_mps",
    "time_s",
    "max_speed_mps",
    "max_brake_temp_K",
    "impact_speed_mps",
    "ramp",
    "ramp_entry_speed_mps",
    "n_steps",
    "trace_speed_mps",
]


def chunk_files(store, name):
    return sorted(p for p in (store / name).iterdir() if not p.name.startswith("."))


def delete(p):
    p.unlink()


def garbage(p):
    p.write_bytes(b"\x00garbage" * 7)


def truncate(p):
    p.write_bytes(p.read_bytes()[: max(1, p.stat().st_size // 2)])


def flip_byte(p):
    b = bytearray(p.read_bytes())
    b[len(b) // 2] ^= 0x40
    p.write_bytes(bytes(b))


DAMAGE = {"deleted": delete, "garbage": garbage, "truncated": truncate, "flipped byte": flip_byte}


def rerun_identical(store, reference):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = small_sweep(store)
    assert res.outcomes.identical(reference)
    assert verify_store(store).ok
    return res, [str(w.message) for w in caught]


@pytest.mark.parametrize("how", list(DAMAGE))
@pytest.mark.parametrize("name", DATA_ARRAYS)
def test_any_damaged_data_chunk_is_found_and_recomputed_bit_identically(store_copy, reference, name, how):
    files = chunk_files(store_copy, name)
    victim = files[len(files) // 2]
    DAMAGE[how](victim)
    rep = verify_store(store_copy)
    assert not rep.ok and all(line.startswith("chunk ") for line in rep.problems), rep.problems
    res, messages = rerun_identical(store_copy, reference)
    assert res.computed_chunks  # something was recomputed ...
    assert len(res.computed_chunks) < 6  # ... but not everything
    assert any("recomputing" in m and "damaged chunk" in m for m in messages)


def test_every_chunk_of_one_variable_deleted_at_once(store_copy, reference):
    for p in chunk_files(store_copy, "speed_mps"):
        p.unlink()
    assert len(verify_store(store_copy).problems) == 6
    res, _ = rerun_identical(store_copy, reference)
    assert sorted(res.computed_chunks) == list(range(6))


def test_a_lost_done_flag_only_costs_a_recomputation(store_copy, reference):
    chunk_files(store_copy, "_done")[2].unlink()
    rep = verify_store(store_copy)
    assert rep.ok and rep.n_done == 5  # not damage: an unfinished chunk
    res, _ = rerun_identical(store_copy, reference)
    assert res.computed_chunks == [2]


def test_garbage_done_flag_is_recomputed(store_copy, reference):
    garbage(chunk_files(store_copy, "_done")[1])
    res, _ = rerun_identical(store_copy, reference)
    assert res.computed_chunks == [1]


@pytest.mark.parametrize("what", [".zarray of an outcome", ".zattrs of the store", "an input's values"])
def test_damaged_metadata_is_refused_in_one_line(store_copy, what):
    if what == ".zarray of an outcome":
        (store_copy / "speed_mps" / ".zarray").write_text("{broken")
    elif what == ".zattrs of the store":
        (store_copy / ".zattrs").write_text("\x00\x01 not json")
    else:
        inputs = sorted(p for p in store_copy.iterdir() if p.name.startswith("truck.gross_weight"))
        chunk_files(store_copy, inputs[0].name)[0].write_bytes(b"junk")
    with pytest.raises(StoreDamagedError) as info:
        small_sweep(store_copy)
    msg = str(info.value)
    assert "\n" not in msg and str(store_copy) in msg and "delete it to start over" in msg
    assert not verify_store(store_copy).ok


def test_cli_verify_reports_one_line_per_problem_and_exit_codes(store_copy, capsys):
    assert main(["sweep", "--verify", str(store_copy)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "complete" in out[0] and "matches its checksum" in out[0]
    chunk_files(store_copy, "kind")[0].unlink()
    garbage(chunk_files(store_copy, "time_s")[3])
    assert main(["sweep", "--verify", str(store_copy)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 3
    assert "chunk 0 (scenarios 0-15)" in out[0] and "chunk 3 (scenarios 48-63)" in out[1]
    assert "2 problem(s)" in out[2]


def test_cli_verify_of_a_missing_or_foreign_folder_is_one_line(tmp_path, capsys):
    assert main(["sweep", "--verify", str(tmp_path / "nope.zarr")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    (tmp_path / "plain").mkdir()
    assert main(["sweep", "--verify", str(tmp_path / "plain")]) == 1
    assert "not a gradesim sweep store" in capsys.readouterr().out


def test_a_folder_that_is_not_a_store_is_refused(tmp_path):
    (tmp_path / "s.zarr").mkdir()
    (tmp_path / "s.zarr" / "notes.txt").write_text("mine")
    with pytest.raises(StoreMismatchError, match="not a gradesim sweep store"):
        small_sweep(tmp_path / "s.zarr")
    assert (tmp_path / "s.zarr" / "notes.txt").read_text() == "mine"


def test_the_store_attributes_record_format_and_template_checksums(finished_store):
    attrs = json.loads((finished_store / ".zattrs").read_text())
    assert attrs["store_format"] == 2 and attrs["design_shape"] == [96]
    assert "truck.gross_weight" in attrs["template_checksums"]
    done = np.array([json.loads((finished_store / "_done" / ".zarray").read_text())["shape"]])
    assert done.tolist() == [[6]]
