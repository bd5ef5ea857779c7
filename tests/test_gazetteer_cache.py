"""The gazetteer's cache file is data, never code (issue 14, item 10): a pickle planted
where the cache lives runs nothing, and a file that is not exactly what was saved (torn,
changed, for other data) is not used."""

from __future__ import annotations

import ast
import hashlib
import pickle
from functools import cached_property
from pathlib import Path

import pytest

from processors.extraction import gazetteer_cache
from processors.extraction.gazetteer import Gazetteer, get_gazetteer


class _Planted:
    """Unpickling this writes a file: the proof that a pickle ran."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    path = tmp_path_factory.mktemp("cache") / "gazetteer.msgpack"
    gazetteer_cache.save(get_gazetteer().state(), path, "data-1")
    return path


def test_what_is_saved_loads_back_equal(saved):
    state = gazetteer_cache.load(saved, "data-1")
    built, loaded = get_gazetteer(), Gazetteer.from_state(state) if state else None
    # everything the built gazetteer holds but what it computes on first use
    lazy = {name for name, value in vars(Gazetteer).items() if isinstance(value, cached_property)}
    held = set(vars(built)) - lazy
    assert loaded is not None and set(vars(loaded)) == held
    for name in held:
        assert getattr(loaded, name) == getattr(built, name), name
    assert loaded.lookup("Kyiv") == built.lookup("Kyiv") and built.lookup("Kyiv")
    assert loaded.lookup_region("Donetsk Oblast") == built.lookup_region("Donetsk Oblast")


def test_a_planted_pickle_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    path = tmp_path / "gazetteer.msgpack"
    path.write_bytes(pickle.dumps(_Planted(str(marker))))
    assert gazetteer_cache.load(path, "data-1") is None
    assert not marker.exists()
    # the same payload behind a well-formed header, checksum and all, is still no code
    body = pickle.dumps(_Planted(str(marker)))
    header = f"{gazetteer_cache.CACHE_FORMAT} data-1 {hashlib.sha256(body).hexdigest()}\n"
    path.write_bytes(gazetteer_cache.MAGIC + b"\n" + header.encode() + body)
    assert gazetteer_cache.load(path, "data-1") is None
    assert not marker.exists()


def test_a_torn_changed_or_other_version_file_is_not_used(saved, tmp_path):
    raw = saved.read_bytes()
    torn = tmp_path / "torn"
    torn.write_bytes(raw[: len(raw) // 2])
    changed = tmp_path / "changed"
    changed.write_bytes(raw[:-10] + bytes([raw[-10] ^ 1]) + raw[-9:])
    assert gazetteer_cache.load(torn, "data-1") is None
    assert gazetteer_cache.load(changed, "data-1") is None
    assert gazetteer_cache.load(saved, "data-2") is None
    assert gazetteer_cache.load(tmp_path / "missing", "data-1") is None


def test_a_state_of_another_shape_is_no_gazetteer():
    assert Gazetteer.from_state({}) is None
    assert Gazetteer.from_state({"places": [[1, "x"]]}) is None


def test_the_cache_file_module_imports_nothing_of_the_gazetteer():
    """No cycle (issue 26, item 6): the gazetteer imports its cache file, not back."""
    source = Path(gazetteer_cache.__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert not {name for name in imported if name.startswith("processors")}
