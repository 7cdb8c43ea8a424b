"""docs/model.md: its generated parts (formulas, data tables, recommendations) match the code and the data."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_model_doc_is_up_to_date():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "model_doc.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_model_doc_holds_the_formulas_and_every_profile():
    import toolkit

    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    assert "Net benefit** = savings - expected legal loss" in text  # the docstring, one home
    data = toolkit.load_dataset()
    for profile in data.profiles.index:
        assert f"**{data.profiles.loc[profile, 'name_en']}**" in text, profile
    assert "What this model does not capture" in text and "not legal advice" in text
