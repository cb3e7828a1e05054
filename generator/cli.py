"""The ``briefing`` command: a thin shell over :func:`generator.build.build`.

Every command imports the stages it runs inside its own function, and only
there: importing this module costs 0.03 s, the build's stages 0.17 s more
(Jinja, Markdown, OpenCC, PyYAML; measured with ``python -X importtime``),
WeasyPrint 0.5 s on top. So ``briefing --help``, a no-op build (the
incremental check reads hashes only) and ``briefing new`` never pay for
what they do not run (tests/test_serve.py and tests/test_incremental.py
hold the no-op path to that).

Why one module of about 570 lines: a click command is its options and a
call into the stages, and the commands share the option helpers and the
way problems are printed and the exit code chosen; read together they are
the whole command-line surface.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import __version__


# model.VARIANTS, written out: importing the model would cost `briefing --help` 11 ms (test_layout holds them equal)
VARIANT_CHOICE = click.Choice(["zh-Hans", "zh-Hant", "zh-Hant-HK"])
FROM_CONFIG = "\0config"  # `--sources` given without a directory: paths.sources in briefing.toml


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


def _config_option(f):
    return click.option(
        "--config", "config", type=click.Path(path_type=Path),
        help="Configuration file (default: ./briefing.toml if there is one). Options given here win over it.",
    )(f)


def _config_path(config: Path | None) -> Path | None:
    """--config, else briefing.toml in the current directory, else none."""
    from generator.load.config import find_config

    return config if config is not None else find_config(Path.cwd())


def _loaded_config(config: Path | None):
    """The configuration (--config or ./briefing.toml), or None; its errors stop the command."""
    path = _config_path(config)
    if path is None:
        return None
    from generator.diagnostics import Diagnostics
    from generator.load.config import load_config

    diag = Diagnostics(root=Path.cwd())
    loaded = load_config(path, diag)
    if diag.errors:
        _fail(diag, False)
    return loaded


def _sources_dir(value: str | None, config: Path | None) -> Path | None:
    """--sources DIR as given; --sources alone: paths.sources of briefing.toml."""
    if value is None:
        return None
    if value != FROM_CONFIG:
        return Path(value)
    loaded = _loaded_config(config)
    if loaded is None or loaded.sources is None:
        where = f"{loaded.path}" if loaded is not None else "no briefing.toml here"
        raise click.UsageError(f"--sources without a directory needs paths.sources in briefing.toml ({where}); "
                               "pass --sources DIR, or add  [paths] sources = \"sources\"")
    return loaded.sources


@main.command()
@click.option("--content", "content_dir", type=click.Path(path_type=Path),
              help="Content directory.  [default: content, or paths.content in briefing.toml]")
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Output directory: new, empty, or one an earlier build wrote (it holds its manifest.json); "
                   "never the content or template directory.  [default: output, or paths.out in briefing.toml]")
@click.option("--templates", type=click.Path(path_type=Path), help="Your template directory, searched first.")
@click.option("--variant", "variants", multiple=True, type=VARIANT_CHOICE,
              help="Edition(s) to build (default: briefing.toml's build.variants, else the manifest's variants).")
@click.option("--format", "formats", multiple=True, type=click.Choice(["html", "pdf"]),
              help="Format(s) to build (default: briefing.toml's build.formats, else html and pdf).")
@click.option("--sources", "sources_dir", is_flag=False, flag_value=FROM_CONFIG, metavar="[DIR]",
              help="Also verify citations against the source texts in DIR (alone: paths.sources in briefing.toml).")
@click.option("--strict", is_flag=True, help="Treat warnings (lint, unsourced claims) as errors.")
@click.option("--force", is_flag=True, help="Rebuild every requested output, even those whose inputs did not change; "
                                            "also write into an output directory that holds other files and no "
                                            "manifest.json of an earlier build.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; list stale or missing outputs and exit 1 if there are any.")
@click.option("--jobs", "-j", type=click.IntRange(min=1),
              help="Editions rendered at once, each in its own process (default: one per core); "
                   "1 renders them one after the other, with about half the peak memory.")
@_config_option
@click.pass_obj
def build(obj, content_dir, out_dir, templates, variants, formats, sources_dir, strict, force, check_only,
          jobs, config) -> None:
    """Build the briefing's editions into the output directory.

    Incremental: an output whose inputs (content, templates, configuration,
    package and OpenCC versions) did not change since the last build is
    skipped; output/manifest.json records them.

    \b
    Example:
      briefing build --variant zh-Hant --format pdf --out dist/
      briefing build --config examples/custom-template/briefing.toml
      briefing build --check         # exit 1 if anything would be rebuilt
    """
    sources_dir = _sources_dir(sources_dir, config)
    args = (content_dir, out_dir, templates, list(variants) or None, list(formats) or None)
    if check_only or not (force or sources_dir):
        # Deciding costs file hashes only: a no-op build never imports the renderer.
        from generator.write.incremental import plan_build

        plan = plan_build(*args, _config_path(config), strict=strict, force=force)
        if check_only:
            for name, why in plan.stale.items():  # an output, or what keeps the request from being planned
                click.echo(f"{plan.out_dir / name}: stale: {why}" if name in plan.targets else f"{name}: {why}",
                           err=True)
            if plan.stale:
                click.echo(f"briefing: {len(plan.stale)} output(s) stale or missing; `briefing build` rebuilds them.",
                           err=True)
                sys.exit(1)
            if not obj["quiet"]:
                click.echo(f"up to date: {len(plan.targets)} output(s) in {plan.out_dir}")
            return
        if plan.up_to_date:
            if not obj["quiet"]:
                _say_skipped(plan.describe_fresh())
                click.echo("built 0 file(s); nothing changed")
            return
    from generator.build import build as run
    from generator.diagnostics import BuildError

    try:
        # a stuck template is reported, not waited for; the last PDF renders in this process, which
        # ends with the build (generator.lanes.render_outputs)
        report = run(*args, strict, sources_dir, config=_config_path(config), force=force, jobs=jobs,
                     isolate=True, last_pdf_here=True)
    except BuildError as exc:
        _fail(exc.diagnostics, strict)
        return
    if not obj["quiet"]:
        _print_problems(report.diagnostics)
        for w in report.written:
            extra = f", {w.pages} pages" if w.pages else ""
            click.echo(f"wrote {w.path} ({w.size / 1024:.0f} KB{extra})")
        if report.skipped:
            _say_skipped(report.skipped)
        click.echo(f"built {len(report.written)} file(s) in {report.seconds:.1f} s")


def _say_skipped(what: list[str]) -> None:
    click.echo(f"skipped (inputs unchanged since the last build; --force rebuilds): {', '.join(what)}")


@main.command()
@click.option("--content", "content_dir", type=click.Path(path_type=Path),
              help="Content directory.  [default: content, or paths.content in briefing.toml]")
@click.option("--templates", type=click.Path(path_type=Path), help="Your template directory, searched first.")
@click.option("--sources", "sources_dir", is_flag=False, flag_value=FROM_CONFIG, metavar="[DIR]",
              help="Verify every cited fragment against the source texts in DIR (alone: paths.sources in briefing.toml).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--review-conversion", is_flag=True,
              help="Also list every phrase-level substitution OpenCC's regional phrase layer made "
                   "(beyond the character mapping) that is not yet confirmed in content/conversion-review.yaml.")
@click.option("--confirm", is_flag=True,
              help="With --review-conversion: record everything listed as reviewed (the only thing check writes).")
@_config_option
@click.pass_obj
def check(obj, content_dir, templates, sources_dir, strict, review_conversion, confirm, config) -> None:
    """Validate everything a build would, and write nothing.

    \b
    Example:
      briefing check --strict --sources ../shared/sources
      briefing check --review-conversion            # what did s2twp change?
      briefing check --review-conversion --confirm  # ...and it is all fine
    """
    if confirm and not review_conversion:
        raise click.UsageError("--confirm only goes with --review-conversion")
    sources_dir = _sources_dir(sources_dir, config)
    from generator.build import check as run
    from generator.diagnostics import BuildError

    try:
        report = run(content_dir, templates, strict, sources_dir, config=_config_path(config))
    except BuildError as exc:
        _fail(exc.diagnostics, strict)
        return
    _print_problems(report.diagnostics, obj["quiet"])
    if not obj["quiet"]:
        prov = report.provenance
        extra = (f"; {prov['checked']} cited fragment(s), {prov.get('quotes', 0)} quotation(s) and "
                 f"{prov.get('figures', 0)} key-number figure(s) verified against the sources" if prov else "")
        click.echo(f"ok: content is valid{extra}; {len(report.diagnostics.warnings)} warning(s)")
    if review_conversion:
        _review_conversion(content_dir, _config_path(config), confirm, obj["quiet"])


def _review_conversion(content_dir, config_path, confirm: bool, quiet: bool) -> None:
    from generator.check.review import review_content
    from generator.diagnostics import BuildError, Diagnostics

    if content_dir is None and config_path is not None:
        from generator.load.config import load_config

        content_dir = load_config(config_path, Diagnostics(root=Path.cwd())).content
    try:
        result, added = review_content(content_dir or "content", confirm)
    except BuildError as exc:
        _fail(exc.diagnostics, False)
        return
    for s in result.new:
        click.echo(str(s))
    record = _shown(result.record)
    if added:
        click.echo(f"recorded {added} substitution(s) as reviewed in {record}")
    elif not quiet:
        kinds = len({s.key for s in result.new})
        click.echo(f"conversion review: {len(result.new)} unconfirmed phrase substitution(s) ({kinds} distinct), "
                   f"{len(result.confirmed)} confirmed in {record}"
                   + ("; confirm with --confirm, or add a glossary guard for a wrong one" if result.new else ""))


@main.command()
@click.option("--to", "variant", required=True, type=VARIANT_CHOICE, help="Target variant.")
@click.option("--from", "source", type=VARIANT_CHOICE,
              help="The variant the text is written in.  [default: the briefing's written_in, else zh-Hans]")
@click.option("--content", "content_dir", type=click.Path(path_type=Path),
              help="Content directory whose glossary is used.  [default: paths.content in briefing.toml, "
                   "else ./content if it holds a briefing, else the house glossary alone]")
@_config_option
@click.argument("file", type=click.File("rb"), default="-")
@click.pass_obj
def convert(obj, variant, source, content_dir, config, file) -> None:
    """Convert text line by line, exactly as the build of the briefing here
    does (the house glossary, then the briefing's own glossary on top, inside
    OpenCC's conversion), one output line per input line. Either direction:
    Simplified to Taiwan or Hong Kong, or Traditional to Simplified.

    \b
    Example:
      echo 红色代码 | briefing convert --to zh-Hant
      echo 軟體與資料庫 | briefing convert --from zh-Hant --to zh-Hans
      briefing convert --to zh-Hant-HK --content my-briefing/content notes.txt
    """
    from generator.chinese.convert import Converter
    from generator.diagnostics import Diagnostics
    from generator.load.glossary import load_glossary
    from generator.load.manifest import written_in_of

    chosen = content_dir is not None
    content_dir = _convert_content(content_dir, config)
    diag = Diagnostics(root=Path.cwd())
    glossary = load_glossary(diag, content_dir / "glossary.yaml" if content_dir else None)
    if diag.errors:
        _fail(diag, False)
    from_manifest = source is None and content_dir is not None and (content_dir / "briefing.yaml").is_file()
    if source is None:
        source = written_in_of(content_dir) if content_dir else "zh-Hans"
    if not obj["quiet"] and not file.isatty():  # which glossary and direction, so a probe is never misread
        if content_dir is None:
            click.echo("briefing convert: no briefing here (no briefing.toml, no content/ with a glossary); "
                       f"using the house glossary alone, {source} to {variant}", err=True)
        elif not chosen:  # found here: say whose glossary a probe goes through
            own = content_dir / "glossary.yaml"
            click.echo("briefing convert: " + (f"the glossary of {_shown(own)} on top of the house glossary"
                                               if own.is_file() else "the house glossary alone (no glossary.yaml "
                                               f"in {_shown(content_dir)})")
                       + f" (--content to choose another), {source}"
                       + (f" (written_in of {_shown(content_dir / 'briefing.yaml')})" if from_manifest else "")
                       + f" to {variant}", err=True)
        if source == variant:
            click.echo(f"briefing convert: {source} to {variant} prints the text as written; "
                       "give --from for text in another variant", err=True)
    conv = Converter(variant, glossary, source)
    _convert_lines(conv, file, diag)


def _convert_lines(conv, file, diag) -> None:
    """Convert ``file`` (bytes) line by line as it arrives. A line that is not
    UTF-8 stops the conversion with an error at its line and column (the
    lines before it were converted, as iconv does), never a traceback. Line
    ends as in text mode: CRLF or CR is a line end; a byte-order mark at the
    start is dropped."""
    name = getattr(file, "name", "-")
    name = "<stdin>" if name in ("-", "<stdin>") or not isinstance(name, str) else name
    for number, raw in enumerate(file, 1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            diag.error(name, number, f"not UTF-8 text: byte 0x{raw[exc.start]:02X} at column {exc.start + 1} "
                       f"({exc.reason})", "save the text as UTF-8; the lines before this one were converted")
            _print_problems(diag)
            sys.exit(1)
        if number == 1:
            text = text.removeprefix("\ufeff")
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for line in lines[:-1] if len(lines) > 1 and not lines[-1] else lines:
            click.echo(conv.convert(line))


def _shown(path: Path) -> str:
    """``path`` relative to the working directory where it is inside it."""
    path = path.absolute()
    return str(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)


def _convert_content(content_dir: Path | None, config: Path | None) -> Path | None:
    """The content directory whose glossary `convert` uses: the one a build here would use."""
    if content_dir is not None:
        if not (content_dir / "briefing.yaml").is_file() and not (content_dir / "glossary.yaml").is_file():
            raise click.BadParameter(f"{content_dir} holds no briefing.yaml or glossary.yaml", param_hint="--content")
        return content_dir
    loaded = _loaded_config(config)
    if loaded is not None and loaded.content is not None:
        return loaded.content
    default = Path("content")
    return default if (default / "briefing.yaml").is_file() or (default / "glossary.yaml").is_file() else None


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--title", default=None, help="The briefing's title (default: a placeholder to replace).")
@click.option("--unit", default=None, help="The issuing unit shown in the masthead (default: a placeholder).")
@click.option("--cron", default=None, help="When the scheduled workflow rebuilds, in UTC.  [default: 17 5 * * 1-5]")
@click.option("--written-in", "written_in", default="zh-Hans", show_default=True, type=VARIANT_CHOICE,
              help="The script the desk writes in; the other editions are generated from it.")
@click.pass_obj
def new(obj, directory, title, unit, cron, written_in) -> None:
    """Start a new briefing in DIRECTORY (new or empty): briefing.toml,
    content/ with one example theme, number, question and source, a sources/
    folder, a scheduled GitHub Actions workflow and a README. It builds and
    passes `briefing check --sources --strict` as it is.

    \b
    Example:
      briefing new desk-weekly --title "能源周报" --unit "能源研究组"
      briefing new taipei-desk --written-in zh-Hant --title "能源週報"
      cd desk-weekly && briefing check --sources --strict && briefing build
    """
    from generator.new import Scaffold, ScaffoldError, check_cron, create

    try:
        scaffold = Scaffold(title, unit, cron=check_cron(cron) if cron is not None else Scaffold.cron,
                            written_in=written_in)
        written = create(directory, scaffold)
    except ScaffoldError as exc:
        click.echo(f"briefing new: {exc}; nothing was written.", err=True)
        sys.exit(1)
    if obj["quiet"]:
        return
    for p in written:
        click.echo(f"wrote {p}")
    click.echo(f"\nnext: cd {directory} && briefing check --sources --strict && briefing build")


@main.group()
def templates() -> None:
    """List the shipped templates and their blocks, or copy them to start from.

    \b
    An override lives in your template directory (--templates DIR, or
    paths.templates in briefing.toml) and can replace a single block:
      {% extends "base:briefing.html.j2" %}
      {% block cover %}…{% endblock %}

    \b
    Example:
      briefing templates list
      briefing templates eject --block cover my-templates/
    """


@templates.command("list")
@click.option("--templates", "user_dir", type=click.Path(path_type=Path),
              help="Also show which of them your directory overrides.")
@_config_option
def templates_list(user_dir, config) -> None:
    """Show the shipped templates and the blocks an override can replace.

    \b
    Example:
      briefing templates list --templates my-templates/
    """
    from generator.diagnostics import Diagnostics
    from generator.render.overrides import check_shipped, describe

    diag = Diagnostics(root=Path.cwd())
    if not check_shipped(diag):
        _print_problems(diag)
        click.echo("briefing: there are no shipped templates to list.", err=True)
        sys.exit(1)
    if user_dir is None and _config_path(config) is not None:
        from generator.load.config import load_config

        user_dir = load_config(_config_path(config), diag).templates
        if diag.errors:
            _fail(diag, False)
    for line in describe(user_dir):
        click.echo(line)


@templates.command("eject")
@click.argument("args", nargs=-1, required=True, metavar="[NAME]... DIR")
@click.option("--block", "blocks", multiple=True,
              help="Instead of whole files, write DIR/briefing.html.j2 extending the shipped one with "
                   "just this block (repeatable).")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def templates_eject(args, blocks, force) -> None:
    """Copy shipped templates (all when no NAME is given) into DIR to start
    from. Never overwrites an existing file without --force.

    \b
    Examples:
      briefing templates eject my-templates/                  # everything
      briefing templates eject css/briefing.css.j2 my-templates/
      briefing templates eject --block cover my-templates/    # a ten-line override
    """
    from generator.diagnostics import Diagnostics
    from generator.render.overrides import MAIN_TEMPLATE, eject, eject_blocks

    *names, dest = args
    dest = Path(dest)
    diag = Diagnostics(root=Path.cwd())
    if blocks:
        if len(names) > 1:
            raise click.UsageError("--block takes at most one template NAME (default: briefing.html.j2)")
        written = eject_blocks(blocks, dest, force, diag, names[0] if names else MAIN_TEMPLATE)
    else:
        written = eject(names, dest, force, diag)
    if diag.errors:
        _print_problems(diag)
        click.echo("briefing: nothing was written.", err=True)
        sys.exit(1)
    for p in written:
        click.echo(f"wrote {p}")


@main.command()
@click.option("--from", "from_dir", type=click.Path(path_type=Path),
              help="The built editions.  [default: output, or paths.out in briefing.toml]")
@click.option("--previous", "previous", type=click.Path(path_type=Path),
              help="The site assembled last time (the published one); its editions are kept. Leave out for a first site.")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Where the site is written (a new or empty folder, or a site written before: it is replaced).")
@click.option("--url", default=None, metavar="URL",
              help="The site's public address (e.g. https://OWNER.github.io/REPO/): absolute links in the feeds, "
                   "link previews and sitemap.xml. Pages link to each other relatively either way.")
@click.option("--prune", "prune", type=click.IntRange(min=1), default=None, metavar="KEEP",
              help="Keep only the newest KEEP editions. Without it no edition is ever dropped.")
@click.option("--templates", type=click.Path(path_type=Path), help="Your template directory, searched first.")
@_config_option
def site(from_dir, previous, out_dir, url, prune, templates, config) -> None:
    """Assemble the published site from the built editions and the previous
    site: a landing page in the reader's script, one permanent folder per
    edition, an archive page and an Atom feed per variant, a sitemap.

    \b
    Example:
      briefing site --previous published/ --out site/ --url https://desk.github.io/briefing/

    docs/site.md says what the site holds and how the scheduled workflow
    carries it forward.
    """
    from generator.write.site import SiteError, assemble

    loaded = _loaded_config(config)
    if from_dir is None:
        from_dir = loaded.out if loaded is not None and loaded.out is not None else Path("output")
    if templates is None and loaded is not None:
        templates = loaded.templates
    try:
        result = assemble(from_dir, out_dir, previous=previous, url=url, prune=prune, user_dir=templates)
    except SiteError as exc:
        from generator.safeio import printable

        click.echo(f"{printable(str(exc.path))}: error: {printable(exc.reason)}", err=True)
        if exc.hint:
            click.echo(f"  hint: {printable(exc.hint)}", err=True)
        click.echo("briefing: no site was written.", err=True)
        sys.exit(1)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    what = []
    if result.added:
        what.append("added edition " + ", ".join(map(str, result.added)))
    if result.revised:
        what.append("revised edition " + ", ".join(map(str, result.revised)))
    if result.pruned:
        what.append("pruned edition(s) " + ", ".join(map(str, result.pruned)))
    click.echo(f"site: {len(result.editions)} edition(s) in {out_dir}"
               + (f" ({'; '.join(what)})" if what else " (no new edition: the built one is already on the site)"))


@main.command()
@click.option("--content", "content_dir", type=click.Path(path_type=Path),
              help="Content directory.  [default: content, or paths.content in briefing.toml]")
@click.option("--templates", type=click.Path(path_type=Path), help="Your template directory, searched first.")
@click.option("--variant", "variants", multiple=True, type=VARIANT_CHOICE, help="Edition(s) to preview.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0 picks a free one).")
@_config_option
def serve(content_dir, templates, variants, port, config) -> None:
    """Preview the briefing on http://127.0.0.1:PORT/: the HTML is rebuilt
    when content, templates or briefing.toml change and the open page
    reloads; the PDF is rendered when you follow its link (or press p).
    Errors show in the page and here; the server keeps running. Ctrl-C stops it.

    \b
    Example:
      briefing serve --templates my-templates/ --port 8001
    """
    import signal
    import threading

    from generator.serve import Preview, PreviewServer

    preview = Preview(content_dir, templates, _config_path(config), list(variants),
                      log=lambda m: click.echo(m, err=True))
    try:
        server = PreviewServer(preview, port)
    except OSError as exc:
        click.echo(f"briefing: cannot listen on 127.0.0.1:{port} ({exc.strerror}) "
                   "(pass another --port, or --port 0 for a free one)", err=True)
        sys.exit(1)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())  # `kill PID` stops it as cleanly as Ctrl-C
    server.start()
    click.echo(f"preview on {server.url}  (Ctrl-C stops it)")
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        click.echo("preview stopped")


if __name__ == "__main__":  # pragma: no cover
    main()
