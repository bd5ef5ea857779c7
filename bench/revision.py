"""An older revision of this repository, exported beside the working tree, so that a bench
can run the code before a change and the code after it in one go.

The export is a plain `git archive` of the commit into a directory; nothing is installed.
A revision keeps its own gazetteer cache (WIREWATCH_CACHE_DIR): an index built by newer
code must not be read by older code, or the other way round.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the code before the real-text extraction work (issue 11): what its figures compare with
BEFORE_EXTRACTION_WORK = "5822043"


def resolve_revision(revision: str, program: str) -> str:
    """The full commit id of REVISION, or exit with a message naming PROGRAM."""
    done = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"{program}: {revision!r} is not a commit of {ROOT}")
    return done.stdout.strip()


def export_revision(commit: str, target: Path, program: str) -> None:
    """Write the tree of COMMIT into TARGET (which must not exist yet)."""
    target.mkdir(parents=True)
    archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", commit], stdout=subprocess.PIPE)
    untar = subprocess.run(["tar", "-x", "-C", str(target)], stdin=archive.stdout)
    assert archive.stdout is not None
    archive.stdout.close()
    if archive.wait() != 0 or untar.returncode != 0:
        raise SystemExit(f"{program}: could not export {commit} into {target}")


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "wirewatch"


def revision_env(tree: Path, commit: str | None) -> dict[str, str]:
    """The environment a process importing from TREE runs with: TREE first on PYTHONPATH,
    and, for an exported COMMIT, a gazetteer cache of its own."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(tree), env.get("PYTHONPATH")) if p)
    if commit is not None:
        env["WIREWATCH_CACHE_DIR"] = str(cache_root() / f"eval-real-{commit[:12]}")
    return env
