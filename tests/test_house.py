"""No function or method outside the tests is longer than 80 lines.

A long function is several ideas that have not been named yet; split into named steps,
each says what it is for. A function's length is its `def` line to its last line
(decorators excluded), nested functions and methods counted on their own as well as
inside the function that holds them. The tests, the virtualenv, node_modules and hidden
folders (state, caches) are not walked.

An exception names a function being split elsewhere and says where; one that is no
longer long fails the test too, so the list cannot outlive what it excuses.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LONGEST = 80
SKIPPED = frozenset({"tests", "node_modules"})

# (file, qualified name): why it may still be long
EXCEPTIONS: dict[tuple[str, str], str] = {}


def _sources() -> Iterator[Path]:
    """The project's Python files, outside the tests and any hidden or vendored folder."""
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts[:-1]
        if not any(part in SKIPPED or part.startswith(".") for part in parts):
            yield path


def long_functions(source: str, limit: int = LONGEST) -> list[tuple[str, int]]:
    """(qualified name, lines) of each function in SOURCE longer than LIMIT lines."""
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = child.end_lineno - child.lineno + 1
                if lines > limit:
                    found.append((prefix + child.name, lines))
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return found


def _function(name: str, lines: int, indent: str = "") -> str:
    """A function NAME of LINES lines (its def line included), indented by INDENT."""
    body = "".join(f"{indent}    x{n} = {n}\n" for n in range(lines - 1))
    return f"{indent}def {name}():\n{body}"


def test_the_measure_counts_from_the_def_line_and_names_methods_and_nested_functions():
    decorated = "@decorator\n" + _function("fits", LONGEST)
    method = "class Room:\n" + _function("method", LONGEST + 1, "    ")
    nested = "def outer():\n" + _function("inner", LONGEST + 1, "    ") + "    return inner\n"
    source = "\n".join((decorated, method, nested))
    assert long_functions(source) == [
        ("Room.method", LONGEST + 1),
        ("outer", LONGEST + 3),
        ("outer.inner", LONGEST + 1),
    ]
    assert long_functions(decorated) == []


def test_no_function_outside_the_tests_is_over_80_lines():
    too_long = []
    excused = set()
    for path in _sources():
        relative = path.relative_to(ROOT).as_posix()
        for name, lines in long_functions(path.read_text(encoding="utf-8")):
            if (relative, name) in EXCEPTIONS:
                excused.add((relative, name))
            else:
                too_long.append(f"{relative} {name} ({lines} lines)")
    assert too_long == [], f"functions over {LONGEST} lines:\n" + "\n".join(too_long)
    stale = set(EXCEPTIONS) - excused
    assert not stale, f"exceptions that are no longer long (remove them): {sorted(stale)}"
