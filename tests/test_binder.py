"""Binder / repo2docker: the repository builds as it is, and the build installs the toolkit.

`jupyter-repo2docker --no-build --debug .` prints the Dockerfile repo2docker would build, without
Docker. The tests assert on that Dockerfile:

* the conda buildpack is chosen (environment.yml) with a Python the toolkit supports;
* the environment is installed *after* the repository is copied into the image (repo2docker does
  that because environment.yml's pip section holds the local requirement `-e .`), so the
  `-e .` install sees pyproject.toml and toolkit/;
* `postBuild` runs after that, and it installs the toolkit (`pip install ... -e .`) and runs the
  doctor, so a build whose toolkit is missing or broken fails.

Needs `jupyter-repo2docker` in the environment: skipped without it, failed when CI=true.
"""
import importlib.util
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON_FLOOR = (3, 10)  # requires-python in pyproject.toml


def _repo2docker_command():
    if importlib.util.find_spec("repo2docker") is None:  # found, not imported (it warns on import)
        return None
    script = Path(sys.executable).with_name("jupyter-repo2docker")
    return [str(script)] if script.exists() else [sys.executable, "-m", "repo2docker"]


@pytest.fixture(scope="module")
def generated():
    """(Dockerfile text, repo2docker's log) for this repository."""
    command = _repo2docker_command()
    if command is None:
        reason = "jupyter-repo2docker is not installed (.venv/bin/python -m pip install jupyter-repo2docker)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"the Binder check must run in CI (CI=true) but {reason}", pytrace=False)
        pytest.skip(f"Binder check skipped: {reason}")
    result = subprocess.run([*command, "--no-build", "--debug", "."], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, f"repo2docker failed:\n{result.stdout}\n{result.stderr}"
    assert "FROM " in result.stdout, f"no Dockerfile printed:\n{result.stdout}\n{result.stderr}"
    return result.stdout, result.stderr


def _line_index(dockerfile: str, pattern: str) -> int:
    lines = dockerfile.splitlines()
    found = [i for i, line in enumerate(lines) if re.search(pattern, line)]
    assert found, f"nothing matches {pattern!r} in the generated Dockerfile"
    return found[0]


def _unescape(text: str) -> str:
    """repo2docker names copied build files with escapism ('-2e' is '.', '-2d' is '-', '-2f' is '/')."""
    return re.sub(r"-([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), text)


def test_conda_buildpack_reads_environment_yml(generated):
    dockerfile, _log = generated
    assert re.search(r'env update -p \$\{NB_PYTHON_PREFIX\} --file "environment\.yml"', dockerfile), \
        "repo2docker did not pick the conda buildpack with environment.yml"


def test_python_version_is_supported(generated):
    dockerfile, _log = generated
    versions = re.findall(r"environment\.py-(\d+)\.(\d+)-", _unescape(dockerfile))
    assert versions, "no base environment lock file named in the Dockerfile"
    assert all((int(major), int(minor)) >= PYTHON_FLOOR for major, minor in versions), versions


def test_environment_is_installed_after_the_repository_is_copied(generated):
    """`-e .` in environment.yml needs the source: repo2docker must copy the repository first."""
    dockerfile, _log = generated
    copy = _line_index(dockerfile, r"^COPY .*\bsrc/ \$\{REPO_DIR\}/")
    env_update = _line_index(dockerfile, r'env update -p \S+ --file "environment\.yml"')
    assert copy < env_update, "environment.yml is installed before the repository is in the image"
    environment = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+- pip:\s*\n\s+- -e \.\s*$", environment, flags=re.MULTILINE), \
        "environment.yml's pip section installs the toolkit (- -e .)"


def test_postbuild_runs_last_and_installs_the_toolkit(generated):
    dockerfile, _log = generated
    copy = _line_index(dockerfile, r"^COPY .*\bsrc/ \$\{REPO_DIR\}/")
    env_update = _line_index(dockerfile, r'env update -p \S+ --file "environment\.yml"')
    post_build = _line_index(dockerfile, r"\./postBuild\b")
    assert copy < env_update < post_build
    assert re.search(r"chmod \+x postBuild", dockerfile) or os.access(ROOT / "postBuild", os.X_OK)

    script = (ROOT / "postBuild").read_text(encoding="utf-8")
    commands = [line.strip() for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert commands[0] == "#!/bin/bash" or script.startswith("#!/bin/bash")
    assert "set -euo pipefail" in commands, "a failing step must fail the build"
    install = [c for c in commands if re.match(r"python -m pip install\b.*\s-e \.$", c)]
    assert install, "postBuild installs the toolkit from the repository (pip install -e .)"
    assert "python -m toolkit.doctor" in commands, "postBuild checks the image with the doctor"
    assert commands.index(install[0]) < commands.index("python -m toolkit.doctor")


def test_postbuild_is_executable_and_valid_bash():
    path = ROOT / "postBuild"
    assert path.stat().st_mode & stat.S_IXUSR, "postBuild must be executable (chmod +x postBuild; git keeps the bit)"
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash to check the syntax with")
    result = subprocess.run([bash, "-n", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_readme_binder_link_opens_the_first_notebook():
    """The README's Binder badge opens notebooks/00_start_here.ipynb in JupyterLab (once it is added)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"https://mybinder\.org/v2/gh/[^)\s\"']+", readme)
    if not links:
        pytest.skip("README.md has no Binder link yet (snippet in docs/deploy.md)")
    target = [link for link in links if "00_start_here.ipynb" in link]
    assert target, links
    path = re.search(r"urlpath=lab(?:/|%2F)tree(?:/|%2F)([^&]+)", target[0]).group(1).replace("%2F", "/")
    assert (ROOT / path).is_file(), f"the Binder link opens {path}, which does not exist"
