"""Building the place index tells what it is doing as it goes (what `wirewatch up` shows
as a progress bar), and `prepare_gazetteer` builds only when the cache file is not
sound."""

from processors.extraction import gazetteer_cache
from processors.extraction.gazetteer import (
    Gazetteer,
    _cache_path,
    _data_version,
    is_town,
    prepare_gazetteer,
)


def test_a_build_reports_each_phase_and_its_count():
    reports: list[tuple[str, int, int]] = []
    # the towns of 15,000 and more of two countries: the same build, on fewer records
    gazetteer = Gazetteer.build(
        min_population=15000,
        progress=lambda *r: reports.append(r),
        country_codes=frozenset({"UA", "PL"}),
    )
    phases = list(dict.fromkeys(what for what, _, _ in reports))
    assert phases == [
        "reading GeoNames towns",
        "reading GeoNames regions",
        "indexing towns and their names",
        "indexing districts and their names",
        "indexing spelling variants",
    ]
    for phase in phases[2:]:
        counts = [(done, total) for what, done, total in reports if what == phase]
        assert len(counts) > 1
        assert [done for done, _ in counts] == sorted(done for done, _ in counts)
        assert counts[-1][0] == counts[-1][1] > 0  # it ends at its total
    towns = [total for what, _, total in reports if what == "indexing towns and their names"]
    assert towns[0] == len([i for i in gazetteer.places if i > 0])  # areas come after
    districts = [total for what, _, total in reports if what.startswith("indexing districts")]
    assert districts[0] == len([p for p in gazetteer.places.values() if not is_town(p)]) > 0
    assert gazetteer.lookup("Kyiv")
    assert {gazetteer.places[i].country for i in gazetteer.places if i > 0} == {"UA", "PL"}


def test_prepare_builds_nothing_when_the_cache_is_sound(tmp_path, monkeypatch):
    monkeypatch.setenv("WIREWATCH_CACHE_DIR", str(tmp_path))
    path = _cache_path()
    assert path.parent == tmp_path
    gazetteer_cache.save(Gazetteer({}, {}, {}).state(), path, _data_version())  # any sound file
    reports: list[tuple[str, int, int]] = []
    assert prepare_gazetteer(lambda *r: reports.append(r)) == (path, False)
    assert reports == []


def test_a_torn_cache_file_is_not_sound(tmp_path):
    path = tmp_path / "gazetteer.msgpack"
    gazetteer_cache.save(Gazetteer({}, {}, {}).state(), path, "data-1")
    assert gazetteer_cache.is_sound(path, "data-1")
    assert not gazetteer_cache.is_sound(path, "data-2")
    path.write_bytes(path.read_bytes()[:-1])
    assert not gazetteer_cache.is_sound(path, "data-1")
    assert not gazetteer_cache.is_sound(tmp_path / "missing", "data-1")
