"""CJK fonts embedded at the size of the glyphs the PDF uses.

In: WeasyPrint's PDF writing (its ``Font.subset`` and
``build_fonts_dictionary``). Out: the same PDF, with each CID-keyed CFF
font (Noto CJK, Source Han: ROS Adobe-Identity-0) embedded as a bare CFF
program (``FontFile3``, ``/Subtype /CIDFontType0C``) holding only the used
glyphs.

Why: WeasyPrint 70 subsets with HarfBuzz's ``RETAIN_GIDS``, because its
content streams name glyphs by their id in the whole font (CID = GID). A
Noto CJK font has 65,535 glyphs, so every subset keeps an empty slot for
each id up to the highest one used: an offset and an empty charstring each,
about 150 KB per font and half the size of a Chinese briefing's PDF.

How: a CID-keyed CFF maps CIDs to glyphs through its own charset, which
HarfBuzz keeps when it subsets *without* retaining ids (each glyph keeps its
CID). PDF readers follow that charset for a bare CFF (``CIDFontType0C``,
PDF 1.3+, what Acrobat's own producers write), but not for a CFF inside an
OpenType wrapper (poppler then reads CIDs as glyph ids). So the font is
subset without retained ids and embedded as its CFF table alone; the
content streams, widths (``/W``) and ``/ToUnicode`` maps keep using CIDs
unchanged, so text still extracts and copies as before. ``/CIDToGIDMap``
(defined for TrueType-based CIDFonts only) is dropped from CFF-based ones.

WeasyPrint also copies each font's whole file when it meets the font (20-26
MB per Noto CJK collection); that copy is made lazy, so a compact font's
file is never read whole (:func:`_lazy_file_content`).

Other fonts (TrueType, name-keyed CFF) keep WeasyPrint's own subsetting. The
hooks are installed only on the WeasyPrint version they were written and
tested against (:data:`TESTED`) and when HarfBuzz's subsetter is there; any
other combination writes WeasyPrint's own PDF, larger and correct.

WeasyPrint and its libraries (pydyf, tinycss2, deflate) are imported inside
the functions that use them: importing WeasyPrint takes 0.5 s (``python -X
importtime``), which ``check``, an HTML-only build and ``--help`` never pay.
"""

from __future__ import annotations

import struct


DROP_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GDEF", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT",
               b"SVG ", b"VORG", b"vhea", b"vmtx", b"MATH")
TESTED = ("70.",)  # WeasyPrint versions whose font internals the hooks follow
_installed = False


def install() -> bool:
    """Install the hooks (once per process); whether they are active."""
    global _installed
    if _installed:
        return True
    import weasyprint
    import weasyprint.pdf as wpdf
    from weasyprint.pdf import fonts as wfonts
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if not weasyprint.__version__.startswith(TESTED) or not harfbuzz_subset \
            or not harfbuzz.hb_version_atleast(4, 1, 0):
        return False
    original_subset, original_build = wfonts.Font.subset, wpdf.build_fonts_dictionary

    def subset(font, to_unicode, hinting):
        found = _bare_cff(font, to_unicode) if to_unicode and "CFF " in font.tables else None
        if found is None:
            return original_subset(font, to_unicode, hinting)
        # the subset OpenType file goes on to WeasyPrint (it writes a CFF-based CIDFont for it);
        # its CFF table alone goes into the PDF (_embed_bare)
        font.file_content, font.bare_cff = found

    def build_fonts_dictionary(pdf, fonts, compress, subset_fonts, options):
        result = original_build(pdf, fonts, compress, subset_fonts, options)
        _embed_bare(pdf, fonts)
        return result

    wfonts.Font.subset = subset
    wpdf.build_fonts_dictionary = build_fonts_dictionary
    _lazy_file_content(wfonts)
    _installed = True
    return True


def _lazy_file_content(wfonts) -> None:
    """A font's whole file, read only if something asks for it.

    WeasyPrint's ``Font.__init__`` copies the font's whole file into
    ``file_content`` (a Noto CJK collection is 20-26 MB; reading it also
    makes every page of the mapped file resident): about 90 MB of a render's
    peak memory for two faces. The compact subset above reads the glyphs
    through HarfBuzz's face and replaces ``file_content`` with the subset,
    so for those fonts the whole file is never needed; any other use (a
    TrueType font, a font used in a form) still reads it, on first access."""
    original_init, read = wfonts.Font.__init__, wfonts.get_hb_object_data
    constructing = []

    def get_hb_object_data(hb_object, ot_color=None, glyph=None):
        if constructing and ot_color is None and glyph is None:
            return None  # Font.__init__'s copy of the whole file: read lazily instead
        return read(hb_object, ot_color, glyph)

    def init(font, *args, **kwargs):
        constructing.append(font)
        try:
            original_init(font, *args, **kwargs)
        finally:
            constructing.pop()

    def get(font):
        data = font.__dict__.get("_file_content")
        if data is None:
            data = font.__dict__["_file_content"] = read(font.hb_face)
        return data

    def put(font, value):
        font.__dict__["_file_content"] = value

    wfonts.get_hb_object_data = get_hb_object_data
    wfonts.Font.__init__ = init
    wfonts.Font.file_content = property(get, put)


def _bare_cff(font, to_unicode) -> tuple[bytes, bytes] | None:
    """``font`` subset to the glyphs of ``to_unicode`` without retained ids
    (the OpenType file, and its CFF table), if the font is CID-keyed (else
    None: its glyph ids would shift)."""
    from weasyprint.pdf.fonts import get_hb_object_data
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset as hbs

    plan = ffi.gc(hbs.hb_subset_input_create_or_fail(), hbs.hb_subset_input_destroy)
    glyphs = sorted(set(to_unicode) | {0})
    wanted = ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs)
    harfbuzz.hb_set_add_sorted_array(hbs.hb_subset_input_glyph_set(plan), wanted, len(glyphs))
    flags = hbs.HB_SUBSET_FLAGS_DESUBROUTINIZE | hbs.HB_SUBSET_FLAGS_NO_HINTING
    if font.missing:
        flags |= hbs.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    hbs.hb_subset_input_set_flags(plan, flags)
    # layout tables would pull every glyph they can substitute into the subset (vertical forms,
    # alternates); the PDF draws shaped glyphs, and only the CFF table is embedded
    drop = sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in DROP_TABLES)
    tags = ffi.new(f"hb_codepoint_t[{len(drop)}]", drop)
    harfbuzz.hb_set_add_sorted_array(hbs.hb_subset_input_set(plan, hbs.HB_SUBSET_SETS_DROP_TABLE_TAG), tags,
                                     len(drop))
    face = hbs.hb_subset_or_fail(font.hb_face, plan)
    if face == ffi.NULL:
        return None
    face = ffi.gc(face, harfbuzz.hb_face_destroy)
    otf = get_hb_object_data(face) or b""
    cff = _table(otf, b"CFF ")
    return (otf, cff) if otf[:4] == b"OTTO" and cff and _cid_keyed(cff) else None


def _embed_bare(pdf, fonts) -> None:
    """Put each bare CFF in place of the OpenType stream WeasyPrint wrote
    for it, and drop ``/CIDToGIDMap`` from the CFF-based CIDFonts."""
    import pydyf

    bare = {font.file_content: font.bare_cff for font in fonts.values() if getattr(font, "bare_cff", None)}
    if not bare:
        return
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Subtype") == "/OpenType" and len(obj.stream) == 1 \
                and obj.stream[0] in bare:
            obj.stream = [bare[obj.stream[0]]]
            obj.extra["Subtype"] = "/CIDFontType0C"
        elif isinstance(obj, pydyf.Dictionary) and obj.get("Subtype") == "/CIDFontType0":
            obj.pop("CIDToGIDMap", None)


def _table(otf: bytes, tag: bytes) -> bytes | None:
    """One table of an OpenType file, by its table directory."""
    if len(otf) < 12:
        return None
    count = struct.unpack_from(">H", otf, 4)[0]
    for i in range(count):
        at = 12 + 16 * i
        if at + 16 > len(otf):
            return None
        name, _checksum, offset, length = struct.unpack_from(">4sIII", otf, at)
        if name == tag:
            return otf[offset:offset + length] if offset + length <= len(otf) else None
    return None


def _cid_keyed(cff: bytes) -> bool:
    """Whether the CFF's top DICT has the ROS operator (12 30): CID-keyed."""
    try:
        _, after_names = _index(cff, cff[2])  # header, then the Name INDEX
        tops, _ = _index(cff, after_names)
    except (IndexError, struct.error):
        return False
    return bool(tops) and _has_ros(tops[0])


def _index(data: bytes, at: int) -> tuple[list[bytes], int]:
    """The items of the CFF INDEX at ``at``, and the offset after it."""
    count = struct.unpack_from(">H", data, at)[0]
    if count == 0:
        return [], at + 2
    size = data[at + 2]
    offsets = [int.from_bytes(data[at + 3 + i * size:at + 3 + (i + 1) * size], "big") for i in range(count + 1)]
    base = at + 3 + (count + 1) * size - 1
    return [data[base + offsets[i]:base + offsets[i + 1]] for i in range(count)], base + offsets[-1]


def _has_ros(top: bytes) -> bool:
    """Scan a top DICT's operators (operands skipped by their encoding)."""
    i = 0
    while i < len(top):
        b = top[i]
        if b == 12:
            if i + 1 < len(top) and top[i + 1] == 30:
                return True
            i += 2
        elif b <= 21:
            i += 1
        elif b == 28:
            i += 3
        elif b == 29:
            i += 5
        elif b == 30:  # real number: nibbles up to 0xf
            i += 1
            while i < len(top) and (top[i] & 0x0F) != 0x0F and (top[i] >> 4) != 0x0F:
                i += 1
            i += 1
        elif 32 <= b <= 246:
            i += 1
        elif 247 <= b <= 254:
            i += 2
        else:
            i += 1
    return False
