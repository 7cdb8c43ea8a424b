"""deploy/z2jh/config.yaml checked against the real Zero to JupyterHub chart, the way Helm checks it.

``../shared/z2jh/`` (beside the repository) holds the chart's ``values.schema.yaml`` and default
``values.yaml``. Helm deep-merges the defaults with the user's config.yaml (maps key by key, anything
else replaced), then validates the result against the schema (JSON Schema draft 7). The tests do the
same with PyYAML and jsonschema, and show that a misspelt key is caught. Skipped, with the reason, when
``../shared/z2jh/`` is absent. The course's settings must also agree with deploy/jupyterhub_config.py,
and docs/deploy.md must point to both files rather than hold a copy.
"""
import copy
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "z2jh" / "config.yaml"
HUB_CONFIG = ROOT / "deploy" / "jupyterhub_config.py"
CHART = ROOT.parent / "shared" / "z2jh"
GUIDE = ROOT / "docs" / "deploy.md"


def deep_merge(defaults, overrides):
    """Helm's merge of a chart's values with the user's: maps key by key, anything else replaced."""
    merged = copy.deepcopy(defaults)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


@pytest.fixture(scope="module")
def chart():
    if not (CHART / "values.schema.yaml").is_file() or not (CHART / "values.yaml").is_file():
        pytest.skip(f"the Zero to JupyterHub chart's values.schema.yaml and values.yaml are not in {CHART} "
                    "(../shared/z2jh/ beside the repository): cannot check deploy/z2jh/config.yaml against it")
    schema = yaml.safe_load((CHART / "values.schema.yaml").read_text(encoding="utf-8"))
    defaults = yaml.safe_load((CHART / "values.yaml").read_text(encoding="utf-8"))
    return schema, defaults


def errors(chart, config: dict) -> list[str]:
    import jsonschema

    schema, defaults = chart
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'.'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
            for error in validator.iter_errors(deep_merge(defaults, config))]


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


def test_the_chart_defaults_alone_validate(chart):
    assert errors(chart, {}) == []


def test_config_yaml_validates_against_the_chart(chart, config):
    assert errors(chart, config) == []


@pytest.mark.parametrize("path, value", [
    (("singleuser", "memory", "guarante"), "512M"),  # a misspelt key
    (("singleuser", "defaulturl"), "/lab"),  # wrong case
    (("cull", "timout"), 1800),
    (("singleuser", "cpu", "limit"), "one"),  # a wrong type
])
def test_a_mistake_in_config_yaml_is_caught(chart, config, path, value):
    broken = copy.deepcopy(config)
    node = broken
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    found = errors(chart, broken)
    assert found, f"{'.'.join(path)} = {value!r} was not caught"
    assert any(".".join(path[:-1]) in error for error in found), found


def test_the_course_settings_agree_with_the_one_server_config(config):
    """Default URL, limits, idle time-out, kernel culling and the start script: the same in both files."""
    text = HUB_CONFIG.read_text(encoding="utf-8")
    singleuser = config["singleuser"]
    default_url = re.search(r'c\.Spawner\.default_url = f"(.*)"', text).group(1).replace("{STUDENT_FOLDER}", "smm-lab")
    assert singleuser["defaultUrl"] == default_url
    assert singleuser["memory"]["limit"] == re.search(r'c\.Spawner\.mem_limit = "(.*)"', text).group(1)
    assert float(singleuser["cpu"]["limit"]) == float(re.search(r"c\.Spawner\.cpu_limit = (.*)", text).group(1))
    assert config["cull"]["enabled"] is True
    assert str(config["cull"]["timeout"]) == re.search(r"IDLE_TIMEOUT = (\d+)", text).group(1)
    assert singleuser["cmd"][0] == "/srv/smm-lab/deploy/start-student-server"
    assert (ROOT / "deploy" / "start-student-server").is_file()
    for flag in ("--MappingKernelManager.cull_idle_timeout=1200", "--MappingKernelManager.cull_interval=120"):
        assert flag in singleuser["cmd"] and flag in text
    assert singleuser["extraEnv"]["SMM_LAB_ROOT"] == "/srv/smm-lab"


def test_the_guide_points_to_the_files_instead_of_copying_them():
    guide = GUIDE.read_text(encoding="utf-8")
    for path in ("deploy/jupyterhub_config.py", "deploy/z2jh/config.yaml", "deploy/start-student-server"):
        assert path in guide, f"docs/deploy.md does not mention {path}"
    blocks = re.findall(r"```(?:yaml|python)\n(.*?)```", guide, flags=re.S)
    assert not [block for block in blocks if "singleuser:" in block or "c.Spawner" in block], \
        "docs/deploy.md holds a copy of a configuration file: point to the file in deploy/ instead"
