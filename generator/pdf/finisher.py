"""The PDF's bytes: WeasyPrint's finished document, written compactly.

In: the document WeasyPrint has finished building (a ``pydyf.PDF``, handed
over by ``write_pdf``'s ``finisher`` hook). Out: the same document -- the
same pages and content streams, fonts, text, links, outline and structure
tree as a reader or a screen reader meets them -- in about 10% fewer bytes
(809 -> 729 KB for the sample's Traditional edition) and written in one pass.

1. **Grouping elements folded into their parents** (:func:`fold`).
   WeasyPrint makes a structure element for every box. A box without a tag
   of its own (an anonymous block, a ``<b>``, a ``<sup>``) becomes a
   ``/NonStruct``, whose "descendants shall be processed normally" (ISO
   32000-1, table 335), and a ``<span>`` a ``/Span``, "a generic inline
   portion of text having no particular inherent characteristics" (table
   338). Such an element with nothing else to say (no attributes, no
   alternate text, no language) is replaced by its children, in the same
   place in its parent, and the parent tree sends its marked content to
   that parent.
2. **A link's object reference written inside the link.** A ``/Link``
   element names its annotation through an object reference dictionary
   (``/OBJR``), written inside the element's ``/K`` instead of as an object
   of its own (14.7.4.3 allows either).
3. **Objects numbered without gaps** (:func:`_renumber`), so the object
   stream's table and the cross-reference stream list only what is there;
   the cross-reference rows are stored as differences from the row above
   (the PNG "Up" predictor, 7.4.4.4), which deflate packs to almost nothing.
4. **Streams compressed by libdeflate** (:func:`compress`) instead of zlib:
   the same ``/FlateDecode`` format, 5% smaller (22% for the object stream
   of the structure tree); pydyf compresses and serialises every object a
   second time to hash the file identifier, here the bytes written are the
   bytes hashed, so writing takes less time than before.
5. **Link areas to 1/100 pt** (:func:`round_link_areas`) instead of pydyf's
   1/1,000,000.

The content streams are not touched: every page renders pixel for pixel
as WeasyPrint's own file does. Active on the pydyf and WeasyPrint versions
it was written against (:data:`TESTED`); anything else writes WeasyPrint's
own PDF.

WeasyPrint and its libraries (pydyf, tinycss2, deflate) are imported inside
the functions that use them: importing WeasyPrint takes 0.5 s (``python -X
importtime``), which ``check``, an HTML-only build and ``--help`` never pay.
"""

from __future__ import annotations

import hashlib
from math import ceil, log


LEVEL = 10  # libdeflate: 1-12; 10 is its first "near-optimal" level (see compress())
TESTED = {"weasyprint": ("70.",), "pydyf": ("0.13.",)}
GROUPING = ("/NonStruct", "/Span")  # structure types whose elements only group their children
PLAIN_KEYS = frozenset(("Type", "S", "K", "Pg", "P"))  # an element with any other key (attributes, alt text) stays


def active() -> bool:
    """Whether the installed WeasyPrint and pydyf are those this follows."""
    import pydyf
    import weasyprint

    return weasyprint.__version__.startswith(TESTED["weasyprint"]) and pydyf.__version__.startswith(TESTED["pydyf"])


def finisher(document, pdf) -> None:
    """``write_pdf``'s finisher: the document is written by :func:`write`."""
    pdf.write = lambda output, version=b"1.7", identifier=False, compress=False: write(
        pdf, output, version, identifier, compress)


def _object(pdf, reference):
    """The object a ``b"12 0 R"`` reference names, or None for anything else."""
    if isinstance(reference, bytes) and reference.endswith(b" 0 R"):
        number = reference[:-4]
        if number.isdigit() and int(number) < len(pdf.objects):
            return pdf.objects[int(number)]
    return None


def fold(pdf) -> dict[bytes, bytes]:
    """Fold grouping elements into their parents and write object references
    inside their elements; the objects no longer needed are marked free.
    Returns where each folded element went: its reference -> its parent's."""
    import pydyf

    moved: dict[bytes, bytes] = {}
    root = _object(pdf, pdf.catalog.get("StructTreeRoot"))
    if root is None:
        return moved
    # (a folded element's reference -> the element that now holds its content)
    # depth first, children before their parent, without recursion (no depth limit)
    stack = [(element, False) for element in map(lambda r: _object(pdf, r), root.get("K", ())) if element is not None]
    while stack:
        element, done = stack.pop()
        if not done:
            stack.append((element, True))
            stack.extend((kid, False) for kid in map(lambda r: _object(pdf, r), element.get("K", ()))
                         if kid is not None and kid.get("Type") == "/StructElem")
            continue
        kids = pydyf.Array()
        for item in element.get("K", ()):
            kid = _object(pdf, item)
            if kid is None:
                kids.append(item)
            elif kid.get("Type") == "/OBJR":
                kids.append(kid)  # a pydyf object inside an array is written in place
                kid.free = "f"
            elif kid.get("Type") == "/StructElem" and _groups_only(kid, element):
                for grandchild in kid["K"]:
                    held = _object(pdf, grandchild)
                    if held is not None and held.get("Type") == "/StructElem":
                        held["P"] = element.reference
                    kids.append(grandchild)
                moved[kid.reference] = element.reference
                kid.free = "f"
            else:
                kids.append(item)
        if "K" in element:
            element["K"] = kids
    if moved:
        tree = _object(pdf, root.get("ParentTree"))
        nums = tree.get("Nums", ()) if tree is not None else ()
        for i in range(1, len(nums), 2):
            entry = nums[i]
            if isinstance(entry, list):  # a page's marked content, by MCID
                entry[:] = [_final(moved, ref) for ref in entry]
            else:  # an annotation's element
                nums[i] = _final(moved, entry)
    return moved


def round_link_areas(pdf, places: int = 2) -> None:
    """Each link's rectangle (the area a click lands on) to 1/100 pt instead
    of pydyf's 1/1,000,000: the same areas for any reader, ~3 KB less in a
    briefing with 900 citation links. Links only: a form field's or an
    attachment's appearance is drawn from its rectangle."""
    for obj in pdf.objects:
        rect = obj.get("Rect") if isinstance(obj, dict) and obj.get("Subtype") == "/Link" else None
        if isinstance(rect, list):
            rect[:] = [round(v, places) if isinstance(v, float) else v for v in rect]


def _groups_only(kid, parent) -> bool:
    """Whether ``kid`` is a grouping element whose children can be its
    parent's: nothing but a type, children, page and parent, and -- when it
    holds marked content, which its page identifies -- on the parent's page."""
    if kid.get("S") not in GROUPING or not PLAIN_KEYS.issuperset(kid) or "K" not in kid:
        return False
    holds_content = any(isinstance(item, int) for item in kid["K"])
    return not holds_content or (parent.get("Pg") is not None and parent.get("Pg") == kid.get("Pg"))


def _final(moved: dict[bytes, bytes], reference):
    """Where ``reference``'s content ended up, through any number of folds."""
    seen = 0
    while reference in moved and seen <= len(moved):
        reference = moved[reference]
        seen += 1
    return reference


def write(pdf, output, version=b"1.7", identifier=False, compress=False) -> None:
    """pydyf's ``PDF.write`` for a compressed PDF 1.5+ (object stream and
    cross-reference stream): the structure tree folded (:func:`fold`), link
    areas rounded, the freed objects dropped and the rest numbered without
    gaps, each object serialised once, the cross-reference rows predicted.
    Any other kind of file is pydyf's own, untouched."""
    import pydyf

    version = pydyf._to_bytes(version or b"1.7")
    if not compress or version < b"1.5":
        return pydyf.PDF.write(pdf, output, version, identifier, compress)
    if identifier not in (False, True, None):
        identifier = pydyf._to_bytes(identifier)
    if pdf.info:
        pdf.add_object(pdf.info)

    moved = fold(pdf)
    round_link_areas(pdf)
    _renumber(pdf, moved)
    position = 0

    def line(content: bytes) -> None:
        nonlocal position
        output.write(content + b"\n")
        position += len(content) + 1

    line(b"%PDF-" + version)
    line(b"%\xf0\x9f\x96\xa4")
    hashed = hashlib.md5()
    packed_numbers, packed = [], []
    for obj in pdf.objects:
        if obj.free == "f":
            continue
        data = _data(obj)
        if obj.compressible:
            packed_numbers.append(obj.number)
            packed.append(data)
        else:
            obj.offset = position
            line(b"%d %d obj\n" % (obj.number, obj.generation) + data + b"\nendobj")
        hashed.update(data)  # in object order: what pydyf hashes

    table, at = [], 0
    for number, data in zip(packed_numbers, packed):
        table.append(b"%d %d" % (number, at))
        at += len(data) + 1
    header = b" ".join(table)
    objstm = pydyf.Stream([header, *packed], {"Type": "/ObjStm", "N": len(packed), "First": len(header) + 1},
                          compress)
    objstm.offset = position
    pdf.add_object(objstm)
    data = _data(objstm)
    hashed.update(data)
    line(b"%d 0 obj\n" % objstm.number + data + b"\nendobj")

    rows, index = [], 0
    for obj in pdf.objects:
        if obj.free == "f":  # object 0, the head of the (empty) list of free objects
            rows.append((0, 0, obj.generation))
        elif obj.compressible:
            rows.append((2, objstm.number, index))
            index += 1
        else:
            rows.append((1, obj.offset, obj.generation))
    rows.append((1, position, 0))  # the cross-reference stream itself
    widths = (1, _bytes_for(max(position, objstm.number)),
              _bytes_for(max(max(r[2] for r in rows), index)))
    extra = {
        "Type": "/XRef",
        "Index": pydyf.Array((0, len(pdf.objects) + 1)),
        "W": pydyf.Array(widths),
        "Size": len(pdf.objects) + 1,
        "Root": pdf.catalog.reference,
        "DecodeParms": pydyf.Dictionary({"Columns": sum(widths), "Predictor": 12}),
    }
    if pdf.info:
        extra["Info"] = pdf.info.reference
    if identifier:
        digest = hashed.hexdigest().encode()
        extra["ID"] = pydyf.Array((pydyf.String(digest if identifier is True else identifier).data,
                                   pydyf.String(digest).data))
    xref = pydyf.Stream([_predicted(rows, widths)], extra, compress)
    pdf.xref_position = xref.offset = position
    pdf.add_object(xref)
    line(b"%d 0 obj\n" % xref.number + _data(xref) + b"\nendobj")
    line(b"startxref")
    line(b"%d" % pdf.xref_position)
    line(b"%%EOF")


def _data(obj) -> bytes:
    """An object's bytes; a stream pydyf would compress is compressed with
    libdeflate (:func:`compress`) instead of zlib. What pydyf's
    ``Stream.data`` does, otherwise."""
    import pydyf

    if not (isinstance(obj, pydyf.Stream) and obj.compress and type(obj).data is pydyf.Stream.data):
        return obj.data
    stream = compress(b"\n".join(pydyf._to_bytes(item) for item in obj.stream))
    extra = pydyf.Dictionary(obj.extra.copy())
    extra["Filter"] = "/FlateDecode"
    extra["Length"] = len(stream)
    return b"\n".join((extra.data, b"stream", stream, b"endstream"))


def compress(data: bytes) -> bytes:
    """``data`` in the zlib format (what ``/FlateDecode`` reads), made by
    libdeflate at :data:`LEVEL`. Measured on the sample's Traditional
    edition (streams and the whole write): zlib at 9, as pydyf does, 770 KB
    in 0.35 s; libdeflate at 9, 751 KB in 0.17 s; at 10, 733 KB in 0.26 s;
    at 11 and 12, 729 KB in 0.36 and 0.43 s."""
    import deflate

    return deflate.zlib_compress(data, LEVEL)


def _renumber(pdf, moved: dict[bytes, bytes] | None = None) -> None:
    """Drop the freed objects and number the others 1, 2, 3... in their
    order, rewriting every reference to them. A reference is held by pydyf
    as a whole item ``b"12 0 R"`` of a dictionary or an array (and the page
    tree's kids as the three items ``12, 0, "R"``); strings, names and
    content streams hold none. A reference to a freed object that the fold
    did not account for (an outline item's ``/SE``, say) is kept good: to a
    folded element it goes to the element that took its content
    (``moved``), to any other freed object the object is written after all."""
    import pydyf

    if all(obj.free != "f" for obj in pdf.objects[1:]):
        return
    moved = moved or {}
    kept = [pdf.objects[0], *(obj for obj in pdf.objects[1:] if obj.free != "f")]
    number = {obj.number: new for new, obj in enumerate(kept)}
    stack = [obj.extra if isinstance(obj, pydyf.Stream) else obj for obj in kept[1:]]

    def renumbered(item):
        if not (isinstance(item, bytes) and item.endswith(b" 0 R") and item[:-4].isdigit()):
            return item
        old = int(item[:-4])
        if old not in number and old < len(pdf.objects):
            if item in moved:
                old = int(_final(moved, item)[:-4])
            else:  # referred to from elsewhere: written after all, as an object of its own
                obj = pdf.objects[old]
                obj.free = "n"
                number[old] = len(kept)
                kept.append(obj)
                stack.append(obj.extra if isinstance(obj, pydyf.Stream) else obj)
        return b"%d 0 R" % number[old] if old in number else item

    kids = pdf.pages["Kids"]  # the page tree's kids: 12, 0, "R"
    kids[0::3] = [number[n] for n in kids[0::3]]
    seen: set[int] = {id(kids)}
    while stack:
        container = stack.pop()
        if id(container) in seen:  # a dictionary or array placed twice is rewritten once
            continue
        seen.add(id(container))
        if isinstance(container, dict):
            for key, value in container.items():
                if isinstance(value, (dict, list)):
                    stack.append(value)
                else:
                    container[key] = renumbered(value)
        elif isinstance(container, list):
            for i, value in enumerate(container):
                if isinstance(value, (dict, list)):
                    stack.append(value)
                else:
                    container[i] = renumbered(value)
    for obj in kept:
        obj.number = number[obj.number]
    pdf.objects[:] = kept


def _bytes_for(value: int) -> int:
    """Bytes a field needs to hold ``value`` (at least one)."""
    return max(1, ceil(log(value + 1, 256)))


def _predicted(rows: list[tuple[int, int, int]], widths: tuple[int, int, int]) -> bytes:
    """The rows as PNG "Up" rows: a filter byte (2), then each byte less the
    byte above it, modulo 256."""
    out = bytearray()
    above = bytes(sum(widths))
    for row in rows:
        raw = b"".join(value.to_bytes(width, "big") for value, width in zip(row, widths))
        out.append(2)
        out += bytes((b - a) & 0xFF for b, a in zip(raw, above))
        above = raw
    return bytes(out)
