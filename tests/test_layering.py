"""The folders read bottom-up, and no module imports from a layer above its own.

    schemas  <-  infra  <-  deadletters  <-  ingest, processors, sinks  <-  api  <-  wirewatch
                                                                  (the command line)

deadletters/ sits on the foundation and under the stages that write letters: the
collector and the stream's worker keep an original there, and the command line reads
letters back, replays them and counts them from there.

Every import counts, including one inside a function. The exceptions are listed with
the reason each still stands; an exception that no longer occurs fails the test too, so
the list cannot outlive what it excuses.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("schemas", "infra", "deadletters", "ingest", "processors", "sinks", "api", "wirewatch")

# what each package may import, besides itself
ALLOWED: dict[str, frozenset[str]] = {
    "schemas": frozenset(),
    "infra": frozenset({"schemas"}),
    "deadletters": frozenset({"schemas", "infra"}),
    "ingest": frozenset({"schemas", "infra", "deadletters"}),
    "processors": frozenset({"schemas", "infra", "deadletters"}),
    "sinks": frozenset({"schemas", "infra", "deadletters"}),
    "api": frozenset({"schemas", "infra", "deadletters", "sinks"}),
    "wirewatch": frozenset(PACKAGES),
}

# (importing module, imported package): why it is still allowed
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("processors.stream.store", "sinks"): (
        "the stream runtime's store agent writes event versions through the sinks"
    ),
    ("processors.stream.delivery", "sinks"): (
        "the stream runtime's deliver agent records and sends alerts through the sinks"
    ),
    ("processors.stream.worker", "sinks"): (
        "the stream runtime checks (and refills) the store before the worker starts"
    ),
    ("processors.stream.sql", "sinks"): (
        "the stream runtime's SQL thread migrates and reads the sinks' tables"
    ),
    ("processors.evaluation", "ingest"): (
        "scoring reads the gold files with the seed-file reader that replay uses"
    ),
}


def _imports(path: Path) -> set[str]:
    """Top-level packages of this project that a file imports, anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in PACKAGES)
    return found


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def test_no_module_imports_from_a_layer_above_its_own():
    violations = []
    used_exceptions = set()
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = _module(path)
            for imported in _imports(path) - {package} - ALLOWED[package]:
                if (module, imported) in EXCEPTIONS:
                    used_exceptions.add((module, imported))
                else:
                    violations.append(f"{module} imports {imported}")
    assert violations == [], "imports that point up a layer:\n" + "\n".join(violations)
    stale = set(EXCEPTIONS) - used_exceptions
    assert not stale, f"exceptions that no longer occur (remove them): {sorted(stale)}"


def test_the_foundation_imports_no_stage():
    """infra/ is what every stage stands on: it reads settings, opens the database, talks
    to Kafka's admin API, guards the network, and knows nothing of articles or events
    beyond the topic registry."""
    for path in sorted((ROOT / "infra").rglob("*.py")):
        assert _imports(path) <= {"infra", "schemas"}, _module(path)


def _imported_names(path: Path) -> set[str]:
    """Every top-level name a file imports (absolute imports), anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_the_harness_stands_above_the_runtime_and_below_the_tests_and_benches():
    """`harness` (real services, feed and webhook servers, topic readers) is what tests/
    and bench/ share: no runtime package imports it or the tests, the harness imports
    no test, and no bench reaches into tests/ for a helper."""
    wrong = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            wrong += [
                f"{_module(path)} imports {name}"
                for name in _imported_names(path) & {"harness", "tests", "bench"}
            ]
    for folder, refused in (("harness", {"tests", "bench"}), ("bench", {"tests"})):
        for path in sorted((ROOT / folder).rglob("*.py")):
            wrong += [f"{_module(path)} imports {name}" for name in _imported_names(path) & refused]
    assert wrong == [], "\n".join(wrong)
