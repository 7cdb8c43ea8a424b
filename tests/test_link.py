"""``python -m toolkit link``: the nbgitpuller link, in nbgitpuller's documented format.

nbgitpuller's documentation ("Options in an nbgitpuller URL", and its link generator) gives the form
``<hub>/hub/user-redirect/git-pull?repo=...&urlpath=...&branch=...``, each value encoded the way a
browser's URLSearchParams encodes it; ``targetpath`` names the folder in the student's home. The
installed nbgitpuller's own handler reads the same parameter names. tests/test_hub.py follows a
printed link in a real hub, through nbgitpuller itself, and checks that the update arrives.
"""
import inspect
import subprocess
import sys
import urllib.parse
import warnings

import pytest

from toolkit.link import DEFAULT_REPO, nbgitpuller_link


def parts(link):
    split = urllib.parse.urlsplit(link)
    return split, urllib.parse.parse_qsl(split.query, keep_blank_values=True, strict_parsing=True)


def test_the_documented_form_with_every_parameter():
    link = nbgitpuller_link("https://hub.example.edu", "https://github.com/OWNER/REPO", "main")
    assert link == ("https://hub.example.edu/hub/user-redirect/git-pull"
                    "?repo=https%3A%2F%2Fgithub.com%2FOWNER%2FREPO"
                    "&urlpath=lab%2Ftree%2Fsmm-lab%2Fnotebooks%2F00_start_here.ipynb"
                    "&branch=main&targetpath=smm-lab")


def test_defaults_the_hubs_shared_copy_and_no_branch():
    split, query = parts(nbgitpuller_link("https://hub.example.edu/"))
    assert split.path == "/hub/user-redirect/git-pull"
    assert query == [("repo", DEFAULT_REPO), ("urlpath", "lab/tree/smm-lab/notebooks/00_start_here.ipynb"),
                     ("targetpath", "smm-lab")]


def test_a_hub_under_a_prefix_keeps_it():
    for hub in ("https://uni.example.edu/jupyter", "https://uni.example.edu/jupyter/"):
        assert urllib.parse.urlsplit(nbgitpuller_link(hub)).path == "/jupyter/hub/user-redirect/git-pull"


def test_the_dashboard_and_another_notebook():
    _, query = parts(nbgitpuller_link("http://127.0.0.1:8000", app="voila", open_path="app/explorer.ipynb"))
    assert dict(query)["urlpath"] == "voila/render/smm-lab/app/explorer.ipynb"
    _, query = parts(nbgitpuller_link("http://127.0.0.1:8000", open_path="/notebooks/05_case_study.ipynb"))
    assert dict(query)["urlpath"] == "lab/tree/smm-lab/notebooks/05_case_study.ipynb"


def test_values_are_encoded_like_urlsearchparams():
    """URLSearchParams keeps letters, digits and *-._ ; a space is '+'; every other byte is %XX (~ too)."""
    link = nbgitpuller_link("https://hub.example.edu", "https://git.example.org/a b~c*d?e=f&g", "dev/x y")
    query = urllib.parse.urlsplit(link).query
    assert "repo=https%3A%2F%2Fgit.example.org%2Fa+b%7Ec*d%3Fe%3Df%26g" in query
    assert "branch=dev%2Fx+y" in query
    _, decoded = parts(link)
    assert dict(decoded)["repo"] == "https://git.example.org/a b~c*d?e=f&g"


def test_nbgitpullers_handler_reads_these_parameter_names():
    pytest.importorskip("nbgitpuller")
    with warnings.catch_warnings():  # imported outside a server, it guesses its base handler and says so
        warnings.simplefilter("ignore")
        from nbgitpuller import handlers

    ui, sync = inspect.getsource(handlers.UIHandler.get), inspect.getsource(handlers.SyncHandler.get)
    _, query = parts(nbgitpuller_link("https://hub.example.edu", "https://github.com/OWNER/REPO", "main"))
    for name, _ in query:
        assert f"get_argument('{name}'" in ui, f"nbgitpuller's page does not read {name!r}"
    for name in ("repo", "branch", "targetpath"):
        assert f"get_argument('{name}'" in sync, f"nbgitpuller's pull does not read {name!r}"


@pytest.mark.parametrize("kwargs, message", [
    ({"hub": "hub.example.edu"}, "--hub"),
    ({"hub": "ftp://hub.example.edu"}, "--hub"),
    ({"hub": "https://hub.example.edu/?x=1"}, "--hub"),
    ({"hub": "https://hub.example.edu", "repo": " "}, "--repo"),
    ({"hub": "https://hub.example.edu", "branch": ""}, "--branch"),
    ({"hub": "https://hub.example.edu", "open_path": "../../etc/passwd"}, "--open"),
    ({"hub": "https://hub.example.edu", "target": ".."}, "--target"),
    ({"hub": "https://hub.example.edu", "app": "rstudio"}, "--app"),
])
def test_bad_input_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        nbgitpuller_link(**kwargs)


def test_the_command_prints_the_link_and_refuses_a_bad_hub():
    done = subprocess.run([sys.executable, "-m", "toolkit", "link", "--hub", "https://hub.example.edu",
                           "--repo", "https://github.com/OWNER/REPO", "--branch", "main"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == nbgitpuller_link("https://hub.example.edu", "https://github.com/OWNER/REPO", "main") + "\n"
    done = subprocess.run([sys.executable, "-m", "toolkit", "link", "--hub", "hub.example.edu"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.startswith("error: --hub") and not done.stdout
