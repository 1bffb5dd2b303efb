"""Shared fixtures: the zhtidy command line the module is compared against.

The binary is `$ZHTIDY_BIN` (scripts/test sets it), else the repository's
target/release or target/debug build. A missing binary is an error, not a
skip: these tests exist to compare the two.
"""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def cli_path():
    env = os.environ.get("ZHTIDY_BIN")
    candidates = [pathlib.Path(env)] if env else [
        ROOT / "target" / "release" / "zhtidy",
        ROOT / "target" / "debug" / "zhtidy",
    ]
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return c.resolve()
    raise RuntimeError(
        "no zhtidy binary: build it (cargo build) or set ZHTIDY_BIN; looked at "
        + ", ".join(str(c) for c in candidates)
    )


@pytest.fixture(scope="session")
def cli():
    return cli_path()


@pytest.fixture(scope="session")
def run_cli(cli):
    """Runs `zhtidy ARGS` with `data` on standard input."""

    def run(args, data=b"", check=True):
        proc = subprocess.run(
            [str(cli), *args], input=data, capture_output=True, timeout=120
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"zhtidy {' '.join(args)} exited {proc.returncode}: "
                + proc.stderr.decode("utf-8", "replace")
            )
        return proc

    return run
