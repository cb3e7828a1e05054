"""Pseudo-element styles cascaded only where WeasyPrint can use them.

In: WeasyPrint's cascade (``weasyprint.css.StyleFor``) and its user-agent
stylesheet. Out: the same computed style for every box WeasyPrint builds,
so the same PDF, byte for byte.

Why: WeasyPrint 70's user-agent stylesheet has six rules on a pseudo-element
of *every* element -- ``::marker``, ``::footnote-call``, ``::footnote-marker``,
``::note-call``, ``::note-marker``, ``::note-callback`` -- so its cascade
matches them and computes six pseudo-element styles per element: 23,000
styles for a briefing of 3,841 elements, 26 MB of its 200 MB and 0.3 s of
its 4.1 s render. Yet WeasyPrint asks for a marker's style only on a list
item (``display: list-item``), for a footnote's call and marker only on an
element floated to the footnote area (``float: footnote``), and for a note's
only on an element positioned as a note (``position: note()``).

How: before the cascade, every author and user declaration of ``float``,
``position`` and ``display`` is read, from the document's stylesheets (as
WeasyPrint parsed them) and its ``style`` attributes. Only if none of them
can make an element a footnote, a note, or a list item other than ``li``
(the user-agent sheet's own list item) -- a ``var()`` in one of them counts
as "can" -- the user-agent sheet is swapped for a copy without the rules
that cannot apply, ``::marker`` kept as ``li::marker``. Its specificity
rises, but no other user-agent rule styles a marker, and author rules win
over the user agent's whatever their specificity, so every style that is
used is computed as before. Any document that does use footnotes, notes or
list items of its own gets WeasyPrint's sheet unchanged.

The hook is installed only on the WeasyPrint version it follows
(:data:`TESTED`) and only if each rule it drops is found verbatim in that
version's sheet; otherwise WeasyPrint cascades as it always does. (The
cure upstream would be to compute a pseudo-element's style when a box asks
for it.)

WeasyPrint and its libraries (pydyf, tinycss2, deflate) are imported inside
the functions that use them: importing WeasyPrint takes 0.5 s (``python -X
importtime``), which ``check``, an HTML-only build and ``--help`` never pay.
"""

from __future__ import annotations


TESTED = ("70.",)
# each rule exactly as WeasyPrint 70's html5_ua.css writes it -> the trigger that makes it needed
FOOTNOTE_RULES = ('::footnote-call { content: counter(footnote); vertical-align: super; font-size: smaller; '
                  'line-height: inherit }\n',
                  '::footnote-marker { content: counter(footnote) ". " }\n')
NOTE_RULES = ('::note-call { content: counter(note); vertical-align: super; font-size: smaller; '
              'line-height: inherit }\n',
              '::note-marker { content: counter(note) ". " }\n',
              '::note-callback { content: "\u202f↩" }\n')  # a narrow no-break space before the arrow
MARKER_RULE = "::marker { font-variant-numeric: tabular-nums; white-space: pre; text-transform: none }\n"
LIST_ITEM_MARKER_RULE = "li" + MARKER_RULE  # li { display: list-item } is the sheet's only list item
WATCHED = ("float", "position", "display")

_installed: bool | None = None
_sheets: dict[tuple[bool, bool, bool], object] = {}  # (footnotes, notes, any list item) -> the UA sheet to use


def install() -> bool:
    """Install the hook (once per process); whether it is active. The sheet
    of the usual case (no footnote, note or list item of the author's) is
    parsed now: the build installs the hooks before it forks its PDF
    workers, so they share it."""
    global _installed
    if _installed is not None:
        return _installed
    import weasyprint
    from weasyprint import css, html as ua

    _installed = False
    if not weasyprint.__version__.startswith(TESTED) or not active():
        return False
    text = getattr(ua, "UA", None)
    if (not isinstance(text, str) or getattr(weasyprint, "UA_STYLESHEET", None) is None
            or any(text.count(rule) != 1 for rule in (*FOOTNOTE_RULES, *NOTE_RULES, MARKER_RULE))
            or text.count("display: list-item") != 1 or text.count("li { display: list-item }") != 1):
        return False

    cascade = css.StyleFor

    class StyleFor(cascade):
        def __init__(self, html, sheets, *args, **kwargs):
            if any(sheet is weasyprint.UA_STYLESHEET for sheet, _, _ in sheets):
                lighter = _sheet(text, needed(html, sheets))
                sheets = [(lighter if sheet is weasyprint.UA_STYLESHEET else sheet, origin, specificity)
                          for sheet, origin, specificity in sheets]
            super().__init__(html, sheets, *args, **kwargs)

    StyleFor.__qualname__ = StyleFor.__name__ = cascade.__name__
    StyleFor.__module__ = cascade.__module__
    css.StyleFor = StyleFor  # get_all_computed_styles looks it up in its module at each call
    _sheet(text, (False, False, False))
    _installed = True
    return True


def active() -> bool:
    """Whether the hook may be installed (tests switch it off to compare)."""
    return True


def needed(html, sheets) -> tuple[bool, bool, bool]:
    """Whether the document's own declarations can make (an element a
    footnote, a note, a list item other than ``li``)."""
    found = [False, False, False]
    seen: set[int] = set()
    for sheet, origin, _ in sheets:
        if origin == "user agent":
            continue
        for declarations in _declaration_lists(sheet.matcher):
            if id(declarations) not in seen:
                seen.add(id(declarations))
                for name, value, _important in declarations:
                    _note(found, name, value)
    for name, value in _style_attributes(html):
        _note(found, name, value)
    return found[0], found[1], found[2]


def _note(found: list[bool], name: str, value) -> None:
    if name not in WATCHED:
        return
    pending = not isinstance(value, (str, tuple))  # var(): known only once cascaded
    if name == "float":
        found[0] = found[0] or pending or value == "footnote"
    elif name == "position":
        found[1] = found[1] or pending or (isinstance(value, tuple) and value[:1] == ("note()",))
    else:  # (an element inherits display: list-item from an li, whose marker li::marker does not style)
        found[2] = found[2] or pending or value == "inherit" or (isinstance(value, tuple) and "list-item" in value)


def _declaration_lists(matcher):
    """Every rule's declaration list in a cssselect2 matcher (an entry is
    (test, specificity, order, pseudo-element, (declarations, layer)))."""
    groups = [matcher.lang_attr_selectors, matcher.other_selectors]
    for index in (matcher.id_selectors, matcher.class_selectors, matcher.lower_local_name_selectors,
                  matcher.namespace_selectors):
        groups.extend(index.values())
    for entries in groups:
        for entry in entries:
            yield entry[-1][0]


def _style_attributes(html):
    """(property, value) of each watched declaration of a ``style``
    attribute, validated as WeasyPrint validates it (an invalid one is
    ignored, as WeasyPrint ignores it)."""
    import tinycss2
    from weasyprint.css.tokens import InvalidValues, remove_whitespace
    from weasyprint.css.validation.properties import validate_non_shorthand

    for element in html.etree_element.iter():
        style = element.get("style") if hasattr(element, "get") else None
        if not style:
            continue
        for declaration in tinycss2.parse_blocks_contents(style, skip_comments=True, skip_whitespace=True):
            if declaration.type != "declaration":
                continue
            if declaration.lower_name not in WATCHED:
                continue
            try:
                yield from validate_non_shorthand(remove_whitespace(declaration.value), declaration.lower_name)
            except InvalidValues:
                continue


def _sheet(text: str, need: tuple[bool, bool, bool]):
    """The user-agent sheet without the rules that ``need`` says cannot apply."""
    if need == (True, True, True):
        import weasyprint
        return weasyprint.UA_STYLESHEET
    if need not in _sheets:
        import weasyprint
        from weasyprint.css.counters import CounterStyle

        footnotes, notes, list_items = need
        if not footnotes:
            text = _drop(text, FOOTNOTE_RULES)
        if not notes:
            text = _drop(text, NOTE_RULES)
        if not list_items:
            text = text.replace(MARKER_RULE, LIST_ITEM_MARKER_RULE)
        # its @counter-style rules go to a registry of its own: WeasyPrint's holds them already (each
        # document starts from a copy of it), and would refuse disc and decimal again, with a warning
        _sheets[need] = weasyprint.CSS(string=text, counter_style=CounterStyle())
    return _sheets[need]


def _drop(text: str, rules: tuple[str, ...]) -> str:
    for rule in rules:
        text = text.replace(rule, "")
    return text
