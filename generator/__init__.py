"""briefing: curated content + Jinja templates -> a Chinese executive briefing
in Simplified and Traditional Chinese, as HTML and PDF.

The pipeline's stages, one folder each (docs/architecture.md):

    load/       content/ and briefing.toml -> one validated Content
    check/      the content against the sources, fonts and scripts
    render/     each edition's HTML (Markdown, Jinja, charts, 本版更新)
    pdf/        each edition's PDF (WeasyPrint)
    write/      outputs in one atomic commit; the published site
    chinese/    conversion, numbers, typography: used by every stage
    build.py    the stages in order; cli.py the `briefing` command over it
"""

__version__ = "0.1.0"
