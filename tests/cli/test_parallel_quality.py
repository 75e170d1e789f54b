"""``align parallel --quality``: the option exists and refuses unknown presets."""

from __future__ import annotations

from click.testing import CliRunner

from align.cli import cli


def test_quality_option_lists_its_presets_and_refuses_others() -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["parallel", "--help"])
    assert out.exit_code == 0 and "fast|best" in out.output.replace(" ", "")
    bad = runner.invoke(cli, ["parallel", "a", "b", "--quality", "ultra"])
    assert bad.exit_code == 2 and "ultra" in bad.output
