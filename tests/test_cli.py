"""The command line: exit codes 0 ok, 1 invalid input, 2 usage; outputs written atomically."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import pcimg
from pcimg.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kodim23.png"


def test_encode_info_decode_round_trip(tmp_path, capsys):
    out = tmp_path / "p.pci"
    assert (
        main(["encode", str(EXAMPLE), "-o", str(out), "--max-bytes", "300", "--prompt", "parrots", "--seed", "5"]) == 0
    )
    assert len(out.read_bytes()) <= 300
    assert main(["info", "--json", str(out)]) == 0
    [info] = json.loads(capsys.readouterr().out.split("\n", 1)[1])  # always a list
    assert info["prompt"]["text"] == "parrots" and info["seed"] == 5 and info["file_size"] <= 300
    png, side = tmp_path / "p.png", tmp_path / "side.png"
    assert main(["decode", str(out), "-o", str(png), "--size", "200x100", "--compare", str(side), "--original",
                 str(EXAMPLE)]) == 0  # fmt: skip
    with Image.open(png) as decoded, Image.open(side) as compared:
        assert decoded.size == (200, 100) and compared.size == (400, 124)


def test_info_readable_lists_every_part(capsys):
    assert main(["info", str(ROOT / "spec" / "vectors" / "valid" / "all-parts.pci")]) == 0
    text = capsys.readouterr().out
    for word in ("generator: pcimg/parametric", "controlnet", "recipe:", "descriptor: kind 1", "prompt (",
                 "encoder:", "digest:", "source:", "metadata: creator", "part sizes:"):  # fmt: skip
        assert word in text


def test_invalid_input_exits_1_with_message(tmp_path, capsys):
    bad = tmp_path / "bad.pci"
    bad.write_bytes(b"not a pci file at all")
    assert main(["info", str(bad)]) == 1
    assert "bad signature (field signature, offset 0)" in capsys.readouterr().err
    assert main(["decode", str(bad), "-o", str(tmp_path / "x.png")]) == 1
    assert not (tmp_path / "x.png").exists()


def test_validate_verdicts(capsys):
    valid = sorted((ROOT / "spec" / "vectors" / "valid").glob("*.pci"))
    assert main(["validate", *map(str, valid)]) == 0
    invalid = sorted((ROOT / "spec" / "vectors" / "invalid").glob("*.pci"))
    assert main(["validate", *map(str, invalid)]) == 1
    assert f"0 valid, {len(invalid)} invalid" in capsys.readouterr().out


def test_decode_verify_checks_the_digest(tmp_path):
    out = tmp_path / "d.pci"
    assert main(["encode", str(EXAMPLE), "-o", str(out), "--digest", "--max-bytes", "400"]) == 0
    assert main(["decode", str(out), "-o", str(tmp_path / "d.png"), "--verify"]) == 0
    pci = pcimg.read(out)
    pcimg.save(pci.replace(digest=pcimg.DecodeDigest("sha256-rgb8", bytes(8))), out)
    assert main(["decode", str(out), "-o", str(tmp_path / "e.png"), "--verify"]) == 1


def test_batch_encode_into_a_folder(tmp_path):
    sources = []
    for i in range(3):
        path = tmp_path / f"in{i}.png"
        Image.open(EXAMPLE).resize((96, 64)).save(path)
        sources.append(str(path))
    assert main(["encode", *sources, "-o", str(tmp_path / "out") + "/", "--max-bytes", "200"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["in0.pci", "in1.pci", "in2.pci"]


def test_unwritable_output_exits_1_without_traceback(tmp_path, capsys):
    source = ROOT / "spec" / "vectors" / "valid" / "grey.pci"
    assert main(["decode", str(source), "-o", str(tmp_path / "new" / "x.png")]) == 0  # a missing folder is made
    (tmp_path / "blocker").write_text("a file, not a folder")
    assert main(["decode", str(source), "-o", str(tmp_path / "blocker" / "x.png")]) == 1
    err = capsys.readouterr().err
    assert "blocker" in err and "Traceback" not in err


def test_usage_errors_exit_2():
    result = subprocess.run([sys.executable, "-m", "pcimg", "frobnicate"], capture_output=True, text=True)
    assert result.returncode == 2
    with pytest.raises(SystemExit) as err:
        main(["decode", "x.pci", "--size", "big"])
    assert err.value.code == 2


def test_outputs_that_are_not_regular_files_are_written_through(tmp_path, capsys):
    example = ROOT / "examples" / "kodim23.png"
    real = tmp_path / "real.pci"
    real.write_bytes(b"old")
    link = tmp_path / "link.pci"
    link.symlink_to(real)
    assert main(["encode", str(example), "-o", str(link), "--max-bytes", "200"]) == 0
    assert link.is_symlink() and pcimg.read(real).width == 768  # the link stays, its file is replaced
    assert main(["encode", str(example), "-o", os.devnull, "--max-bytes", "200"]) == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)  # the device node is still a device
    fifo = tmp_path / "pipe.pci"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert main(["encode", str(example), "-o", str(fifo), "--max-bytes", "200"]) == 0
    reader.join(10)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and pcimg.read(received[0]).width == 768


def test_an_unwritable_output_is_named_and_the_batch_goes_on(tmp_path, capsys):
    example = ROOT / "examples" / "kodim23.png"
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a", "b"):
        (inputs / f"{name}.png").write_bytes(example.read_bytes())
    out = tmp_path / "out"
    (out / "a.pci").mkdir(parents=True)  # a folder where a's output should go
    assert main(["encode", str(inputs / "a.png"), str(inputs / "b.png"), "-o", str(out), "--max-bytes", "200"]) == 1
    err = capsys.readouterr().err
    assert f"{out / 'a.pci'}: cannot write" in err and ".tmp" not in err
    assert pcimg.read(out / "b.pci").width == 768


def test_text_from_a_file_cannot_drive_the_terminal(tmp_path, capsys):
    hostile = "\x1b[2J\x1b]0;owned\x07\u202eevil\u2028x\x9b"
    pci = pcimg.PciFile(8, 8, prompt=pcimg.Prompt.from_text(hostile, "raw"), metadata=(("Title", hostile),),
                        encoder=pcimg.EncoderInfo(hostile, hostile))  # fmt: skip
    path = tmp_path / "hostile.pci"
    pcimg.save(pci, path)
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert not any(ch in out for ch in "\x1b\x07\u202e\u2028\x9b")
    assert "\\x1b[2J" in out and "\\u202eevil" in out
    assert out.count("\\x1b") == 8  # prompt, metadata, encoder name and version


def test_saving_keeps_permissions_and_names_partial_files(tmp_path):
    from pcimg.primitives import atomic

    existing = tmp_path / "kept.pci"
    existing.write_bytes(b"old")
    existing.chmod(0o644)
    pci = pcimg.PciFile(8, 8, prompt=pcimg.Prompt.from_text("x", "raw"))
    pcimg.save(pci, existing)
    assert stat.S_IMODE(existing.stat().st_mode) == 0o644
    fresh = tmp_path / "new.pci"
    pcimg.save(pci, fresh)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
    with pytest.raises(RuntimeError), atomic.atomic_open(tmp_path / "killed.pci"):
        assert [p.name for p in tmp_path.glob("*.pcimg-partial")] != []
        raise RuntimeError("killed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.pci", "new.pci"]


@pytest.mark.parametrize("command", ["info", "decode", "validate", "encode"])
def test_a_fifo_input_is_refused_not_waited_on(tmp_path, command, capsys):
    fifo = tmp_path / "input.pci"
    os.mkfifo(fifo)
    assert main([command, str(fifo), "-o", str(tmp_path / "out")] if command in ("encode", "decode")
                else [command, str(fifo)]) == 1  # fmt: skip
    captured = capsys.readouterr()
    assert "not a regular file" in captured.err + captured.out


@pytest.mark.parametrize(
    "option", [["--seed", "-1"], ["--strength", "5"], ["--max-bytes", "-3"], ["--steps", "0"], ["--guidance", "nan"]]
)
def test_bad_option_values_are_usage_errors(tmp_path, option):
    with pytest.raises(SystemExit) as exit_:
        main(["encode", str(ROOT / "examples" / "kodim23.png"), "-o", str(tmp_path / "x.pci"), *option])
    assert exit_.value.code == 2


def test_decode_refuses_outputs_over_max_pixels(tmp_path, capsys):
    pci = tmp_path / "x.pci"
    assert main(["encode", str(ROOT / "examples" / "kodim23.png"), "-o", str(pci), "--max-bytes", "147"]) == 0
    assert main(["decode", str(pci), "-o", str(tmp_path / "x.png"), "--size", "200x200", "--max-pixels", "100"]) == 1
    assert "max_pixels = 100" in capsys.readouterr().err
    assert main(["decode", str(pci), "-o", str(tmp_path / "x.png"), "--size", "200x200", "--max-pixels", "0"]) == 0


def _two_images(tmp_path):
    for folder, suffix in (("a", ".png"), ("b", ".jpg")):
        (tmp_path / folder).mkdir()
        Image.open(EXAMPLE).resize((96, 64)).save(tmp_path / folder / f"x{suffix}")
    return [str(tmp_path / "a" / "x.png"), str(tmp_path / "b" / "x.jpg")]


def test_two_inputs_never_map_to_one_output(tmp_path, capsys):
    inputs = _two_images(tmp_path)
    out = tmp_path / "out"
    assert main(["encode", *inputs, "-o", f"{out}/", "--max-bytes", "200"]) == 2
    err = capsys.readouterr().err
    assert inputs[0] in err and inputs[1] in err and not list(out.iterdir())  # refused before any work
    for name in inputs:  # one each: fine
        assert main(["encode", name, "-o", str(tmp_path / "a" / "x.pci"), "--max-bytes", "200"]) == 0
    pcis = [
        str(tmp_path / "a" / "x.pci"),
        str(tmp_path / "a" / "copy"),
    ]
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "x.pci").write_bytes((tmp_path / "a" / "x.pci").read_bytes())
    assert main(["decode", pcis[0], str(tmp_path / "c" / "x.pci"), "-o", f"{out}/"]) == 2  # decode clashes too


def test_output_naming_rules(tmp_path, capsys):
    inputs = _two_images(tmp_path)
    assert main(["encode", inputs[0], "-o", str(tmp_path / "newdir") + "/", "--max-bytes", "200"]) == 0
    assert (tmp_path / "newdir" / "x.pci").is_file()  # a trailing slash means a folder
    assert main(["encode", *inputs, "-o", str(tmp_path / "single.pci"), "--max-bytes", "200"]) == 2
    assert not (tmp_path / "single.pci").exists()  # several inputs and a file name: usage error
    assert main(["encode", inputs[1], "--max-bytes", "200"]) == 0
    assert (tmp_path / "b" / "x.pci").is_file()  # without -o: beside the input


def test_standard_input_and_output(tmp_path, monkeypatch, capsysbinary):
    data = EXAMPLE.read_bytes()

    class Stdin:
        buffer = io.BytesIO(data)

    monkeypatch.setattr(sys, "stdin", Stdin)
    assert main(["encode", "-", "-o", "-", "--max-bytes", "200"]) == 0
    pci = capsysbinary.readouterr().out
    assert pcimg.read(pci).width == 768 and len(pci) <= 200
    Stdin.buffer = io.BytesIO(pci)
    assert main(["decode", "-", "-o", "-", "--size", "96x64"]) == 0
    assert Image.open(io.BytesIO(capsysbinary.readouterr().out)).size == (96, 64)
    Stdin.buffer = io.BytesIO(pci)
    assert main(["info", "--json", "-"]) == 0
    assert json.loads(capsysbinary.readouterr().out)[0]["file_size"] == len(pci)
    Stdin.buffer = io.BytesIO(pci)
    assert main(["validate", "-"]) == 0
    assert capsysbinary.readouterr().out.startswith(b"-: valid")


def test_info_json_is_always_a_list_with_errors_as_entries(tmp_path, capsys):
    bad = tmp_path / "bad.pci"
    bad.write_bytes(b"not a pci at all")
    assert main(["info", "--json", str(bad)]) == 1
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["file"] == str(bad) and entry["error"]["field"] == "signature" and entry["error"]["offset"] == 0


def test_a_closed_stdout_ends_quietly(tmp_path):
    chatty = tmp_path / "chatty.pci"  # 32 metadata entries of 2 KB: 64 KB of `info` text per copy
    metadata = tuple((f"key{i}", "v" * 2048) for i in range(32))
    pcimg.save(pcimg.PciFile(8, 8, prompt=pcimg.Prompt.from_text("x", "raw"), metadata=metadata), chatty)
    code = "from pcimg.cli import main; import sys; sys.exit(main(['info', *sys.argv[1:]]))"
    many = " ".join([str(chatty)] * 40)  # ~2.6 MB of output: far more than a pipe buffers
    shell = f"{sys.executable} -c {code!r} {many} | head -c 1 > /dev/null; echo ${{PIPESTATUS[0]}}"
    run = subprocess.run(["bash", "-c", shell], capture_output=True, text=True)
    assert run.stderr == "" and run.stdout.strip() == "141"


def test_encode_warns_per_file_when_transparency_is_flattened(tmp_path, capsys):
    rgba = Image.open(EXAMPLE).resize((96, 64)).convert("RGBA")
    rgba.putalpha(0)
    rgba.save(tmp_path / "clear.png")
    out = tmp_path / "clear.pci"
    assert main(["encode", str(tmp_path / "clear.png"), "-o", str(out), "--max-bytes", "200", "--background",
                 "#000040"]) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert "clear.png: warning: the image's transparency is flattened onto background (0, 0, 64)" in err
    assert np.asarray(pcimg.decode(out))[..., 2].mean() > 50
    with pytest.raises(SystemExit):
        main(["encode", str(tmp_path / "clear.png"), "--background", "blue"])


def test_result_lines_go_through_the_progress_bar(tmp_path, monkeypatch):
    import tqdm

    written = []
    monkeypatch.setattr(tqdm.tqdm, "write", classmethod(lambda cls, line, file=None: written.append(line)))
    inputs = _two_images(tmp_path)
    assert main(["encode", *inputs, "-o", f"{tmp_path / 'o1'}/", "--max-bytes", "200"]) == 2  # same stem: clash
    assert main(["encode", inputs[0], str(EXAMPLE), "-o", f"{tmp_path / 'o2'}/", "--max-bytes", "200"]) == 0
    assert len(written) == 2 and all(" -> " in line for line in written)  # drawn above the bar, not through it


def test_a_digest_with_an_unknown_algorithm_is_kept_not_checked(capsys, tmp_path):
    vector = ROOT / "spec" / "vectors" / "valid" / "digest-unknown-algorithm.pci"
    assert main(["validate", str(vector)]) == 0
    assert "digest algorithm registry:9 is unknown to this reader: not checked" in capsys.readouterr().out
    assert pcimg.write(pcimg.read(vector)) == vector.read_bytes()  # kept byte for byte
    assert main(["decode", str(vector), "-o", str(tmp_path / "x.png"), "--verify"]) == 1
