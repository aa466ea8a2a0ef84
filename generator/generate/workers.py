"""A function run in a fresh Python process: how a large spec's models are made beside validation.

``multiprocessing``'s "spawn" would re-run the caller's main script in the child (a user's script
calling :func:`generator.api.generate` without a ``__main__`` guard would run again), and "fork"
would copy this process's large heap. So the worker is a plain ``python -m`` of this module: it
reads the function and its arguments from its standard input, and writes back the answer or the
error. Both ends are this package's own code, in processes it starts; nothing else is unpickled.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import SpecgenError

#: The folder holding the ``generator`` package, put on the worker's path: it imports the same
#: code as this process whatever the caller did to ``sys.path``.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass
class _Failed:
    """An error other than :class:`SpecgenError` in a worker, as text (its class may not pickle)."""

    kind: str
    message: str


class Worker:
    """``function(*args)`` in a fresh interpreter; :meth:`result` waits for its answer."""

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        path = os.pathsep.join(filter(None, (_PACKAGE_ROOT, os.environ.get("PYTHONPATH"))))
        # The task goes through a file, so the worker starts at once without this process waiting
        # for it to read a pipe.
        with tempfile.TemporaryFile() as task:
            pickle.dump((function, args), task, protocol=pickle.HIGHEST_PROTOCOL)
            task.seek(0)
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__],
                stdin=task,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={**os.environ, "PYTHONPATH": path},
            )

    def result(self) -> Any:
        """The function's return value, or its error raised here."""
        try:
            answer, errors = self._process.communicate()
        finally:
            self.stop()
        if self._process.returncode != 0 or not answer:
            last = errors.decode("utf-8", "replace").strip().splitlines()[-1:]
            raise SpecgenError(
                f"a worker process stopped (exit code {self._process.returncode}) before "
                f"answering: {' '.join(last) or 'no message'}"
            )
        result = pickle.loads(answer)
        if isinstance(result, BaseException):
            raise result
        if isinstance(result, _Failed):
            raise RuntimeError(f"{result.kind}: {result.message}")
        return result

    def stop(self) -> None:
        """End the worker, finished or not."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()


def _main() -> None:
    # Run as __main__, this module's classes would pickle as __main__'s, which the parent (whose
    # __main__ is another module) cannot find: answer with the importable module's class.
    from generator.generate.workers import _Failed as Failed

    function, args = pickle.load(sys.stdin.buffer)
    result: Any
    try:
        result = function(*args)
    except SpecgenError as error:
        result = error
    except Exception as error:  # reported by the parent, as any crash would be
        result = Failed(type(error).__name__, str(error))
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    _main()
