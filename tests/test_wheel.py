"""The wheel ships the catalog: built from this checkout, installed into a fresh virtual environment outside
the repository, `ja-llm` answers from the catalog inside the installed package (not from catalog/ here)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_installed_wheel_ships_and_searches_the_catalog(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", dist, ROOT, cwd=tmp_path)
    [wheel] = dist.glob("ja_llm-*.whl")

    target = tmp_path / "環境"  # a fresh environment, outside the repository, with a non-ASCII path
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel, cwd=tmp_path)
    # The dependencies (click, pydantic, ...) come from this environment's site-packages, added after the new
    # environment's own: its ja_llm is the installed wheel, never this checkout (an editable install adds
    # src/ through a .pth file, which is not read from a folder named in another .pth file).
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")

    env = {**os.environ, "JA_LLM_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("PYTHONPATH", None)
    where = _run(
        python, "-c", "import ja_llm.catalog.location as l; print(l.shipped_catalog())", cwd=tmp_path, env=env
    ).strip()
    assert Path(where).is_relative_to(target), where
    assert Path(where, "catalog.toml").is_file()
    assert Path(where).parent.joinpath("py.typed").is_file()  # type checkers use the package's hints
    ids = _run(target / "bin" / "ja-llm", "search", "東北大", "--kind", "encoder", "--ids", cwd=tmp_path, env=env)
    assert "models/tohoku-university-nlp-group/tohokuuniversitybert" in ids.splitlines()
    shipped = len(list((ROOT / "catalog" / "models").rglob("*.toml")))
    installed = len(list(Path(where, "models").rglob("*.toml")))
    assert installed == shipped
