"""The README's examples run: its Python blocks execute and its `ja-llm search` examples succeed."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from ja_llm.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_python_examples_run(capsys) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks, "the README should show the Python API"
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    assert "models/" in capsys.readouterr().out


SEARCHES = [line.split("#")[0].strip() for line in README.splitlines() if line.startswith(".venv/bin/ja-llm search")]


@pytest.mark.parametrize("command", SEARCHES)
def test_search_examples_succeed(command: str) -> None:
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(main, args + (["--ids"] if "--json" not in args else []))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip(), f"{command} found nothing"


def test_there_are_search_examples() -> None:
    assert len(SEARCHES) >= 5
