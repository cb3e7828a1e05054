"""briefing: curated content + Jinja templates -> a Chinese executive briefing
in Simplified and Traditional Chinese, as HTML and PDF.

Pipeline stages, one module each:

    content.py      load + validate content/ (YAML, Markdown front matter)
    chinese/        variant conversion, number formatting, typography, lint
    markup.py       theme Markdown -> HTML (citations, number refs, blocks)
    provenance.py   verify cited fragments against the source articles
    render.py       Jinja templates -> one self-contained HTML per edition
    pdf.py          WeasyPrint -> PDF
    build.py        the orchestrator: read everything, render, then write
    cli.py          the `briefing` command, a thin shell over build()
"""

__version__ = "0.1.0"
