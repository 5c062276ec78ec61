"""`python -m ja_llm` is the `ja-llm` command."""

from .cli import run

run()
