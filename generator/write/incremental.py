"""Incremental builds: ``output/manifest.json`` says what every output was made from.

For each output file (``briefing.zh-Hant.pdf`` …) the manifest records a
digest of each of its inputs and the digest of the file itself:

- ``content/…``       every file of the content directory;
- ``templates/…``     every shipped template file, ``user-templates/…`` every
                      file of ``--templates DIR`` (strings files of other
                      variants excluded: editing zh-Hant labels rebuilds only
                      the zh-Hant edition);
- ``config``          the presentation settings of briefing.toml (brand, logo
                      bytes, fonts, page size, file names, …);
- ``editions``        the editions built together (each links to the others);
- ``generator``, ``version:…``  the package's own code, its version, Python and
                      every library the output depends on;
- ``opencc``          the OpenCC package: library and conversion dictionaries;
- ``fonts``           (PDF only) the installed font files;
- ``baseline``        the earlier edition that 本版更新 compares against.

An output whose recorded inputs equal the current ones, and whose file on
disk still has the recorded digest, is up to date and is not rendered
again. Working that out reads and hashes files only -- no WeasyPrint, no
Jinja, no content validation -- so a no-op build costs a fraction of a
second. The manifest also keeps the content snapshots that
:mod:`generator.render.changes` compares (the current edition's and the earlier
one's), and it is written in the same atomic commit as the outputs.

Nothing here reads the clock: the manifest of a build is a function of its
inputs, like the outputs themselves.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__, safeio
from generator.diagnostics import Diagnostics
from generator.fingerprint import (
    _digest_json, _file_digest, _fonts_digest, _opencc_digest, _package_digest, _tree, _version,
)
from generator.load.config import Config, load_config, output_name
from generator.model import CURRENCIES, FORMATS, MANIFEST, NUMBER_KINDS, QUALIFIERS, SCALES, VARIANTS
from generator.shipped import TEMPLATES as SHIPPED_TEMPLATES


MANIFEST_FORMAT = 1
# Distributions whose version can change the bytes of an output.
HTML_LIBRARIES = ("jinja2", "markupsafe", "markdown", "babel", "pyyaml", "opencc")
PDF_LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "pyphen", "fonttools", "pillow")


@dataclass
class Target:
    """One requested output file and the digests of what it is made from."""

    name: str
    variant: str
    format: str
    inputs: dict[str, str]


@dataclass
class Plan:
    """Which requested outputs must be (re)built, and why."""

    out_dir: Path
    edition: int | None
    targets: dict[str, Target] = field(default_factory=dict)
    stale: dict[str, str] = field(default_factory=dict)  # name -> reason
    manifest: dict | None = None  # the manifest found in out_dir
    manifest_problem: str = ""  # why a manifest.json there could not be used ('' if none, or it is fine)
    baseline: dict | None = None  # snapshot 本版更新 compares against

    @property
    def up_to_date(self) -> bool:
        return not self.stale

    @property
    def fresh(self) -> list[str]:
        return [n for n in self.targets if n not in self.stale]

    def stale_variants(self, fmt: str | None = None) -> list[str]:
        """Editions with at least one stale output (of ``fmt``, if given), in request order."""
        out: list[str] = []
        for name, t in self.targets.items():
            if name in self.stale and (fmt is None or t.format == fmt) and t.variant not in out:
                out.append(t.variant)
        return out

    def describe_fresh(self) -> list[str]:
        """'zh-Hans (html, pdf)' per edition whose outputs are all up to date."""
        by_variant: dict[str, list[str]] = {}
        for n in self.fresh:
            by_variant.setdefault(self.targets[n].variant, []).append(self.targets[n].format)
        return [f"{v} ({', '.join(fmts)})" for v, fmts in by_variant.items()]


# --------------------------------------------------------------------------
# planning


def plan_build(content_dir=None, out_dir=None, templates=None, variants=None, formats=None, config=None,
               strict: bool = False, force: bool = False) -> Plan:
    """Compare the requested outputs' current inputs with ``out_dir/manifest.json``.

    Takes the arguments of :func:`generator.build.build` and resolves them the
    same way (argument, else briefing.toml, else manifest/default). Never
    raises for bad input: anything it cannot read marks the outputs stale,
    and the build that follows reports the problem properly."""

    config_problem, config_path = "", config
    if config is not None and not isinstance(config, Config):
        diag = Diagnostics()
        config = load_config(config, diag)
        config_problem = "has errors (`briefing check` lists them)" if diag.errors else ""
    config = config or Config()
    content_dir = Path(content_dir or config.content or "content")
    out_dir = Path(out_dir or config.out or "output")
    templates = Path(templates) if templates else config.templates

    previous, manifest_problem = read_manifest(out_dir)
    content_files = _tree("content/", content_dir)
    edition, manifest_variants = _edition_and_variants(content_dir / "briefing.yaml",
                                                       content_files.get("content/briefing.yaml"), previous)
    requested_variants = list(variants or config.variants or manifest_variants or ())
    requested_formats = list(formats or config.formats or FORMATS)
    variants = [v for v in requested_variants if v in VARIANTS]
    formats = [f for f in requested_formats if f in FORMATS]
    plan = Plan(out_dir, edition, manifest=previous, baseline=baseline_for(previous, edition),
                manifest_problem=manifest_problem)

    common = dict(content_files)
    common.update(_common_inputs(config, variants, plan.baseline))
    for variant in variants:
        edition_inputs = dict(common)
        edition_inputs.update(_tree("templates/", SHIPPED_TEMPLATES, variant))
        if templates is not None:
            edition_inputs.update(_tree("user-templates/", templates, variant))
        for fmt in formats:
            inputs = dict(edition_inputs)
            if fmt == "pdf":
                inputs.update(_pdf_inputs())
            name = _output_name(config, variant, fmt)
            plan.targets[name] = Target(name, variant, fmt, inputs)

    # Problems of the request as a whole are keyed by what they are about;
    # they keep the build from being skipped, and the build reports them.
    if edition is None:
        plan.stale[str(content_dir / "briefing.yaml")] = "could not be read (no edition number)"
    if config_problem:
        plan.stale[str(config_path)] = config_problem
    unknown = [v for v in requested_variants if v not in VARIANTS] + \
        [f for f in requested_formats if f not in FORMATS]
    if unknown or not plan.targets:
        plan.stale["request"] = "unknown edition or format: " + ", ".join(map(str, unknown)) if unknown \
            else "no edition requested"
    recorded = (previous or {}).get("outputs", {})
    for name, target in plan.targets.items():
        why = ""
        if force:
            why = "--force"
        elif manifest_problem:
            why = manifest_problem
        elif name not in recorded:
            why = "not in the build manifest" if (out_dir / name).exists() else "not built yet"
        elif not (out_dir / name).is_file():
            why = "missing"
        elif _file_digest(out_dir / name) != recorded[name].get("sha256"):
            why = "the file was changed or replaced after the build"
        elif recorded[name].get("inputs") != target.inputs:
            why = "inputs changed: " + _changed_keys(recorded[name].get("inputs") or {}, target.inputs)
        elif strict and recorded[name].get("warnings", 0):
            why = f"built with {recorded[name]['warnings']} warning(s); --strict rebuilds to report them"
        if why:
            plan.stale[name] = why
    return plan


def _edition_and_variants(path: Path, digest: str | None, previous: dict | None) -> tuple[int | None, list[str]]:
    """The content manifest's ``edition`` and ``variants``: as recorded by the
    last build if the file is unchanged since, else read (not validated)."""
    recorded = (previous or {}).get("source") or {}
    if digest and recorded.get("sha256") == digest and isinstance(recorded.get("edition"), int):
        return recorded["edition"], list(recorded.get("variants") or [])
    # (imported here: a no-op build never reads YAML, and PyYAML costs it 13 ms of its 0.15 s)
    import yaml

    from generator import yamlsrc

    try:
        text = safeio.read_text(path, path.parent)
        try:
            data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except (ValueError, TypeError, OverflowError):
            # PyYAML's bare error for a date that is not one (title: 2025-02-30):
            # the content loader keeps such a value as text, and so does this
            data = yamlsrc.parse(text, path)
    except (OSError, safeio.Refused, yaml.YAMLError, yamlsrc.YamlSyntaxError, RecursionError):
        return None, []  # the build that follows reports the problem at its line
    if not isinstance(data, dict):
        return None, []
    edition = data.get("edition")
    variants = data.get("variants") or ["zh-Hans", "zh-Hant"]
    return (edition if isinstance(edition, int) and not isinstance(edition, bool) else None,
            [str(v) for v in variants] if isinstance(variants, list) else [])


def _output_name(config, variant: str, fmt: str) -> str:
    return output_name(variant, fmt, config.output_name)


def _changed_keys(old: dict, new: dict) -> str:
    keys = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    shown = ", ".join(keys[:4])
    return shown + (f" and {len(keys) - 4} more" if len(keys) > 4 else "")


# --------------------------------------------------------------------------
# inputs


def _common_inputs(config, variants: list[str], baseline: dict | None) -> dict[str, str]:
    inputs: dict[str, str] = {}
    inputs["config"] = _config_digest(config)
    inputs["editions"] = ",".join(variants)
    inputs["generator"] = _package_digest()
    inputs["opencc"] = _opencc_digest()
    inputs["version:briefing"] = __version__
    inputs["version:python"] = "%d.%d" % sys.version_info[:2]
    for dist in HTML_LIBRARIES:
        inputs[f"version:{dist}"] = _version(dist)
    inputs["baseline"] = (f"edition {baseline.get('edition')} " + _digest_json(baseline)) if baseline else "none"
    return inputs


def _pdf_inputs() -> dict[str, str]:
    inputs = {f"version:{dist}": _version(dist) for dist in PDF_LIBRARIES}
    inputs["fonts"] = _fonts_digest()
    return inputs


def _config_digest(config) -> str:
    """What briefing.toml says about presentation. Paths, editions and formats
    are covered by other inputs; a file (the logo) counts by its bytes."""
    settled = {}
    for f in dataclasses.fields(config):
        if f.name in ("path", "content", "templates", "out", "variants", "formats"):
            continue
        v = getattr(config, f.name)
        if isinstance(v, Path):
            v = _file_digest(v) if v.is_file() else f"missing {v}"
        settled[f.name] = v if isinstance(v, (str, int, float, bool, type(None), dict, list)) else str(v)
    return _digest_json(settled)


# --------------------------------------------------------------------------
# the manifest file


def read_manifest(out_dir: Path) -> tuple[dict | None, str]:
    """(manifest, problem). No manifest is not a problem; an unreadable one is."""
    path = Path(out_dir) / MANIFEST
    if not path.is_file():
        return None, ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):  # deep nesting: RecursionError
        return None, f"{path} is unreadable"
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return None, f"{path} is of another format"
    wrong = _manifest_shape(data)
    if wrong:
        return None, f"{path} has the wrong shape ({wrong})"
    return data, ""


def _manifest_shape(data: dict) -> str:
    """What is wrong with the shape of a manifest read from disk ('' if
    nothing): everything the planner and 本版更新 read from it is checked
    here, so a hand-edited or damaged file is treated as absent rather than
    failing somewhere later."""

    def text(v) -> bool:
        return isinstance(v, str)

    def integer(v) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    def number(v) -> bool:
        return (integer(v) or isinstance(v, float)) and abs(v) != float("inf") and v == v

    outputs = data.get("outputs")
    if not isinstance(outputs, dict):
        return "'outputs' is not a table"
    for name, e in outputs.items():
        if not isinstance(e, dict) or not text(e.get("sha256")) or not isinstance(e.get("inputs", {}), dict) \
                or not all(text(k) and text(v) for k, v in e.get("inputs", {}).items()) \
                or not integer(e.get("warnings", 0)):
            return f"output entry {name[:60]!r} is malformed"
    source = data.get("source")
    if source is not None and not (isinstance(source, dict) and isinstance(source.get("variants", []), list)
                                   and all(text(v) for v in source.get("variants", []))
                                   and (source.get("edition") is None or integer(source.get("edition")))):
        return "'source' is malformed"
    for key in ("content", "previous"):
        snap = data.get(key)
        if snap is None:
            continue
        try:
            ok = isinstance(snap, dict) and integer(snap.get("edition")) and text(snap.get("issue_date", "")) \
                and (not snap.get("issue_date") or bool(_ISO_DATE.match(snap["issue_date"]))) \
                and all(isinstance(t, dict) and text(t.get("id")) and text(t.get("title")) and text(t.get("digest"))
                        for t in _items(snap, "themes")) \
                and all(isinstance(q, dict) and text(q.get("id")) and text(q.get("question"))
                        for q in _items(snap, "questions")) \
                and all(_number_shape(n, text, integer, number, CURRENCIES, NUMBER_KINDS, QUALIFIERS, SCALES)
                        for n in _items(snap, "numbers"))
        except (TypeError, ValueError):
            ok = False
        if not ok:
            return f"its '{key}' snapshot is malformed"
    return ""


_ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")  # a date or a partial one (2025-11, 2025)


def _items(snap: dict, key: str) -> list:
    items = snap.get(key, [])
    if not isinstance(items, list):
        raise TypeError(key)
    return items


def _number_shape(n, text, integer, number, currencies, kinds, qualifiers, scales) -> bool:
    """A key number as :func:`generator.render.changes.snapshot` records it."""
    if not (isinstance(n, dict) and text(n.get("id")) and text(n.get("label")) and n.get("kind") in kinds
            and n.get("shape") in ("single", "series", "versions") and text(n.get("unit"))
            and n.get("currency") in ("", None, *currencies)):
        return False
    points = n.get("points")
    if not isinstance(points, list) or not points:
        return False
    for p in points:
        if not isinstance(p, dict) or p.get("scale") not in ("", *scales) \
                or p.get("qualifier") not in ("", *qualifiers) or not (p.get("as_of") is None or text(p.get("as_of"))):
            return False
        v = p.get("value")
        if n["kind"] == "date":
            ok = v is None or (text(v) and bool(_ISO_DATE.match(v)))
        elif n["kind"] == "year":
            ok = v is None or integer(v)
        else:
            ok = v is None or number(v) or (isinstance(v, list) and len(v) == 2 and all(number(x) for x in v))
        if not ok:
            return False
    return True


def baseline_for(manifest: dict | None, edition: int | None) -> dict | None:
    """The snapshot of the latest edition before ``edition`` kept in the
    manifest (the current content's, or the one it was compared with)."""
    if not manifest or edition is None:
        return None
    candidates = [s for s in (manifest.get("content"), manifest.get("previous"))
                  if isinstance(s, dict) and isinstance(s.get("edition"), int) and s["edition"] < edition]
    return max(candidates, key=lambda s: s["edition"], default=None)


def manifest_bytes(plan: Plan, outputs: dict[str, bytes], warnings: int, content_snapshot: dict,
                   content_variants: list[str], on_disk: dict | None | bool = False) -> bytes:
    """The new manifest: entries of the outputs just built replace their old
    ones; entries of outputs not rebuilt are kept.

    ``on_disk``: the manifest in the output directory as it is now (read
    under the commit's lock; None if there is none or it is unusable),
    whose entries are kept instead of those the plan saw, so that a build of
    the same directory that committed in the meantime (the PDFs, while this
    one made the HTML) keeps its entries. Left out: the plan's."""
    entries = dict(((plan.manifest if on_disk is False else on_disk) or {}).get("outputs", {}))
    for name, data in outputs.items():
        t = plan.targets[name]
        entries[name] = {
            "variant": t.variant,
            "format": t.format,
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
            "warnings": warnings,
            "inputs": t.inputs,
        }
    manifest = {
        "format": MANIFEST_FORMAT,
        "generator": f"briefing {__version__}",
        "edition": content_snapshot.get("edition"),
        "source": {  # lets the next plan skip parsing an unchanged briefing.yaml
            "sha256": next((t.inputs.get("content/briefing.yaml") for t in plan.targets.values()), None),
            "edition": content_snapshot.get("edition"),
            "variants": list(content_variants),
        },
        "outputs": entries,
        "content": content_snapshot,
        "previous": plan.baseline,
    }
    return (json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
