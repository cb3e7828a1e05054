"""Where the data shipped with the package lives -- the one place that knows.

Everything is found relative to this package's own directory, the same way
for an installed wheel (site-packages/generator/templates/…) and for the
editable install of a checkout (generator/templates is a symbolic link to
the repository's top-level templates/; the wheel build copies the files it
points to, see [tool.setuptools.package-data] in pyproject.toml).

Imports nothing but pathlib, so ``briefing --help`` stays instant.
"""

from __future__ import annotations

from pathlib import Path


PACKAGE = Path(__file__).resolve().parent

# The shipped Jinja templates, CSS and strings/<variant>.yaml labels. Resolved
# (through the checkout's link), so paths in messages name the real files.
TEMPLATES = (PACKAGE / "templates").resolve()

# The starter project shipped with the package (generator/scaffold/, dotfiles included).
SCAFFOLD = PACKAGE / "scaffold"

# The scaffold's content/ and sources/ as a desk writing in that script
# would write them (generator/scaffold-zh-Hant/: Taiwan usage; scaffold-zh-Hant-HK/:
# Hong Kong usage and glyphs), in place of the Simplified ones converted; a script
# without one gets the conversion.
SCAFFOLD_NATIVE = {"zh-Hant": PACKAGE / "scaffold-zh-Hant", "zh-Hant-HK": PACKAGE / "scaffold-zh-Hant-HK"}

# The glossary every project starts from (the content's own glossary.yaml adds to it).
HOUSE_GLOSSARY = PACKAGE / "chinese" / "house-glossary.yaml"

# Below it, the Taiwan and Hong Kong vocabulary selected from Chinese
# Wikipedia's conversion groups (tools/import_vocabulary.py; CC BY-SA 4.0).
VOCABULARY = PACKAGE / "chinese" / "vocabulary.tsv"

# The faces each edition is set in (body serif, headings and charts sans), and
# the Debian package that installs them.
FONT_PACKAGE = "fonts-noto-cjk"
REQUIRED_FONTS = {
    "zh-Hans": ("Noto Sans CJK SC", "Noto Serif CJK SC"),
    "zh-Hant": ("Noto Sans CJK TC", "Noto Serif CJK TC"),
    "zh-Hant-HK": ("Noto Sans CJK HK", "Noto Serif CJK HK"),
}
