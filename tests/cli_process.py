"""Running the real `ja-llm` command in a child process, where an uncaught exception would print its
traceback: CliRunner catches exceptions, so "the user never sees a traceback" can only be checked this way."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def ja_llm_process(
    *args: str | Path, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`ja-llm ARGS` in a child process (`python -m ja_llm`), its output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "ja_llm", *(str(a) for a in args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int | None = None) -> str:
    """A failed command: a non-zero exit (or `code`), no traceback, exactly one `error:` line (or click's
    `Error:` line of a usage error, exit 2); returns it."""
    assert result.returncode != 0, result.stdout
    if code is not None:
        assert result.returncode == code, result.stderr
    assert "Traceback (most recent call last)" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith(("error:", "Error:"))]
    assert len(errors) == 1, result.stderr
    return errors[0]
