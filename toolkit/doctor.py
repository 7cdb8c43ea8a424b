"""``python -m toolkit doctor``: is this installation ready for the lab?

Checks, in order, and for each problem prints a ``PROBLEM:`` line and a ``FIX:`` line
(usually the command to run)::

    python      Python is recent enough (the toolkit's ``Requires-Python``, >= 3.10)
    packages    every runtime dependency is installed, imports, and meets its lower bound
                (the bounds are read from the installed toolkit's own metadata, i.e. pyproject.toml)
    widgets     JupyterLab's widget extension ``@jupyter-widgets/jupyterlab-manager`` is installed
                and matches the kernel's ipywidgets (8.x needs manager 5.x, 7.x needs 3.x); a
                mismatch is the usual cause of "Error displaying widget"
    data        ``data/`` loads and validates (the same check as ``python -m toolkit validate``)
    notebooks   every student notebook listed in ``notebooks/manifest.yml`` is there (English
                and Italian) and readable

From a notebook cell: ``toolkit.check_setup()`` checks the kernel the notebook runs in, which is
the Python that matters for the widgets. From a terminal: ``python -m toolkit doctor``
(exit status 0 when everything is fine, 1 otherwise).

Importing this module is cheap: only the standard library is imported here; pandas,
matplotlib, ipywidgets and friends are imported inside the checks that need them.
"""
from __future__ import annotations

import argparse
import functools
import importlib
import importlib.util
import importlib.metadata as metadata
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["check_setup", "main", "Report", "Finding", "check_python", "check_packages", "check_widgets",
           "check_data", "check_notebooks", "DISTRIBUTION", "WIDGET_MANAGER"]

DISTRIBUTION = "smm-outsourcing-toolkit"
WIDGET_MANAGER = "@jupyter-widgets/jupyterlab-manager"
DEFAULT_REQUIRES_PYTHON = ">=3.10"
# ipywidgets major version in the kernel -> major version of the JupyterLab extension
# @jupyter-widgets/jupyterlab-manager that speaks its protocol (shipped by jupyterlab_widgets:
# ipywidgets 8 <-> jupyterlab_widgets 3.x <-> manager 5.x; ipywidgets 7 <-> jupyterlab_widgets 1.x <-> manager 3.x).
MANAGER_MAJOR_FOR_IPYWIDGETS = {8: 5, 7: 3}
JUPYTERLAB_WIDGETS_FOR_IPYWIDGETS = {8: "3.*", 7: "1.*"}
MANIFEST = "manifest.yml"  # in notebooks/: the list of the lab's notebooks
# Run by the Jupyter server, not by the kernel: only located (find_spec), not imported (jupyterlab takes seconds).
SERVER_SIDE = {"jupyterlab", "voila", "notebook", "jupyter-server"}

_PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Finding:
    """One line of the report: a check's result, and for a problem the fix."""
    check: str
    ok: bool
    message: str
    fix: str = ""


@dataclass
class Report:
    """What :func:`check_setup` found. True when every check passed (``bool(report)``)."""
    root: Path
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(finding.ok for finding in self.findings)

    @property
    def problems(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.ok]

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return "\n".join([line for finding in self.findings for line in _lines(finding)] + [_verdict(self)])

    def __repr__(self) -> str:
        state = "all checks passed" if self.ok else f"{len(self.problems)} problem(s)"
        return f"<toolkit doctor report: {state}>"


def _lines(finding: Finding) -> list[str]:
    if finding.ok:
        return [f"ok       {finding.check}: {finding.message}"]
    return [f"PROBLEM: {finding.check}: {finding.message}", f"FIX: {finding.fix}"]


def _verdict(report: Report) -> str:
    if report.ok:
        return "All checks passed: ready for the lab."
    count = len(report.problems)
    return f"{count} problem{'s' if count != 1 else ''} found: apply each FIX above, then run the doctor again."


# ------------------------------------------------------------------------------- helpers


def _pip(*args: str) -> str:
    """A pip command for the Python running this check (quoted for a POSIX shell)."""
    quoted = " ".join(f'"{arg}"' if any(c in arg for c in "<>=*~! ") else arg for arg in args)
    return f"{_shell_path(sys.executable)} -m pip install {quoted}"


def _shell_path(path) -> str:
    text = str(path)
    return f'"{text}"' if " " in text else text


def _distribution_name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", requirement).lower()


def _runtime_requirements() -> list[str] | None:
    """The toolkit's runtime requirements (no extras), e.g. ['pandas>=2.1', ...]; None if not installed."""
    try:
        requirements = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return None
    return list(requirements)  # extras ('...; extra == "test"') are skipped by their marker in check_packages


def _requires_python() -> str:
    try:
        return metadata.metadata(DISTRIBUTION).get("Requires-Python") or DEFAULT_REQUIRES_PYTHON
    except metadata.PackageNotFoundError:
        return DEFAULT_REQUIRES_PYTHON


@functools.lru_cache(maxsize=1)
def _packages_distributions() -> dict:
    try:
        return metadata.packages_distributions()
    except Exception:  # noqa: BLE001 - a broken metadata folder must not stop the doctor
        return {}


def _import_name(distribution: str) -> str:
    """The main module of a distribution ('PyYAML' -> 'yaml'): the one named like it, else the first."""
    guess = _distribution_name(distribution).replace("-", "_")
    mapping = _packages_distributions()
    modules = sorted(module for module, dists in mapping.items()
                     if not module.startswith("_") and any(_distribution_name(d) == _distribution_name(distribution)
                                                           for d in dists))
    return guess if guess in modules or not modules else modules[0]


# ------------------------------------------------------------------------------- checks


def _python_fits(version: str, spec: str) -> bool:
    try:
        from packaging.specifiers import SpecifierSet
    except ImportError:  # packaging comes with matplotlib and JupyterLab; read a plain '>=X.Y' without it
        match = re.fullmatch(r"\s*>=\s*(\d+)\.(\d+)\s*", spec)
        wanted = (int(match.group(1)), int(match.group(2))) if match else (3, 10)
        return tuple(int(part) for part in version.split(".")[:2]) >= wanted
    return SpecifierSet(spec).contains(version, prereleases=True)


def check_python(version_info=None, requires: str | None = None) -> list[Finding]:
    """Python is at least the version the toolkit needs (``Requires-Python``)."""
    info = tuple(version_info or sys.version_info)
    version = ".".join(str(part) for part in info[:3])
    spec = requires or _requires_python()
    if _python_fits(version, spec):
        return [Finding("python", True, f"Python {version} ({spec} needed) at {sys.executable}")]
    return [Finding("python", False, f"Python {version} is too old: the toolkit needs Python {spec}",
                    "install a newer Python (Debian/Ubuntu: sudo apt-get install python3.11 python3.11-venv), then "
                    "recreate the environment: make clean && make lab PYTHON=python3.11")]


def check_packages(requirements: list[str] | None = None, root: Path | None = None) -> list[Finding]:
    """Each runtime dependency is installed, imports, and meets the lower bound from pyproject.toml."""
    root = Path(root) if root is not None else _PROJECT_ROOT
    try:
        from packaging.requirements import InvalidRequirement, Requirement
    except ImportError:
        return [Finding("packages", False, "the 'packaging' module is missing, so versions cannot be compared "
                                           "(it comes with matplotlib and JupyterLab: the environment is incomplete)",
                        _pip("-e", _shell_path(root)))]
    if requirements is None:
        requirements = _runtime_requirements()
    if requirements is None:
        return [Finding("packages", False,
                        f"the toolkit ({DISTRIBUTION}) is not installed in this Python ({sys.executable}), "
                        "so its dependencies cannot be checked",
                        _pip("-e", _shell_path(root)) + "   (installs the toolkit and its dependencies)")]
    findings, good = [], []
    for text in requirements:
        try:
            requirement = Requirement(text)
        except InvalidRequirement as exc:
            findings.append(Finding("packages", False, f"cannot read the requirement {text!r} ({exc})",
                                    _pip("--force-reinstall", "-e", _shell_path(root))))
            continue
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        name, spec = requirement.name, str(requirement.specifier)
        wanted = f"{name}{spec}"
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            findings.append(Finding("packages", False, f"{name} is not installed ({wanted} needed)", _pip(wanted)))
            continue
        if spec and not requirement.specifier.contains(installed, prereleases=True):
            findings.append(Finding("packages", False, f"{name} {installed} is installed but {wanted} is needed",
                                    _pip("--upgrade", wanted)))
            continue
        failure, module = None, _import_name(name)
        try:
            if _distribution_name(name) in SERVER_SIDE:
                if importlib.util.find_spec(module) is None:
                    raise ModuleNotFoundError(f"No module named {module!r}")
            else:
                importlib.import_module(module)
        except Exception as exc:  # noqa: BLE001 - any import failure (a broken binary, a missing piece) is the finding
            failure = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")
        if failure:
            findings.append(Finding("packages", False, f"{name} {installed} is installed but does not import "
                                                       f"({failure})", _pip("--force-reinstall", wanted)))
            continue
        good.append(f"{name} {installed}")
    if not findings:
        findings.append(Finding("packages", True, ", ".join(good) if good else "no runtime dependencies listed"))
    return findings


def _manager_versions(paths) -> list[tuple[Path, str | None]]:
    """(package.json, version or None if unreadable) for each copy of the widget manager, in path order."""
    found = []
    for folder in paths:
        package = Path(folder) / WIDGET_MANAGER / "package.json"
        if package.is_file():
            try:
                version = str(json.loads(package.read_text(encoding="utf-8"))["version"])
            except (OSError, ValueError, KeyError, TypeError):
                version = None
            found.append((package, version))
    return found


def _major(version: str | None) -> int | None:
    match = re.match(r"\s*v?(\d+)", version or "")
    return int(match.group(1)) if match else None


def check_widgets(paths=None, ipywidgets_version: str | None = None) -> list[Finding]:
    """JupyterLab's widget extension is installed and speaks the kernel's ipywidgets protocol.

    ``paths``: the folders JupyterLab looks in for prebuilt extensions (default: the Jupyter
    data path ``jupyter_path("labextensions")``, which honours ``JUPYTER_PATH``). JupyterLab uses
    the first copy it finds, so that is the one compared with the kernel's ipywidgets.
    """
    if ipywidgets_version is None:
        try:
            ipywidgets_version = metadata.version("ipywidgets")
        except metadata.PackageNotFoundError:
            return [Finding("widgets", False, "ipywidgets is not installed in this kernel: the dashboards cannot run",
                            _pip("ipywidgets>=8.1"))]
    if paths is None:
        try:
            from jupyter_core.paths import jupyter_path
        except ImportError:
            return [Finding("widgets", False, "jupyter_core is not installed: JupyterLab is missing from this Python",
                            _pip("jupyterlab>=4.2", "ipywidgets>=8.1"))]
        paths = jupyter_path("labextensions")
    paths = [Path(p) for p in paths]
    kernel_major = _major(ipywidgets_version)
    manager_major = MANAGER_MAJOR_FOR_IPYWIDGETS.get(kernel_major)
    frontend = JUPYTERLAB_WIDGETS_FOR_IPYWIDGETS.get(kernel_major, "")
    reinstall = _pip("--force-reinstall", "--no-deps", f"ipywidgets=={ipywidgets_version}",
                     *([f"jupyterlab_widgets=={frontend}"] if frontend else []))
    restart = "then stop JupyterLab (Ctrl+C), start it again and reload the browser page"
    copies = _manager_versions(paths)
    if not copies:
        where = ", ".join(str(p) for p in paths) or "(no Jupyter data folders)"
        return [Finding("widgets", False,
                        f"JupyterLab's widget extension {WIDGET_MANAGER} was not found (looked in {where}): "
                        "dashboards will show 'Error displaying widget' or stay at 'Loading widget...'",
                        f"{reinstall}; {restart}. If JupyterLab runs from another environment than this kernel, "
                        "run the same command with that environment's python")]
    package, version = copies[0]
    if version is None:
        return [Finding("widgets", False, f"{package} cannot be read (no version in it)",
                        f"delete the folder {package.parent}, then {reinstall}; {restart}")]
    found_major = _major(version)
    shadowed = [f"{p} ({v})" for p, v in copies[1:] if _major(v) != found_major]
    if manager_major is None:
        return [Finding("widgets", True, f"ipywidgets {ipywidgets_version} in the kernel, {WIDGET_MANAGER} {version} "
                                         f"in {package.parent} (no known pairing for ipywidgets {kernel_major}.x: "
                                         "not compared)")]
    if found_major != manager_major:
        stale = package.parent
        fix = (f"{reinstall}; if {stale} belongs to another installation (for example under ~/.local), delete that "
               f"folder; {restart}")
        return [Finding("widgets", False,
                        f"the kernel has ipywidgets {ipywidgets_version}, which needs {WIDGET_MANAGER} "
                        f"{manager_major}.x in JupyterLab, but JupyterLab loads {version} from {stale}: widgets "
                        "will show 'Error displaying widget'", fix)]
    note = f"; other copies, not used: {', '.join(shadowed)}" if shadowed else ""
    return [Finding("widgets", True, f"ipywidgets {ipywidgets_version} in the kernel matches {WIDGET_MANAGER} "
                                     f"{version} in {package.parent}{note}")]


def check_data(root: Path | None = None) -> list[Finding]:
    """``data/`` loads and validates (file, line and column of the first problem otherwise)."""
    root = Path(root) if root is not None else _PROJECT_ROOT
    folder = root / "data"
    try:
        from .data import DataError, load_dataset
    except Exception as exc:  # noqa: BLE001 - e.g. pandas missing; the packages check says which
        return [Finding("data", False, f"the data loader cannot start ({type(exc).__name__}: {exc})",
                        "fix the 'packages' problems above first")]
    validate = f"{_shell_path(sys.executable)} -m toolkit validate --data {_shell_path(folder)}"
    try:
        dataset = load_dataset(folder)
    except DataError as exc:
        if not folder.is_dir():
            fix = ("the toolkit reads data/ next to its source: put the project folder back (git clone or "
                   f"re-download) and install it from there with {_pip('-e', '<project folder>')}")
        else:
            fix = (f"correct {exc.path.name if exc.path else 'the file'}"
                   f"{f' at line {exc.line}' if exc.line else ''}{f', column {exc.column!r}' if exc.column else ''} "
                   "in a spreadsheet or text editor (or restore the original with "
                   f"git checkout -- data/), then check again with: {validate}")
        return [Finding("data", False, str(exc), fix)]
    except OSError as exc:
        return [Finding("data", False, f"the data package description cannot be read ({exc})",
                        f"the toolkit must be installed from its project folder: {_pip('-e', '<project folder>')}")]
    except Exception as exc:  # noqa: BLE001 - report, never crash the doctor
        return [Finding("data", False, f"loading {folder} failed ({type(exc).__name__}: {exc})",
                        f"run {validate} to see the details; fix the 'packages' problems above first if any")]
    sizes = ", ".join(f"{name} {len(getattr(dataset, name))}" for name in ("services", "legal_areas", "clauses"))
    return [Finding("data", True, f"{folder} validates ({sizes})")]


def check_notebooks(root: Path | None = None) -> list[Finding]:
    """Every student notebook of ``notebooks/manifest.yml`` is there, in each language, and readable."""
    root = Path(root) if root is not None else _PROJECT_ROOT
    folder = root / "notebooks"
    rebuild = f"{_shell_path(sys.executable)} tools/build_notebooks.py"
    restore = f"restore them with git checkout -- notebooks/ (or regenerate: {rebuild}), or open the course link again"
    if not folder.is_dir():
        return [Finding("notebooks", False, f"the folder {folder} is missing", restore)]
    try:
        expected = _student_notebooks(root)
    except Exception as exc:  # noqa: BLE001 - a damaged manifest (missing, bad YAML, keys missing) is the finding
        return [Finding("notebooks", False, f"{folder / MANIFEST} cannot be read ({type(exc).__name__}: {exc}), so "
                                            "the list of notebooks is unknown",
                        f"restore it with git checkout -- notebooks/{MANIFEST}")]
    findings, found = [], []
    for notebook in expected:
        relative = notebook.relative_to(root).as_posix()
        if not notebook.is_file():
            findings.append(Finding("notebooks", False, f"the notebook {relative} is missing", restore))
            continue
        try:
            content = json.loads(notebook.read_text(encoding="utf-8"))
            if not isinstance(content, dict) or not isinstance(content.get("cells"), list):
                raise ValueError("no list of cells")
        except (OSError, ValueError) as exc:
            findings.append(Finding("notebooks", False, f"{notebook} is not a readable notebook ({exc})",
                                    f"restore it with git checkout -- {relative} (your edits to it are lost), or "
                                    f"regenerate the notebooks: {rebuild}"))
            continue
        found.append(notebook)
    if not findings:
        folders = " and ".join(sorted({str(path.parent) for path in found}))
        names = sorted({path.stem for path in found})
        findings.append(Finding("notebooks", True, f"{len(found)} notebooks in {folders} ({names[0]} .. {names[-1]})"))
    return findings


def _student_notebooks(root: Path) -> list[Path]:
    """The student notebooks the manifest lists, in each of their languages' folders.

    Student notebooks are the entries of ``notebooks:`` without an ``edition`` or with
    ``edition: student`` (the others are the instructor edition's and the app's); each is
    written to ``student_folders[lang]/<name>.ipynb`` for each of its languages.
    """
    import yaml  # a runtime dependency; imported here so that importing the doctor stays light

    manifest = yaml.safe_load((root / "notebooks" / MANIFEST).read_text(encoding="utf-8"))
    folders = manifest["student_folders"]
    return [root / folders[lang] / f"{entry['name']}.ipynb"
            for entry in manifest["notebooks"] if entry.get("edition", "student") == "student"
            for lang in entry.get("languages", manifest["languages"])]


# ------------------------------------------------------------------------------- entry points

def check_setup(root=None, stream=None) -> Report:
    """Check this installation and print what is wrong and how to fix it.

    ``root``: the project folder holding ``data/`` and ``notebooks/`` (default: the folder
    the toolkit was installed from). ``stream``: where to print (default ``sys.stdout``;
    ``False`` prints nothing). Returns a :class:`Report`, true when everything is fine.
    """
    root = Path(root).resolve() if root is not None else _PROJECT_ROOT
    report = Report(root)
    out = None if stream is False else (sys.stdout if stream is None else stream)
    if out is not None:
        print(f"toolkit doctor: checking {root} with {sys.executable}", file=out)
    for check in (lambda: check_python(), lambda: check_packages(root=root), lambda: check_widgets(),
                  lambda: check_data(root), lambda: check_notebooks(root)):
        try:
            findings = check()
        except Exception as exc:  # noqa: BLE001 - a doctor that crashes helps nobody
            findings = [Finding("doctor", False, f"a check failed unexpectedly ({type(exc).__name__}: {exc})",
                                "report this to the teacher with the whole output")]
        report.findings.extend(findings)
        if out is not None:
            for finding in findings:
                print("\n".join(_lines(finding)), file=out)
            if hasattr(out, "flush"):
                out.flush()  # show progress in a notebook while the slower checks run
    if out is not None:
        print(_verdict(report), file=out)
    return report


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The doctor's options, for ``python -m toolkit doctor``."""
    parser.add_argument("--root", metavar="DIR", default=None,
                        help="project folder holding data/ and notebooks/ (default: the installed checkout)")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the doctor for parsed arguments; the exit status (0 fine, 1 a problem)."""
    return check_setup(root=getattr(args, "root", None)).exit_code


def main(argv=None) -> int:
    """``python -m toolkit.doctor [--root DIR]``: 0 when everything is fine, 1 otherwise."""
    parser = add_arguments(argparse.ArgumentParser(
        prog="python -m toolkit doctor",
        description="Check Python, the packages, JupyterLab's widget extension, data/ and notebooks/; "
                    "print a fix for each problem. Exit status 1 when something is wrong."))
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
