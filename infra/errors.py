"""The one kind of error the command line shows as one line: a problem the operator
fixes (a service not running, a setting, a file), not a bug.

Each layer raises its own subclass where it finds the problem and says what to do in
its message; `wirewatch.cli` prints that message alone, and the traceback only with
--debug. A new problem of this kind subclasses it, and the command line needs no change.
"""

from __future__ import annotations


class OperatorError(Exception):
    """A problem the operator fixes; its message says what is wrong and what to do."""
