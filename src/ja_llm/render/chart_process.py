"""The chart's drawing process seen from the build: `python -m ja_llm.render.chart_draw` (see that module for
why a process of its own) started, asked, waited for, stopped. Only the standard library here."""

from __future__ import annotations

import contextlib
import marshal
import os
import subprocess
import sys
import threading
from typing import TYPE_CHECKING, ClassVar

from ..errors import OutputError

if TYPE_CHECKING:
    from .chart_data import Drawn, Request

__all__ = ["Drawer"]


class Drawer:
    """The chart's drawing process: `python -m ja_llm.render.chart_draw` (see its docstring for why a process
    of its own). Started before its request is known, so that it imports matplotlib while this process
    prepares (the search records, the page jobs); `draw` sends the request and reads the answer in a thread
    (this process goes on rendering, and neither pipe is ever left full); `ready` says whether the answer is
    in, `drawn` waits for it. `stop` kills the process if it still runs (a build that fails) and is called in
    every case (again: nothing happens).

    The process has a session of its own: Ctrl-C in a terminal reaches the build, which stops it (in the
    terminal's group, it would be interrupted in its imports, with a traceback). A process that builds again
    and again (`ja-llm serve`) keeps a spare one, started once the last one was used (`keep_spare`), so that
    its next chart waits for no import; `start` takes it."""

    _spare: ClassVar[Drawer | None] = None

    COMMAND = (sys.executable, "-m", "ja_llm.render.chart_draw")  # then this process's id (see chart_draw.main)
    # glibc's malloc serves a block of 128 KiB or more by a mapping of its own, returned to the system when
    # freed, but raises that threshold to the size of each such block freed (up to 32 MiB): after the first
    # language, the next one's canvas (~6 MB of pixels) and the PNG's buffers come from the heap, where they
    # stay. Set, the threshold stays put (the same pictures: measured, the process's peak 82 -> 77 MB in a
    # cold build, no slower). Other C libraries ignore the variable; a value the user set is kept.
    MALLOC: ClassVar[dict[str, str]] = {"MALLOC_MMAP_THRESHOLD_": str(128 * 1024)}

    def __init__(self) -> None:
        command = [*self.COMMAND, str(os.getpid())]
        try:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                start_new_session=True,
                env=self.MALLOC | os.environ,
            )
        except OSError as exc:
            raise OutputError(f"cannot start the chart's drawing process ({exc.strerror or exc})") from None
        self._answer: list[bytes] = []
        self._thread: threading.Thread | None = None

    @classmethod
    def start(cls) -> Drawer:
        """A drawing process: the spare one (keep_spare) if it still waits for its request, else a new one."""
        spare, cls._spare = cls._spare, None
        if spare is not None and spare._thread is None and spare.process.poll() is None:
            return spare
        if spare is not None:
            spare.stop()
        return cls()

    @classmethod
    def keep_spare(cls) -> None:
        """Start the spare drawing process now, if none waits (see the class's docstring)."""
        if cls._spare is None or cls._spare.process.poll() is not None:
            cls._spare = cls()

    def draw(self, asked: Request) -> None:
        payload = marshal.dumps(asked)
        self._thread = threading.Thread(target=self._exchange, args=(payload,), name="ja-llm chart", daemon=True)
        self._thread.start()

    def _exchange(self, payload: bytes) -> None:
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None
        assert stdout is not None
        try:
            stdin.write(payload)
            stdin.close()
        except OSError:
            pass  # the process died: its exit code says so (drawn)
        try:
            self._answer.append(stdout.read())
            stdout.close()
        except OSError:
            pass  # likewise

    def ready(self) -> bool:
        return self._thread is not None and not self._thread.is_alive()

    def drawn(self) -> Drawn:
        assert self._thread is not None, "draw() first"
        self._thread.join()
        code = self.process.wait()
        if code != 0 or not self._answer or not self._answer[0]:
            raise OutputError(f"drawing the chart failed (its process ended with code {code}; see above)")
        answer: Drawn = marshal.loads(self._answer[0])
        return answer

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self._thread is not None:
            self._thread.join()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None and not pipe.closed:
                with contextlib.suppress(OSError):  # what was left to write to a process that died
                    pipe.close()
