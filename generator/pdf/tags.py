"""A lighter structure tree for the tagged PDF (PDF/UA).

In: WeasyPrint's tagging (``weasyprint/pdf/tags.py``, ``_build_box_tree``).
Out: the same structure tree, the same content streams, except that each
run of text is referred to by its marked-content identifier (MCID) straight
from the element it belongs to -- a paragraph, a cell, a span -- instead of
through a ``/Span`` structure element of its own wrapped around that one
reference.

Why: WeasyPrint 70 makes one structure element for every text box, and a
text box is every line of every element and every piece between two inline
elements: about 10,900 structure elements for a 47-page briefing, 40% of
them wrappers of a single MCID, written into the PDF (~70 KB compressed)
and walked by every screen reader. ISO 32000-1 (14.7.2, the ``K`` entry)
lets a structure element hold marked content directly, as integers;
WeasyPrint itself does so for links. Readers (pdftotext, pdfium, poppler)
extract the same text, character for character.

How: the branch of ``_build_box_tree`` that makes the per-text-box element
takes the form of the link branch beside it, for every element. The change
is made to that function's source, and only where the anchor text below is
found verbatim in the WeasyPrint version it was written against
(:data:`TESTED`); anything else leaves WeasyPrint's own tagging in place.

WeasyPrint and its libraries (pydyf, tinycss2, deflate) are imported inside
the functions that use them: importing WeasyPrint takes 0.5 s (``python -X
importtime``), which ``check``, an HTML-only build and ``--help`` never pay.
"""

from __future__ import annotations

import inspect


TESTED = ("70.",)
# the branch that wraps a text box's MCID in an element of its own unless the parent is a link
ANCHOR = """                if tag == 'Link':
                    # Associate MCID directly with link reference.
"""
PATCHED = """                if True:  # briefing (generator/pdf/tags.py): every element holds its text's MCIDs directly
"""
_installed: bool | None = None


def install() -> bool:
    """Install the change (once per process); whether it is active."""
    global _installed
    if _installed is not None:
        return _installed

    import weasyprint
    from weasyprint.pdf import tags

    _installed = False
    if not weasyprint.__version__.startswith(TESTED):
        return False
    try:
        source = inspect.getsource(tags._build_box_tree)
    except (OSError, TypeError):  # no source shipped (a frozen install): WeasyPrint's own tagging
        return False
    if source.count(ANCHOR) != 1:
        return False
    first = tags._build_box_tree.__code__.co_firstlineno  # tracebacks keep pointing at WeasyPrint's own lines
    code = compile("\n" * (first - 1) + source.replace(ANCHOR, PATCHED), tags.__file__, "exec")
    exec(code, tags.__dict__)  # redefines _build_box_tree in its own module; add_tags looks it up there
    _installed = True
    return True
