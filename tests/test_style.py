"""Styles: shipped files, inheritance, validation naming key and file, lookup order."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT

from exporter.errors import StyleError
from exporter.style import PAGE_SIZES, Style, available_styles, find_style_file, load_style


def test_shipped_styles_are_valid_and_visibly_different(default_style: Style, a4_style: Style) -> None:
    assert (default_style.page.width, default_style.page.height) == PAGE_SIZES["letter"]
    assert (a4_style.page.width, a4_style.page.height) == PAGE_SIZES["a4"]
    assert default_style.roles.body.font != a4_style.roles.body.font
    assert default_style.colors.accent != a4_style.colors.accent
    assert a4_style.marking == "INTERNAL" and default_style.marking == ""
    assert default_style.pdf.min_body_size <= default_style.pdf.max_body_size


def test_inheritance_merges_tables(tmp_path: Path) -> None:
    (tmp_path / "child.toml").write_text(
        f'inherit = "{ROOT / "styles" / "default.toml"}"\n[roles.body]\nsize = 9\n[brand]\norganisation = "X"\n'
    )
    child = load_style(str(tmp_path / "child.toml"))
    parent = load_style("default", cwd=ROOT)
    assert child.roles.body.size == 9 and child.roles.body.font == parent.roles.body.font
    assert child.brand.organisation == "X" and child.roles.title == parent.roles.title
    assert child.name == "child"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(f'inherit = "{ROOT / "styles" / "default.toml"}"\n{body}\n')
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("colour = 1", "unknown key `colour`"),
        ("[roles.body]\ncolour = '#000000'", "unknown key `roles.body.colour`"),
        ("[roles.heading]\nfont = 'Comic Sans'", "roles.heading.font"),
        ("[roles.heading]\nsize = 'big'", "roles.heading.size"),
        ("[roles.heading]\ncolor = 'red'", "roles.heading.color"),
        ("[page]\nsize = 'b5'", "page.size"),
        ("[page]\nmargins = { top = '3 furlongs' }", "page.margins.top"),
        ("[page]\nborder = 1", "unknown key `page.border`"),
        ("[pdf]\nmin_body_size = 12\nmax_body_size = 8", "min_body_size"),
        ("[pdf]\ncolumns = 7", "pdf.columns"),
        ("[roles]\nextra = { font = 'serif', size = 10 }", "unknown key `roles.extra`"),
        ("[lists]\nordered = ['decimal', 'lower-greek']", "`lists.ordered[1]` is 'lower-greek'; use one of: decimal"),
        ("[lists]\nordered = []", "`lists.ordered` must name 1 to 9 formats"),
        ("[lists]\nordered = " + str(["decimal"] * 10), "`lists.ordered` must name 1 to 9 formats"),
        ("[lists]\nordered = 'decimal'", "lists.ordered"),
        ("[lists]\nordered = [1, 2]", "lists.ordered"),
        ("[lists]\nbullets = ['disc']", "unknown key `lists.bullets`"),
    ],
)
def test_bad_style_files_name_key_and_file(tmp_path: Path, body: str, message: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(StyleError) as info:
        load_style(str(path))
    assert message in str(info.value) and str(path.name) in str(info.value)


def test_invalid_toml_and_loops(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("[page\n")
    with pytest.raises(StyleError, match="not valid TOML"):
        load_style(str(tmp_path / "broken.toml"))
    (tmp_path / "a.toml").write_text('inherit = "b"\n')
    (tmp_path / "b.toml").write_text('inherit = "a"\n')
    with pytest.raises(StyleError, match="loop"):
        load_style(str(tmp_path / "a.toml"))


def test_lookup_prefers_local_styles_then_packaged(tmp_path: Path) -> None:
    assert {"default", "a4-ministry"} <= set(available_styles(cwd=tmp_path))
    local = tmp_path / "styles"
    local.mkdir()
    (local / "default.toml").write_text(
        (ROOT / "styles" / "default.toml").read_text().replace("Policy Analysis Unit", "Local Org")
    )
    assert find_style_file("default", cwd=tmp_path) == local / "default.toml"
    assert load_style("default", cwd=tmp_path).brand.organisation == "Local Org"
    with pytest.raises(StyleError, match="unknown style 'nope'"):
        load_style("nope", cwd=tmp_path)


def test_ordered_list_formats(tmp_path: Path, default_style: Style) -> None:
    """[lists] ordered is decimal at every level unless a style names other formats."""
    assert default_style.lists.ordered == ("decimal", "decimal", "decimal")
    path = _write(tmp_path, '[lists]\nordered = ["upper-roman", "lower-alpha", "lower-roman", "upper-alpha"]')
    assert load_style(str(path)).lists.ordered == ("upper-roman", "lower-alpha", "lower-roman", "upper-alpha")
