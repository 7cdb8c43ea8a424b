"""``python -m toolkit link``: the nbgitpuller link a teacher hands out on a JupyterHub.

One click on the link, once logged in, makes nbgitpuller (a Jupyter server extension, in TLJH's user
environment and in the image of docs/deploy.md) bring the student's copy of the lab up to date and open a
notebook: the first time it clones the repository into the student's home folder; later it merges the new
version into that copy, keeping what the student changed (nbgitpuller's "automatic merging").

The link has nbgitpuller's documented form (its link generator builds the same)::

    https://HUB/hub/user-redirect/git-pull?repo=REPO&urlpath=lab%2Ftree%2Fsmm-lab%2Fnotebooks%2F00_start_here.ipynb&branch=BRANCH&targetpath=smm-lab

* ``repo``: anything ``git clone`` accepts. The default, ``/srv/smm-lab``, is the shared copy of
  deploy/jupyterhub_config.py: the students' copies were cloned from it on their first start, so the
  link brings them whatever the administrator pulled into it (``sudo git -C /srv/smm-lab pull``), with
  the toolkit and data/ of the same version. On a hub without the shared copy, give the published
  repository (``--repo https://github.com/OWNER/REPO``). nbgitpuller updates a copy that exists from
  the repository it was cloned from (``git fetch`` of its origin): a student whose copy the first start
  made from /srv/smm-lab gets /srv/smm-lab's version whatever ``repo`` says; ``repo`` is what a student
  without a copy gets.
* ``urlpath``: what opens afterwards, relative to the student's server (JupyterLab on notebook 00 by
  default; ``--app voila --open app/explorer.ipynb`` for the dashboard alone).
* ``branch``: only when given (nbgitpuller then uses the repository's default branch).
* ``targetpath``: the folder in the student's home, ``smm-lab`` like the first start, so that the link
  updates the copy the student already works in instead of making a second one.

Parameters are encoded as a browser's ``URLSearchParams`` encodes them (what nbgitpuller's link generator
uses). Only the standard library is imported.
"""
from __future__ import annotations

import argparse
import posixpath
import sys
from urllib.parse import urlsplit, urlunsplit

__all__ = ["nbgitpuller_link", "add_arguments", "run", "DEFAULT_REPO", "DEFAULT_TARGET", "DEFAULT_OPEN", "APPS"]

DEFAULT_REPO = "/srv/smm-lab"  # the shared copy of deploy/jupyterhub_config.py (SMM_LAB_ROOT)
DEFAULT_TARGET = "smm-lab"  # the student's copy in their home folder (deploy/start-student-server)
DEFAULT_OPEN = "notebooks/00_start_here.ipynb"
# How each interface opens a file, relative to the student's server (nbgitpuller's urlpath).
APPS = {"lab": "lab/tree/", "voila": "voila/render/"}

# application/x-www-form-urlencoded as URLSearchParams writes it (WHATWG URL standard): these bytes stay,
# a space becomes '+', every other byte is %XX.
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-._")


def _form_encode(text: str) -> str:
    return "".join(chr(byte) if byte in _UNRESERVED else "+" if byte == 0x20 else f"%{byte:02X}"
                   for byte in text.encode("utf-8"))


def _relative(path: str, what: str) -> str:
    clean = posixpath.normpath(path.strip().replace("\\", "/")).lstrip("/") if path.strip() else ""
    if not clean or clean == "." or clean.split("/")[0] == "..":
        raise ValueError(f"{what} must be a path inside the student's folder, not {path!r}")
    return clean


def nbgitpuller_link(hub: str, repo: str = DEFAULT_REPO, branch: str | None = None, *,
                     open_path: str = DEFAULT_OPEN, app: str = "lab", target: str = DEFAULT_TARGET) -> str:
    """The nbgitpuller link for ``hub`` (its public address, e.g. ``https://hub.example.edu``).

    ValueError for an address that is not http(s) with a host, an empty repo or branch, an unknown app,
    or a path outside the student's folder.
    """
    parts = urlsplit(hub.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"--hub must be the hub's address, like https://hub.example.edu, not {hub!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"--hub must be the hub's address without ?query or #fragment, not {hub!r}")
    if not repo or not repo.strip():
        raise ValueError("--repo must not be empty")
    if branch is not None and not branch.strip():
        raise ValueError("--branch must not be empty (leave it out for the repository's default branch)")
    if app not in APPS:
        raise ValueError(f"--app must be one of {', '.join(APPS)}, not {app!r}")
    target = _relative(target, "--target")
    urlpath = APPS[app] + posixpath.join(target, _relative(open_path, "--open"))
    # Like the link generator: the hub's path (a hub under a prefix keeps it) + hub/user-redirect/git-pull.
    path = (parts.path if parts.path.endswith("/") else parts.path + "/") + "hub/user-redirect/git-pull"
    params = [("repo", repo.strip()), ("urlpath", urlpath)]
    if branch is not None:
        params.append(("branch", branch.strip()))
    params.append(("targetpath", target))
    query = "&".join(f"{name}={_form_encode(value)}" for name, value in params)
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hub", required=True, metavar="URL", help="the hub's public address, e.g. https://hub.example.edu")
    parser.add_argument("--repo", default=DEFAULT_REPO, metavar="URL",
                        help=f"the git repository to pull (default {DEFAULT_REPO}, the hub's shared copy; "
                             "e.g. https://github.com/OWNER/REPO on a hub without it)")
    parser.add_argument("--branch", metavar="B", help="the branch (default: the repository's default branch)")
    parser.add_argument("--open", dest="open_path", default=DEFAULT_OPEN, metavar="PATH",
                        help=f"the file to open, inside the repository (default {DEFAULT_OPEN})")
    parser.add_argument("--app", choices=sorted(APPS), default="lab",
                        help="open it in JupyterLab (default) or as a Voila dashboard")
    parser.add_argument("--target", default=DEFAULT_TARGET, metavar="DIR",
                        help=f"the folder in the student's home (default {DEFAULT_TARGET}, where their copy is)")


def run(args: argparse.Namespace) -> int:
    try:
        print(nbgitpuller_link(args.hub, args.repo, args.branch, open_path=args.open_path, app=args.app,
                               target=args.target))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
