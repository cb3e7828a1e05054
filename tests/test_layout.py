"""The package's layout holds (docs/architecture.md): the stages as folders,
imports only downwards, no cycle, and a reason at the top of a long module.

Read from the source with ``ast``: every import of a ``generator`` module,
at the top of a module or inside a function, is an edge.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# Lowest first: a module may import its own layer and the layers before it.
LAYERS = (
    ("foundation", ("generator", "generator.model", "generator.diagnostics", "generator.safeio", "generator.yamlsrc",
                    "generator.shipped", "generator.usercache", "generator.fingerprint", "generator.grammar",
                    "generator.images", "generator.labels", "generator.workers")),
    ("chinese", ("generator.chinese",)),
    ("load", ("generator.load",)),
    ("check", ("generator.check",)),
    ("render", ("generator.render",)),
    ("pdf", ("generator.pdf",)),
    ("write", ("generator.write",)),
    ("shells", ("generator.lanes", "generator.build", "generator.new", "generator.serve", "generator.cli",
                "generator.__main__")),
)
LONG = 500  # lines; a longer module says why at its top
# where the package is imported inside a function, and why (measured with python -X importtime)
LAZY = {
    "generator.cli": "each command imports its stages: `briefing --help` costs 0.03 s, the stages 0.17 s more",
    "generator.write.incremental": "a no-op build reads no YAML: PyYAML would cost it 13 ms of its 0.15 s",
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        if any(part.startswith("scaffold") for part in rel.parts):
            continue
        name = ".".join(rel.parts).removesuffix(".__init__")
        found[name] = path
    return found


MODULES = _modules()


def _target(name: str) -> str | None:
    """The module an imported name belongs to (``generator.pdf.render_pdf`` -> generator.pdf)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> list[tuple[str, int, bool]]:
    """(imported module, line, at the top) of every generator import in ``module``."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    top = {id(node) for node in tree.body}
    top |= {id(n) for node in tree.body if isinstance(node, (ast.If, ast.Try)) for n in ast.walk(node)}
    out = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{a.name}" for a in node.names]
        for name in names:
            target = _target(name) if name.startswith("generator") else None
            if target and target != module:
                out.append((target, node.lineno, id(node) in top))
    return out


def _layer(module: str) -> int:
    best = (-1, -1)  # (length of the matching prefix, layer)
    for i, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best[0]:
                best = (len(prefix), i)
    assert best[1] >= 0, f"{module} is in no layer of tests/test_layout.py: add it"
    return best[1]


def test_every_module_is_in_a_layer():
    for module in MODULES:
        _layer(module)


def test_no_module_imports_a_later_stage():
    upward = [f"{m} (line {line}) imports {t}" for m in MODULES for t, line, _top in _imports(m)
              if _layer(t) > _layer(m)]
    assert upward == []


def test_there_is_no_import_cycle():
    edges = {m: {t for t, _line, _top in _imports(m)} for m in MODULES}
    state: dict[str, int] = {}  # 1: on the path, 2: done
    cycles = []

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for t in sorted(edges[m]):
            if state.get(t) == 1:
                cycles.append(path[path.index(t):] + [t])
            elif t not in state:
                visit(t, path + [t])
        state[m] = 2

    for m in sorted(MODULES):
        if m not in state:
            visit(m, [m])
    assert cycles == []


def test_imports_of_the_package_are_at_the_top_of_a_module():
    inside = [f"{m}:{line} imports {t}" for m in MODULES if m not in LAZY for t, line, top in _imports(m) if not top]
    assert inside == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_says_what_comes_in_and_what_goes_out(module):
    source = MODULES[module].read_text(encoding="utf-8")
    doc = ast.get_docstring(ast.parse(source)) or ""
    assert doc, f"{module} has no docstring"
    if source.count("\n") > LONG:
        assert "Why one module" in doc, f"{module} is over {LONG} lines: say why at its top (or split it)"


def test_the_command_line_offers_every_variant_of_the_model():
    from generator.cli import VARIANT_CHOICE
    from generator.model import VARIANTS

    assert tuple(VARIANT_CHOICE.choices) == VARIANTS


def test_the_no_op_path_loads_no_yaml_reader():
    """A no-op build reads hashes only (tests/test_incremental.py runs one): the
    modules on its path must not import PyYAML (13 ms of its 0.15 s)."""
    import subprocess
    import sys

    code = ("import sys, generator.cli, generator.load.config, generator.write.incremental; "
            "print(sorted(m for m in ('yaml', 'generator.yamlsrc', 'jinja2', 'opencc') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
