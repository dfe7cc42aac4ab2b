"""A sweep's base named by a path the file system cannot hold is refused, naming the field."""

import pytest

from computemarket.errors import ScenarioError
from computemarket.experiments.sweep_file import load_sweep


def test_a_base_name_too_long_for_the_file_system_is_refused(tmp_path):
    file = tmp_path / "s.toml"
    file.write_text(
        f'[sweep]\nname = "s"\nbase = "{"x" * 600}"\npaths = 4\n'
        '[design]\nkind = "grid"\n[[axes]]\npath = "demand.volatility"\nvalues = [0.2, 0.3]\n'
    )
    with pytest.raises(ScenarioError) as caught:
        load_sweep(file)
    assert [p.field for p in caught.value.problems] == ["sweep.base"]
