"""Customizing: briefing.toml, template overrides, eject, template errors,
docs/templates.md against the real templates and context, the worked
example (built in HTML and PDF), and the README walk-through run as written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from generator.build import build
from generator.render.editions import render_editions
from generator.load.config import load_config
from generator.diagnostics import BuildError, Diagnostics
from generator.render.overrides import blocks_of, shipped_names
from generator.render.errors import context_paths
from generator.shipped import TEMPLATES as SHIPPED_TEMPLATES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "custom-template"
CONTENT = ROOT / "content"
BIN = ROOT / ".venv" / "bin"
CLARET = (0x8C, 0x1F, 0x3A)


def errors_of(fn, *args, **kw) -> list[str]:
    with pytest.raises(BuildError) as exc:
        fn(*args, **kw)
    return [str(p) for p in exc.value.diagnostics.sorted() if p.severity == "error"]


def pdf_text(path: Path, page: int = 1) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def page_pixels(path: Path, page: int = 1) -> list[tuple[int, int, int]]:
    """Page ``page`` rasterized at 20 dpi by poppler, as RGB pixels."""
    data = subprocess.run(["pdftoppm", "-r", "20", "-f", str(page), "-l", str(page), str(path)],
                          capture_output=True, check=True).stdout
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    assert m, "pdftoppm did not produce a PPM image"
    raw = data[m.end():]
    return [tuple(raw[i:i + 3]) for i in range(0, len(raw) - 2, 3)]


def share_of(pixels, colour, tolerance=12) -> float:
    near = sum(1 for p in pixels if all(abs(a - b) <= tolerance for a, b in zip(p, colour)))
    return near / len(pixels)


def shown(path: Path) -> str:
    """A path as diagnostics show it: relative to the working directory when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def outputs_in(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.suffix in (".html", ".pdf"))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# the worked example, built as CI builds it


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("example")
    report = build(out_dir=out, config=EXAMPLE / "briefing.toml")
    return {p.name: p for p in (w.path for w in report.written)}


def test_example_writes_its_own_file_names(example):
    assert sorted(example) == ["custom.zh-Hans.html", "custom.zh-Hans.pdf",
                               "custom.zh-Hant.html", "custom.zh-Hant.pdf"]


@pytest.mark.parametrize("variant, label, marking", [("zh-Hans", "高层参阅简报", "内部参阅"),
                                                     ("zh-Hant", "高層參閱簡報", "內部參閱")])
def test_example_html_has_cover_colour_logo_fonts_and_marking(example, variant, label, marking):
    page = example[f"custom.{variant}.html"].read_text(encoding="utf-8")
    assert '<header class="masthead cover-band" id="top">' in page
    assert f'<p class="series">{label} · ' in page
    assert f'<span class="distribution">{marking}</span>' in page
    assert "--brand: #8c1f3a;" in page and "#1f4e8c" not in page
    assert "size: Letter;" in page
    assert re.search(r'<img class="logo" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="[^"]+">', page)
    face = {"zh-Hans": "Noto Serif CJK SC", "zh-Hant": "Noto Serif CJK TC"}[variant]
    assert f':lang({"zh-Hans" if variant == "zh-Hans" else "zh-Hant-TW"}) h1' in page
    assert f'font-family: "{face}", sans-serif;' in page
    # the other edition is linked under its configured name
    other = "zh-Hant" if variant == "zh-Hans" else "zh-Hans"
    assert f'href="custom.{other}.html"' in page


@pytest.mark.parametrize("variant, label, marking", [("zh-Hans", "高层参阅简报", "内部参阅"),
                                                     ("zh-Hant", "高層參閱簡報", "內部參閱")])
def test_example_pdf_is_letter_with_the_claret_cover(example, built, variant, label, marking):
    from pypdf import PdfReader

    pdf = example[f"custom.{variant}.pdf"]
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in PdfReader(pdf).pages}
    assert sizes == {(612, 792)}  # US Letter on every page
    shipped = PdfReader(built[f"{variant}.pdf"]).pages[0].mediabox
    assert (round(float(shipped.width)), round(float(shipped.height))) == (595, 842)  # the shipped A4
    first = pdf_text(pdf)
    assert label in first and marking in first
    # the cover band: a good part of page 1 is claret; the shipped page 1 has none
    assert share_of(page_pixels(pdf), CLARET) > 0.08
    assert share_of(page_pixels(built[f"{variant}.pdf"]), CLARET) < 0.001


def test_example_readme_lists_what_the_test_checks():
    text = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    for needle in ("#8c1f3a", "Letter", "cover", "logo", "内部参阅", "custom.zh-Hans.html",
                   "briefing build --config examples/custom-template/briefing.toml"):
        assert needle in text


# --------------------------------------------------------------------------
# briefing.toml


def test_config_errors_are_reported_at_their_lines_all_at_once(tmp_path):
    cfg = write(tmp_path / "briefing.toml", """\
[paths]
content = "nowhere"

[build]
variants = ["zh-Hans", "zh-Hnat"]
formats = ["html", "epub"]
output_name = "out/{variant}.html"

[style]
brand = "blue"
page_size = "A5"
logo = "missing.svg"
colour = "#000000"

[fonts.zh-Hans]
body = "Noto Serif CJK SC; color: red"
""")
    diag = Diagnostics(root=tmp_path)
    load_config(cfg, diag)
    assert [str(p) for p in diag.sorted()] == [
        "briefing.toml:2: error: 'paths.content' names 'nowhere', which is not a directory "
        "(paths are relative to briefing.toml's directory)",
        "briefing.toml:5: error: 'build.variants' has unknown value 'zh-Hnat' (did you mean 'zh-Hant'?)",
        "briefing.toml:6: error: 'build.formats' has unknown value 'epub' (one of: html, pdf)",
        "briefing.toml:7: error: 'build.output_name' = 'out/{variant}.html': it needs both {variant} and "
        "{format}, so every file gets its own name; it must be a plain file name (no directories, not hidden); "
        "set paths.out for the directory "
        "(e.g. \"briefing.{variant}.{format}\" or \"altman-{variant}.{format}\")",
        "briefing.toml:10: error: 'style.brand' must be a hex colour like \"#8c1f3a\", got 'blue'",
        "briefing.toml:11: error: 'style.page_size' must be one of A4, Letter, got 'A5'",
        "briefing.toml:12: error: logo file 'missing.svg' not found (paths are relative to briefing.toml's directory)",
        "briefing.toml:13: error: unknown key 'style.colour' (allowed: style.brand, style.logo, style.page_size)",
        "briefing.toml:16: error: 'fonts.zh-Hans.body' must be one font family name like \"Noto Sans CJK SC\", "
        "got 'Noto Serif CJK SC; color: red' (no quotes, semicolons or braces; `fc-list : family` lists "
        "the installed ones)",
    ]


def test_config_toml_syntax_error_and_wrong_types(tmp_path):
    cfg = write(tmp_path / "briefing.toml", '[style]\nbrand = #8c1f3a\n')
    diag = Diagnostics(root=tmp_path)
    load_config(cfg, diag)
    assert [str(p) for p in diag.sorted()] == [
        "briefing.toml:2: error: TOML syntax error: Invalid value "
        "(text values need quotes: brand = \"#8c1f3a\"; tables are written [style])"]
    cfg = write(tmp_path / "briefing.toml", 'style = "red"\n[build]\nvariants = "zh-Hans"\n')
    diag = Diagnostics(root=tmp_path)
    load_config(cfg, diag)
    assert [str(p) for p in diag.sorted()] == [
        "briefing.toml:1: error: 'style' must be a table [style], got text",
        "briefing.toml:3: error: 'build.variants' must be a list like [\"a\", \"b\"], got text",
    ]


def test_config_logo_must_be_a_real_image(tmp_path):
    write(tmp_path / "logo.png", "<svg/>")
    cfg = write(tmp_path / "briefing.toml", '[style]\nlogo = "logo.png"\n')
    diag = Diagnostics(root=tmp_path)
    load_config(cfg, diag)
    assert [str(p) for p in diag.sorted()] == [
        "briefing.toml:2: error: logo file 'logo.png' is not a valid PNG image (export the logo again as SVG or PNG)"]


def test_light_brand_colour_is_a_warning_and_fatal_under_strict(tmp_path, content_copy):
    cfg = write(tmp_path / "briefing.toml", '[style]\nbrand = "#ffd700"\n')
    report = build(content_copy, tmp_path / "out", variants=["zh-Hans"], formats=["html"], config=cfg)
    warnings = [str(p) for p in report.diagnostics.warnings if p.code == "config"]
    assert warnings == [f"{shown(cfg)}:2: warning: brand colour #ffd700 has a contrast of 1.4:1 against "
                        "white; links, labels and white text on it will be hard to read (choose a darker colour "
                        "(WCAG asks for at least 4.5:1))"]
    errors = errors_of(build, content_copy, tmp_path / "out2", variants=["zh-Hans"], formats=["html"],
                       strict=True, config=cfg)
    assert errors == []  # strict stops on warnings; they stay warnings
    assert not (tmp_path / "out2").exists()


def test_missing_font_family_warns_for_pdf_builds(tmp_path, content_copy):
    from generator.load.config import check_fonts

    cfg = write(tmp_path / "briefing.toml", '[fonts.zh-Hant]\nheading = "No Such Face"\n')
    diag = Diagnostics(root=tmp_path)
    check_fonts(load_config(cfg, diag), ["zh-Hant"], diag)
    assert [str(p) for p in diag.sorted()] == [
        "briefing.toml:2: warning: font family 'No Such Face' (zh-Hant heading) is not installed; the PDF will "
        "use a fallback face (install it, or pick one that `fc-list : family` lists)"]


def test_precedence_cli_over_config_over_manifest(tmp_path, content_copy, cli, monkeypatch):
    write(tmp_path / "briefing.toml", f"""\
[paths]
content = "{content_copy.as_posix()}"
out = "site"

[build]
variants = ["zh-Hant"]
formats = ["html"]
output_name = "altman-{{variant}}.{{format}}"
""")
    monkeypatch.chdir(tmp_path)  # ./briefing.toml is found without --config
    result = cli(["build"])
    assert result.exit_code == 0, result.stderr
    assert outputs_in(tmp_path / "site") == ["altman-zh-Hant.html"]
    result = cli(["build", "--variant", "zh-Hans", "--out", "elsewhere"])
    assert result.exit_code == 0, result.stderr
    assert outputs_in(tmp_path / "elsewhere") == ["altman-zh-Hans.html"]


def test_broken_config_stops_the_cli_and_writes_nothing(tmp_path, content_copy, cli):
    cfg = write(tmp_path / "b.toml", '[style]\npage_size = "A5"\n')
    result = cli(["build", "--content", content_copy, "--out", tmp_path / "out", "--config", cfg])
    assert result.exit_code == 1
    assert f"{shown(cfg)}:2: error: 'style.page_size' must be one of A4, Letter, got 'A5'" \
        in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_style_in_the_manifest_points_to_briefing_toml(content_copy):
    manifest = content_copy / "briefing.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "style:\n  brand: \"#8c1f3a\"\n", encoding="utf-8")
    line = len(manifest.read_text(encoding="utf-8").splitlines()) - 1
    errors = errors_of(build, content_copy, content_copy.parent / "out", variants=["zh-Hans"], formats=["html"])
    assert f"{shown(manifest)}:{line}: error: 'style' is configured in briefing.toml, not in the " \
           "manifest (move it to a [style] table in briefing.toml (see README, Customizing))" in errors


# --------------------------------------------------------------------------
# errors in a user's template


def _user_build(tmp_path, files: dict[str, str]) -> list[str]:
    tpl = tmp_path / "my-templates"
    for name, text in files.items():
        write(tpl / name, text)
    return errors_of(build, CONTENT, tmp_path / "out", tpl, ["zh-Hans"], ["html"])


def test_undefined_attribute_names_the_variable_and_suggests(tmp_path):
    errors = _user_build(tmp_path, {"briefing.html.j2": (
        '{% extends "base:briefing.html.j2" %}\n{% block cover %}\n<h1>\n{{ edition.titel }}</h1>\n'
        '{% endblock %}\n')})
    assert len(errors) == 1
    assert errors[0].startswith(
        f"{shown(tmp_path)}/my-templates/briefing.html.j2:4: error: 'edition' has no 'titel' "
        "(did you mean 'edition.title'? 'edition' holds: author_text, cutoff, ")
    assert errors[0].endswith("(see docs/templates.md))")
    assert not (tmp_path / "out").exists()


def test_undefined_variable_lists_what_templates_receive(tmp_path):
    errors = _user_build(tmp_path, {"briefing.html.j2": (
        '{% extends "base:briefing.html.j2" %}\n{% block footer %}{{ editon.title }}{% endblock %}\n')})
    assert len(errors) == 1
    assert errors[0].startswith(
        f"{shown(tmp_path)}/my-templates/briefing.html.j2:2: error: variable 'editon' is undefined "
        "(did you mean 'edition'? templates receive: back, changes, ")
    assert ", edition, glance, " in errors[0] and errors[0].endswith(", top_questions (see docs/templates.md))")


def test_syntax_error_names_the_overridden_shipped_template(tmp_path):
    errors = _user_build(tmp_path, {"briefing.html.j2": (
        '{% extends "base:briefing.html.j2" %}\n{% block cover %}\n{{ edition.title }\n{% endblock %}\n')})
    assert errors == [
        f"{shown(tmp_path)}/my-templates/briefing.html.j2:3: error: template syntax error: unexpected '}}' "
        "(this file overrides the shipped briefing.html.j2: compare with templates/briefing.html.j2, "
        "or get a copy with `briefing templates eject briefing.html.j2 DIR`)"]


def test_missing_parent_suggests_the_shipped_template(tmp_path):
    errors = _user_build(tmp_path, {"briefing.html.j2": '{% extends "base:briefng.html.j2" %}\n'})
    assert errors[0].startswith(
        f"{shown(tmp_path)}/my-templates/briefing.html.j2:1: error: parent template "
        "'base:briefng.html.j2' does not exist (did you mean 'base:briefing.html.j2'? shipped templates: "
        "base:briefing.html.j2, base:css/briefing.css.j2")


def test_a_block_the_parent_lacks_is_an_error_not_silence(tmp_path):
    errors = _user_build(tmp_path, {"briefing.html.j2": (
        '{% extends "base:briefing.html.j2" %}\n\n{% block covr %}x{% endblock %}\n')})
    assert len(errors) == 1
    assert errors[0].startswith(
        f"{shown(tmp_path)}/my-templates/briefing.html.j2:3: error: block 'covr' is not a block of the "
        "shipped briefing.html.j2, so it would never be shown (did you mean 'cover'? blocks: head, styles, cover")


def test_extending_itself_is_explained_not_a_recursion_crash(tmp_path):
    errors = _user_build(tmp_path, {"briefing.html.j2": '{% extends "briefing.html.j2" %}\n'})
    assert errors == [
        f"{shown(tmp_path)}/my-templates/briefing.html.j2:1: error: 'briefing.html.j2' extends itself "
        "(extend the shipped one: {% extends \"base:briefing.html.j2\" %})"]


def test_broken_strings_file_is_a_located_error(tmp_path):
    errors = _user_build(tmp_path, {"strings/zh-Hans.yaml": "toc: 目录\nskip: [跳\n"})
    assert len(errors) == 1
    assert errors[0].startswith(f"{shown(tmp_path)}/my-templates/strings/zh-Hans.yaml:3: error: "
                                "YAML syntax error")


def test_template_errors_via_the_cli_exit_1_without_traceback(tmp_path, cli):
    write(tmp_path / "t" / "briefing.html.j2", '{% extends "base:briefing.html.j2" %}\n'
                                              '{% block cover %}{{ style.brnad }}{% endblock %}\n')
    result = cli(["build", "--content", CONTENT, "--templates", tmp_path / "t", "--out", tmp_path / "out",
                  "--format", "html", "--variant", "zh-Hans"])
    assert result.exit_code == 1
    assert "briefing.html.j2:2: error: 'style' has no 'brnad' (did you mean 'style.brand'? 'style' holds: " \
           "body_font, brand, heading_font, logo, page_size, sans (see docs/templates.md))" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


# --------------------------------------------------------------------------
# templates list / eject


def test_templates_list_shows_every_template_and_block(cli, tmp_path):
    result = cli(["templates", "list"])
    assert result.exit_code == 0
    for name in shipped_names():
        assert re.search(rf"^{re.escape(name)}\b", result.stdout, re.M), name
    for b in blocks_of((SHIPPED_TEMPLATES / "briefing.html.j2").read_text(encoding="utf-8")):
        assert re.search(rf"^ {{4}}(  ){{{b.depth}}}{b.name} +line {b.line}\b", result.stdout, re.M), b
    write(tmp_path / "t" / "briefing.html.j2", '{% extends "base:briefing.html.j2" %}\n')
    write(tmp_path / "t" / "css" / "screen.css.j2", "/* mine */\n")
    result = cli(["templates", "list", "--templates", tmp_path / "t"])
    assert f"[extended by your {(tmp_path / 't' / 'briefing.html.j2').as_posix()}]" in result.stdout
    assert f"[replaced by your {(tmp_path / 't' / 'css' / 'screen.css.j2').as_posix()}]" in result.stdout


def test_eject_copies_files_and_never_overwrites_without_force(cli, tmp_path):
    dest = tmp_path / "mine"
    result = cli(["templates", "eject", dest])
    assert result.exit_code == 0, result.stderr
    copied = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert copied == shipped_names()
    for name in copied:
        assert (dest / name).read_bytes() == (SHIPPED_TEMPLATES / name).read_bytes()

    (dest / "css" / "briefing.css.j2").write_text("/* edited */\n", encoding="utf-8")
    shutil.rmtree(dest / "strings")
    result = cli(["templates", "eject", "css/briefing.css.j2", "strings/zh-Hans.yaml", dest])
    assert result.exit_code == 1
    assert f"{shown(dest / 'css' / 'briefing.css.j2')}: error: already exists; not overwritten " \
           "(pass --force to replace it, or eject into another directory)" in result.stderr
    assert (dest / "css" / "briefing.css.j2").read_text(encoding="utf-8") == "/* edited */\n"
    assert not (dest / "strings").exists()  # all or nothing
    result = cli(["templates", "eject", "--force", "css/briefing.css.j2", dest])
    assert result.exit_code == 0
    assert (dest / "css" / "briefing.css.j2").read_bytes() == (SHIPPED_TEMPLATES / "css/briefing.css.j2").read_bytes()

    result = cli(["templates", "eject", "briefng.html.j2", tmp_path / "other"])
    assert result.exit_code == 1
    assert "briefng.html.j2: error: no shipped template 'briefng.html.j2' (did you mean 'briefing.html.j2'?)" \
        in result.stderr
    assert not (tmp_path / "other").exists()


def test_ejected_block_override_renders_exactly_the_shipped_page(cli, tmp_path):
    dest = tmp_path / "mine"
    result = cli(["templates", "eject", "--block", "cover", "--block", "theme", dest])
    assert result.exit_code == 0, result.stderr
    text = (dest / "briefing.html.j2").read_text(encoding="utf-8")
    assert '{% extends "base:briefing.html.j2" %}' in text
    assert "{% block cover %}" in text and "{% block theme scoped %}" in text
    assert "{% block summary %}" not in text
    shipped = build(CONTENT, variants=["zh-Hans"], formats=["html"], write=False).outputs
    mine = build(CONTENT, templates=dest, variants=["zh-Hans"], formats=["html"], write=False).outputs
    assert mine == shipped
    result = cli(["templates", "eject", "--block", "covr", tmp_path / "x"])
    assert result.exit_code == 1
    assert "the shipped briefing.html.j2 has no block 'covr' (did you mean 'cover'?)" in result.stderr


# --------------------------------------------------------------------------
# docs/templates.md against the real thing


def _doc_section(title: str) -> str:
    text = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def test_docs_list_every_shipped_template():
    documented = re.findall(r"^\| `([^`]+)` \|", _doc_section("Shipped templates"), re.M)
    assert sorted(documented) == shipped_names(), "update docs/templates.md, 'Shipped templates'"


def test_docs_list_every_block_with_its_nesting():
    rows = re.findall(r"^\| ((?:&nbsp;)*)`([a-z_]+)` \|", _doc_section("Blocks of `briefing.html.j2`"), re.M)
    documented = sorted((name, len(indent) // len("&nbsp;&nbsp;")) for indent, name in rows)
    real = sorted((b.name, b.depth) for b in blocks_of((SHIPPED_TEMPLATES / "briefing.html.j2").read_text("utf-8")))
    assert documented == real, "update docs/templates.md, 'Blocks of briefing.html.j2'"


def test_docs_list_every_context_variable(tmp_path):
    """Every variable the templates really receive (all three variants, with
    every style setting on) is documented, and nothing else is."""
    from generator.load.config import load_config
    from generator.load.content import load_content

    diag = Diagnostics()
    content = load_content(CONTENT, diag)
    contexts: dict = {}
    render_editions(content, ["zh-Hans", "zh-Hant", "zh-Hant-HK"], None, diag,
                    load_config(EXAMPLE / "briefing.toml", diag), contexts)
    assert not diag.errors and len(contexts) == 3
    real = context_paths(contexts.values())
    documented = re.findall(r"^\| `([^`]+)` \| ([^|]+?) \|", _doc_section("Variables"), re.M)
    doc_paths = {p for p, _ in documented}
    assert sorted(set(real) - doc_paths) == [], "variables missing from docs/templates.md"
    assert sorted(doc_paths - set(real)) == [], "docs/templates.md documents variables that do not exist"
    aliases = {p: t for p, t in real.items() if t.startswith(("= ", "list of = "))}
    assert {p: t for p, t in documented if p in aliases} == aliases


# --------------------------------------------------------------------------
# the README walk-through, exactly as written


def _readme_steps() -> list[tuple[str, str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Customizing")
    end = text.find("\n## ", start + 1)
    section = text[start:end if end > 0 else None]
    walk = section[section.index("### Walk-through"):section.index("\n### ", section.index("### Walk-through") + 5)]
    return [(m.group(2), m.group(3) or "", _dedent(m.group(4), len(m.group(1))))
            for m in re.finditer(r"^( *)```(\w+)(?: file=(\S+))?\n(.*?)^\1```", walk, re.S | re.M)]


def _dedent(block: str, n: int) -> str:
    return "".join("\n" if not line.strip() else line[n:] for line in block.splitlines(keepends=True))


def test_readme_walkthrough_runs_as_written(tmp_path):
    shutil.copytree(CONTENT, tmp_path / "content")
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    steps = _readme_steps()
    kinds = [k for k, _, _ in steps]
    assert kinds == ["sh", "sh", "jinja", "toml", "sh"], kinds
    ran = []
    for kind, filename, body in steps:
        if filename:
            write(tmp_path / filename, body)
            continue
        for line in body.splitlines():
            command = line.split("#", 1)[0].strip()
            if not command or command == "briefing serve":
                continue  # serve runs until stopped: tests/test_serve.py runs it
            result = subprocess.run(command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True)
            assert result.returncode == 0, (command, result.stderr)
            ran.append(command)
    assert ran == ["briefing templates list", "briefing templates eject --block cover my-templates/",
                   "briefing build"]
    out = tmp_path / "output"
    assert outputs_in(out) == [
        "briefing.zh-Hans.html", "briefing.zh-Hans.pdf", "briefing.zh-Hant.html", "briefing.zh-Hant.pdf"]
    from pypdf import PdfReader

    for variant in ("zh-Hans", "zh-Hant"):
        page = (out / f"briefing.{variant}.html").read_text(encoding="utf-8")
        assert "--brand: #8c1f3a;" in page
        assert any(f'<p class="subtitle">briefing {unit} · ' in page for unit in ("示例研究组", "示例研究組", "範例研究組"))
        assert '<dl class="ident">' not in page  # the shipped cover is gone
        pdf = PdfReader(out / f"briefing.{variant}.pdf")
        assert (round(float(pdf.pages[0].mediabox.width)), round(float(pdf.pages[0].mediabox.height))) == (612, 792)


def test_readme_sample_error_messages_are_real(tmp_path):
    """The two error lines the README shows come out of the walk-through's files."""
    steps = {f: body for _, f, body in _readme_steps() if f}
    write(tmp_path / "briefing.toml", steps["briefing.toml"].replace('"Letter"', '"A5"'))
    (tmp_path / "my-templates").mkdir()
    diag = Diagnostics(root=tmp_path)
    load_config(tmp_path / "briefing.toml", diag)
    assert [str(p) for p in diag.sorted()] == [
        "briefing.toml:6: error: 'style.page_size' must be one of A4, Letter, got 'A5'"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "briefing.toml:6: error: 'style.page_size' must be one of A4, Letter, got 'A5'" in readme

    tpl = steps["my-templates/briefing.html.j2"].replace("{{ edition.title }}", "{{ edition.titel }}")
    write(tmp_path / "my-templates" / "briefing.html.j2", tpl)
    line = next(i for i, s in enumerate(tpl.splitlines(), 1) if "titel" in s)
    errors = errors_of(build, CONTENT, tmp_path / "out", tmp_path / "my-templates", ["zh-Hans"], ["html"])
    shown = f"my-templates/briefing.html.j2:{line}: error: 'edition' has no 'titel' (did you mean 'edition.title'?"
    assert shown in readme
    assert errors[0].endswith(errors[0][errors[0].index(shown):]) and shown in errors[0]


def test_readme_configuration_reference_is_valid(tmp_path):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### `briefing.toml`"):]
    block = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    data = tomllib.loads(block)
    (tmp_path / data["paths"]["content"]).mkdir()
    (tmp_path / data["paths"]["templates"]).mkdir()
    shutil.copy(EXAMPLE / "logo.svg", tmp_path / data["style"]["logo"])
    write(tmp_path / "briefing.toml", block)
    diag = Diagnostics(root=tmp_path)
    config = load_config(tmp_path / "briefing.toml", diag)
    assert [str(p) for p in diag.sorted()] == []
    assert config.font("zh-Hant", "body") == "Noto Serif CJK TC"
    assert config.font("zh-Hans", "heading") == "Noto Sans CJK SC"
