"""Stage 3, render: each edition's HTML.

In: the loaded content, one variant, the desk's templates and labels, the
changes since the last edition. Out: one self-contained HTML string per
edition (generator.render.editions), nothing written. Markdown bodies
(markup), template context (html), charts as inline SVG (charts), 本版更新
(changes), template overrides and their errors (overrides, errors).
"""
