"""Stage 2, check: the loaded content against the world outside it.

In: a :class:`generator.model.Content`, and the source texts (``--sources``),
the fonts, the rendered text of each edition. Out: problems at their
``path:line`` on the diagnostics: a cited fragment or quotation the source
does not give (provenance, figures, speech), a claim without a source
(claims), Markdown that would print raw (markdown), a character no font
draws (glyphs), script leaks (lint), what a conversion changed for review.
Nothing here renders; the one file written is the desk's record of the
conversions it confirmed (``check --review-conversion --confirm``).
"""
