"""Algorand Python's compiler (puyapy) for the tests, in a tool venv of its own.

puyapy needs Python 3.12 or newer while gridworks runs on 3.11, so it lives in a separate
venv (`.venv-puya` at the repository root, or $GRIDWORKS_PUYA_VENV), made on first use with
the first Python >= 3.12 found: `python3.13`/`python3.12` on PATH, else a pyenv version
(the machine image ships pyenv's 3.12 and 3.13). The compiler versions are pinned.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PINS = ("puyapy==5.10.1", "algorand-python==4.0.0")
STAMP = ".gridworks-puya-installed"


def venv_dir() -> Path:
    return Path(os.environ.get("GRIDWORKS_PUYA_VENV", ROOT / ".venv-puya"))


def _runs_312(python: str) -> bool:
    try:
        done = subprocess.run(
            [python, "-c", "import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)"],
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def find_python() -> str:
    """A Python >= 3.12 interpreter, or RuntimeError saying where it looked."""
    candidates = [p for name in ("python3.13", "python3.12") if (p := shutil.which(name))]
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    versions = sorted((pyenv_root / "versions").glob("3.1[2-9]*"), reverse=True)
    candidates += [str(v / "bin" / "python") for v in versions]
    for python in candidates:
        if _runs_312(python):
            return python
    raise RuntimeError(
        "puyapy needs Python >= 3.12 and none was found (looked for python3.13 and python3.12 "
        f"on PATH and under {pyenv_root}/versions)"
    )


def ensure_venv() -> Path:
    """The tool venv with puyapy installed (made and installed once, then reused)."""
    venv = venv_dir()
    python = venv / "bin" / "python"
    stamp = venv / STAMP
    if stamp.exists() and stamp.read_text() == " ".join(PINS) and python.exists():
        return venv
    if not python.exists():
        subprocess.run([find_python(), "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *PINS], check=True, timeout=1_200
    )
    stamp.write_text(" ".join(PINS))
    return venv


def compile_contract(source: Path, out_dir: Path, avm_version: int) -> None:
    """puyapy `source` into `out_dir` (TEAL, bytecode and the ARC-56 spec)."""
    venv = ensure_venv()
    env = {
        **os.environ,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "VIRTUAL_ENV": str(venv),  # puyapy finds the algopy stubs through the active venv
        "NO_COLOR": "1",
    }
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [
            str(venv / "bin" / "puyapy"), str(source), "--out-dir", str(out_dir),
            "--output-bytecode", "--target-avm-version", str(avm_version),
        ],
        cwd=source.parent, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"puyapy failed:\n{done.stdout}\n{done.stderr}")


if __name__ == "__main__":
    print(ensure_venv(), file=sys.stderr)
