"""The ``briefing`` command: a thin shell over :func:`generator.build.build`.

Heavy imports (WeasyPrint, OpenCC, Jinja) happen inside the commands so
that ``briefing --help`` stays instant.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import __version__

VARIANT_CHOICE = click.Choice(["zh-Hans", "zh-Hant", "zh-Hant-HK"])


def _print_problems(diag, quiet: bool = False) -> None:
    for p in diag.sorted():
        if quiet and p.severity != "error":
            continue
        click.echo(str(p), err=True)


def _fail(diag, strict: bool) -> None:
    _print_problems(diag)
    n_err, n_warn = len(diag.errors), len(diag.warnings)
    what = f"{n_err} error(s)" + (f", {n_warn} warning(s) (--strict makes warnings fatal)" if strict and n_warn else "")
    click.echo(f"briefing: stopped with {what}; nothing was written.", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
@click.option("-v", "--verbose", count=True, help="More output (-vv for renderer warnings).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.pass_context
def main(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """Turn curated content and Jinja templates into an executive briefing in
    Simplified and Traditional Chinese, as HTML and PDF.

    \b
    Example:
      briefing build                 # every edition into output/
      briefing check --strict --sources ../shared/sources
    """
    ctx.obj = {"verbose": 0 if quiet else verbose, "quiet": quiet}


@main.command()
@click.option("--content", "content_dir", default="content", show_default=True,
              type=click.Path(path_type=Path), help="Content directory.")
@click.option("--out", "out_dir", default="output", show_default=True, type=click.Path(path_type=Path),
              help="Output directory.")
@click.option("--templates", type=click.Path(path_type=Path), help="Your template directory, searched first.")
@click.option("--variant", "variants", multiple=True, type=VARIANT_CHOICE,
              help="Edition(s) to build (default: the manifest's variants).")
@click.option("--format", "formats", multiple=True, type=click.Choice(["html", "pdf"]),
              help="Format(s) to build (default: html and pdf).")
@click.option("--sources", "sources_dir", type=click.Path(path_type=Path),
              help="Also verify citations against the source texts in DIR.")
@click.option("--strict", is_flag=True, help="Treat warnings (lint, unsourced claims) as errors.")
@click.pass_obj
def build(obj, content_dir, out_dir, templates, variants, formats, sources_dir, strict) -> None:
    """Build the briefing's editions into the output directory.

    \b
    Example:
      briefing build --variant zh-Hant --format pdf --out dist/
    """
    from generator.build import build as run
    from generator.diagnostics import BuildError

    try:
        report = run(content_dir, out_dir, templates, list(variants) or None, list(formats) or None, strict,
                     sources_dir)
    except BuildError as exc:
        _fail(exc.diagnostics, strict)
        return
    if not obj["quiet"]:
        _print_problems(report.diagnostics)
        for w in report.written:
            extra = f", {w.pages} pages" if w.pages else ""
            click.echo(f"wrote {w.path} ({w.size / 1024:.0f} KB{extra})")
        click.echo(f"built {len(report.written)} file(s) in {report.seconds:.1f} s")


@main.command()
@click.option("--content", "content_dir", default="content", show_default=True,
              type=click.Path(path_type=Path), help="Content directory.")
@click.option("--templates", type=click.Path(path_type=Path), help="Your template directory, searched first.")
@click.option("--sources", "sources_dir", type=click.Path(path_type=Path),
              help="Verify every cited fragment against the source texts in DIR.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.pass_obj
def check(obj, content_dir, templates, sources_dir, strict) -> None:
    """Validate everything a build would, and write nothing.

    \b
    Example:
      briefing check --strict --sources ../shared/sources
    """
    from generator.build import check as run
    from generator.diagnostics import BuildError

    try:
        report = run(content_dir, templates, strict, sources_dir)
    except BuildError as exc:
        _fail(exc.diagnostics, strict)
        return
    _print_problems(report.diagnostics, obj["quiet"])
    if not obj["quiet"]:
        prov = report.provenance
        extra = f"; {prov['checked']} cited fragment(s) verified against the sources" if prov else ""
        click.echo(f"ok: content is valid{extra}; {len(report.diagnostics.warnings)} warning(s)")


@main.command()
@click.option("--to", "variant", required=True, type=VARIANT_CHOICE, help="Target variant.")
@click.option("--content", "content_dir", default="content", show_default=True,
              type=click.Path(path_type=Path), help="Content directory whose glossary is used.")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
def convert(variant, content_dir, file) -> None:
    """Convert Simplified text line by line, exactly as the build does
    (glossary first, then OpenCC), one output line per input line.

    \b
    Example:
      echo 红色代码 | briefing convert --to zh-Hant
    """
    from generator.chinese.convert import Converter
    from generator.content import load_glossary
    from generator.diagnostics import Diagnostics

    diag = Diagnostics(root=Path.cwd())
    glossary = load_glossary(diag, Path(content_dir) / "glossary.yaml")
    if diag.errors:
        _fail(diag, False)
    conv = Converter(variant, glossary)
    for line in file:
        click.echo(conv.convert(line.rstrip("\n")))


if __name__ == "__main__":  # pragma: no cover
    main()
