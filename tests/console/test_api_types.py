"""The console's API types (console/src/api/generated, committed so building needs no running
service) are those of the services' OpenAPI documents today: a changed API must be followed
by `make docs`, which regenerates them, so the console's type check meets the change."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONSOLE = REPO / "console"


def test_the_committed_api_types_match_the_services_openapi(tmp_path):
    if shutil.which("npx") is None or not (CONSOLE / "node_modules" / "openapi-typescript").is_dir():
        pytest.skip("the console's npm packages are not installed: deploy/console.sh install")
    docs, out = tmp_path / "api", tmp_path / "console"
    subprocess.run([sys.executable, "-m", "service_runtime.docs", str(docs)], check=True, capture_output=True)
    shutil.copytree(CONSOLE / "scripts", out / "scripts")
    (out / "node_modules").symlink_to(CONSOLE / "node_modules")
    (out / "src" / "api" / "generated").mkdir(parents=True)
    subprocess.run(["node", "scripts/api-types.mjs", str(docs)], cwd=out, check=True, capture_output=True)
    for generated in sorted((CONSOLE / "src" / "api" / "generated").glob("*.ts")):
        fresh = out / "src" / "api" / "generated" / generated.name
        assert fresh.read_text() == generated.read_text(), (
            f"console/src/api/generated/{generated.name} is out of date: run `make docs` and commit it"
        )
