"""Problems found in the user's input, reported as ``path:line: message``.

A user's mistake is never a traceback: every stage appends to one
:class:`Diagnostics`, and the build stops once, after collecting everything
it can, if any error was found.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from generator.safeio import printable


@dataclass(frozen=True, order=True)
class Location:
    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Problem:
    location: Location
    message: str
    hint: str = ""
    severity: str = "error"  # "error" | "warning"
    code: str = ""

    def __str__(self) -> str:
        # one line, safe for a terminal: content quoted in a message may hold
        # an escape sequence, a newline or a 150 KB data: URI
        text = f"{printable(str(self.location), 300)}: {self.severity}: {printable(self.message)}"
        if self.hint:
            text += f" ({printable(self.hint, 300)})"
        return text


@dataclass
class Diagnostics:
    """Collects problems; ``root`` makes paths relative for display."""

    root: Path | None = None
    problems: list[Problem] = field(default_factory=list)

    def _loc(self, path: str | Path, line: int) -> Location:
        p = Path(path)
        if self.root is not None:
            try:
                p = p.resolve().relative_to(self.root.resolve())
            except ValueError:
                pass
        return Location(str(p), line or 0)

    def error(self, path: str | Path, line: int, message: str, hint: str = "", code: str = "") -> None:
        self.problems.append(Problem(self._loc(path, line), message, hint, "error", code))

    def warning(self, path: str | Path, line: int, message: str, hint: str = "", code: str = "") -> None:
        self.problems.append(Problem(self._loc(path, line), message, hint, "warning", code))

    def extend(self, other: "Diagnostics") -> None:
        self.problems.extend(other.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def sorted(self) -> list[Problem]:
        seen: set[Problem] = set()
        out = []
        for p in sorted(self.problems, key=lambda p: (p.location, p.message)):
            if p not in seen:
                seen.add(p)
                out.append(p)
        return out


class BuildError(Exception):
    """Raised to stop a build; carries the diagnostics that explain why."""

    def __init__(self, diagnostics: Diagnostics):
        super().__init__(f"{len(diagnostics.errors)} error(s)")
        self.diagnostics = diagnostics


def closest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice nearest ``word``, for a hint's "did you mean ...?" (None: none is near)."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return found[0] if found else None
