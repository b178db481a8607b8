"""wengert.io on hostile, damaged and unusual files, and the details of an atomic save."""
import json
import os
import subprocess
import sys
import time
import zipfile

import numpy
import pytest

from wengert import io


def _tree():
    return {"w": numpy.arange(6.0).reshape(2, 3), "b": [0.5, numpy.float32(2.0), 3, True],
            "f": numpy.asfortranarray(numpy.ones((2, 2))), "n": None, "t": (1 + 2j,),
            7: {"deep": numpy.zeros(0)}}


def _saved(tmp_path, tree=None):
    path = tmp_path / "ckpt.npz"
    io.save(path, _tree() if tree is None else tree)
    return path


def _write_archive(path, header, members=()):
    """An archive laid out as save lays it out, with any header and members."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("__wengert_tree__.npy", "w") as f:
            numpy.lib.format.write_array(f, numpy.array(header))
        for name, a in members:
            with z.open(name + ".npy", "w") as f:
                numpy.lib.format.write_array(f, a)
    return path


def _header(tree):
    return json.dumps({"format": "wengert-tree-1", "tree": tree})


def test_round_trip_keeps_values_types_and_memory_layout(tmp_path):
    back = io.load(_saved(tmp_path))
    numpy.testing.assert_array_equal(back["w"], numpy.arange(6.0).reshape(2, 3))
    assert back["b"] == [0.5, 2.0, 3, True]
    assert [type(v) for v in back["b"]] == [float, numpy.float32, int, bool]
    assert back["f"].flags.f_contiguous and back["w"].flags.writeable
    assert back["n"] is None and back["t"] == (1 + 2j,) and back[7]["deep"].shape == (0,)


@pytest.mark.parametrize("content, match", [
    (b"", "is empty"),
    (b"hello world", "not a .npz archive"),
    (b"PK\x03\x04" + b"\0" * 40, "not a readable .npz archive"),
])
def test_load_of_empty_and_foreign_files_is_a_value_error(tmp_path, content, match):
    path = tmp_path / "bad.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=match) as info:
        io.load(path)
    assert str(path) in str(info.value)


def test_load_of_a_npy_file_says_what_it_is(tmp_path):
    numpy.save(tmp_path / "a.npy", numpy.ones(3))
    with pytest.raises(ValueError, match=r"is a \.npy file .*numpy\.load"):
        io.load(tmp_path / "a.npy")


def _fuzz(path, flips, rng):
    """Load truncations of the file at ``path`` (at every other byte) and ``flips``
    copies with one random bit flipped; return how many loaded (a flip in a byte
    nothing checks) and how many raised ValueError naming the file.  Any other
    exception fails the test."""
    good = path.read_bytes()
    bad = path.with_name("bad.npz")
    cases = [good[:n] for n in range(0, len(good), 2)]
    for pos in rng.choice(len(good), flips):
        flipped = bytearray(good)
        flipped[pos] ^= 1 << rng.integers(8)
        cases.append(bytes(flipped))
    loaded = errors = 0
    for content in cases:
        bad.write_bytes(content)
        try:
            io.load(bad)
            loaded += 1
        except ValueError as e:
            assert str(bad) in str(e)
            errors += 1
    return loaded, errors


def test_every_truncation_and_random_bit_flips_give_value_errors(tmp_path):
    path = _saved(tmp_path, {"w": numpy.arange(3.0), "b": [0.5, 3, None]})
    loaded, errors = _fuzz(path, 200, numpy.random.default_rng(0))
    assert errors >= len(path.read_bytes()) // 2    # every truncation at least


@pytest.mark.parametrize("tree, match", [
    ({"leaf": "leaf_9", "py": None}, "'leaf_9' that its tree refers to is missing"),
    ({"leaf": "__wengert_tree__", "py": None}, "is missing"),
    ({"leaf": 3, "py": None}, "a node of its tree description"),
    ({"leaf": "leaf_0", "py": "str"}, "a node of its tree description"),
    ({"leaf": "leaf_0", "py": "int"}, "the scalar 'leaf_0' has shape"),
    ({"list": [{"leaf": "leaf_0", "py": None}, {"leaf": "leaf_0", "py": None}]},
     "referred to twice"),
    ({"dict": [["str", 1, {"none": None}]]}, "a dict entry is"),
    ({"dict": [["float", 1.0, {"none": None}]]}, "a dict entry is"),
    ({"dict": [["int", 1, {"none": None}], ["int", 1, {"none": None}]]}, "appears twice"),
    ({"list": 5}, "a list node holds 5"),
    ([1, 2], "a node of its tree description is"),
    ({"eval": "os.system('x')"}, "a node of its tree description"),
])
def test_hostile_tree_descriptions_are_value_errors(tmp_path, tree, match):
    path = _write_archive(tmp_path / "h.npz", _header(tree), [("leaf_0", numpy.ones(2))])
    with pytest.raises(ValueError, match=match):
        io.load(path)


def test_bad_headers_are_value_errors(tmp_path):
    cases = [("not json {", "not valid JSON"), (json.dumps([1]), "has format None"),
             (json.dumps({"format": "other"}), "has format 'other'"),
             (json.dumps({"format": "wengert-tree-1"}), "has no tree")]
    for text, match in cases:
        with pytest.raises(ValueError, match=match):
            io.load(_write_archive(tmp_path / "h.npz", text))
    path = tmp_path / "n.npz"
    with zipfile.ZipFile(path, "w") as z:
        with z.open("__wengert_tree__.npy", "w") as f:
            numpy.lib.format.write_array(f, numpy.ones(3))
    with pytest.raises(ValueError, match="tree description is a float64 array"):
        io.load(path)


def test_nesting_is_bounded_on_load_and_save(tmp_path):
    deep = {"none": None}
    for _ in range(io.MAX_DEPTH + 1):
        deep = {"list": [deep]}
    with pytest.raises(ValueError, match=f"more than {io.MAX_DEPTH} deep"):
        io.load(_write_archive(tmp_path / "d.npz", _header(deep)))
    # deeper than the JSON parser itself can go
    text = '{"format": "wengert-tree-1", "tree": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(ValueError, match="nests too deep"):
        io.load(_write_archive(tmp_path / "j.npz", text))
    tree = None
    for _ in range(io.MAX_DEPTH + 1):
        tree = [tree]
    with pytest.raises(ValueError, match=f"more than {io.MAX_DEPTH} deep"):
        io.save(tmp_path / "s.npz", tree)
    for _ in range(2):
        tree = tree[0]
    io.save(tmp_path / "s.npz", tree)      # exactly MAX_DEPTH: round-trips
    assert io.load(tmp_path / "s.npz") == tree


def _npy_header(text):
    """A version 1.0 .npy header saying ``text`` (written by hand: it may lie)."""
    return b"\x93NUMPY\x01\x00v\x00" + text.encode().ljust(117) + b"\n"


def test_object_arrays_and_lying_array_headers_are_refused_without_allocating(tmp_path):
    path = _write_archive(tmp_path / "o.npz", _header({"leaf": "leaf_0", "py": None}))
    with zipfile.ZipFile(path, "a") as z:
        with z.open("leaf_0.npy", "w") as f:
            f.write(_npy_header("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }")
                    + b"\0" * 16)
    with pytest.raises(ValueError, match="never unpickled"):
        io.load(path)
    path = _write_archive(tmp_path / "l.npz", _header({"leaf": "leaf_0", "py": None}))
    with zipfile.ZipFile(path, "a") as z:
        with z.open("leaf_0.npy", "w") as f:      # claims 8 TB, holds 16 bytes
            f.write(_npy_header("{'descr': '<f8', 'fortran_order': False, "
                                "'shape': (1000000000000,), }") + b"\0" * 16)
    with pytest.raises(ValueError, match=r"declares shape \(1000000000000,\).*holds 16"):
        io.load(path)


def test_only_the_members_the_tree_refers_to_are_read(tmp_path, monkeypatch):
    """An unreferenced member (here 64 MB of zeros, 64 kB compressed) is never
    decompressed: load takes no longer and no more memory than without it."""
    path = _saved(tmp_path, {"w": numpy.ones(3)})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        with z.open("bomb.npy", "w", force_zip64=True) as f:
            chunk = bytes(1 << 20)
            for _ in range(64):
                f.write(chunk)
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open",
                        lambda self, name, *a, **k: opened.append(getattr(name, "filename", name))
                        or real_open(self, name, *a, **k))
    start = time.perf_counter()
    numpy.testing.assert_array_equal(io.load(path)["w"], numpy.ones(3))
    assert time.perf_counter() - start < 1.0
    assert sorted(opened) == ["__wengert_tree__.npy", "leaf_0.npy"]


def test_load_errors_name_the_path_and_keep_os_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="load: no file"):
        io.load(tmp_path / "nope.npz")
    with pytest.raises(OSError):
        io.load(tmp_path)        # a directory


# -- saving --------------------------------------------------------------------------------
@pytest.mark.skipif(os.name != "posix", reason="file modes and umask are POSIX")
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_saved_file_mode_follows_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        path = _saved(tmp_path)
        assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask
        os.chmod(path, 0o600)
        io.save(path, {"x": 1.0})           # a replaced file gets the umask's mode too
        assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask
    finally:
        os.umask(old)


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name != "posix", reason="symlinks")
def test_saving_to_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path):
    (tmp_path / "runs").mkdir()
    target = tmp_path / "runs" / "ckpt-100.npz"
    io.save(target, {"step": 100})
    link = tmp_path / "latest.npz"
    link.symlink_to(target)
    io.save(link, {"step": 101})
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert io.load(target) == {"step": 101} and io.load(link) == {"step": 101}
    assert sorted(os.listdir(tmp_path / "runs")) == ["ckpt-100.npz"]   # no temporary left
    dangling = tmp_path / "new.npz"
    dangling.symlink_to(tmp_path / "runs" / "fresh.npz")
    io.save(dangling, {"step": 0})
    assert io.load(tmp_path / "runs" / "fresh.npz") == {"step": 0} and dangling.is_symlink()


_KILLED_SAVE = """
import os, sys, numpy
sys.path.insert(0, {src!r})
from wengert import io
real = numpy.savez
def slow(f, **arrays):
    f.write(b"partial")
    f.flush()
    print("writing", flush=True)
    import time; time.sleep(60)
numpy.savez = slow
io.save({path!r}, {{"w": numpy.ones(3)}})
"""


@pytest.mark.skipif(os.name != "posix", reason="uses kill -9 and flock")
def test_the_next_save_removes_the_temporary_file_of_a_killed_save(tmp_path):
    path = str(tmp_path / "ckpt.npz")
    io.save(path, {"w": numpy.zeros(3)})
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_SAVE.format(src=src, path=path)],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
        # a save in progress keeps its temporary file while another save runs
        io.save(tmp_path / "ckpt.npz", {"w": numpy.full(3, 2.0)})
        temps = [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]
        assert len(temps) == 1 and temps[0].startswith(".ckpt.npz.")
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    numpy.testing.assert_array_equal(io.load(path)["w"], [2.0, 2.0, 2.0])
    others = [".other.npz.0123456789ab.tmp",      # another path's: left alone
              ".ckpt.npz.x.0123456789ab.tmp"]      # the path ckpt.npz.x's
    for name in others:
        (tmp_path / name).write_bytes(b"")
    io.save(path, {"w": numpy.ones(3)})
    assert sorted(os.listdir(tmp_path)) == sorted(others + ["ckpt.npz"])
