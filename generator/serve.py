"""``briefing serve``: a live preview on 127.0.0.1.

A watcher thread polls the content directory, the template directories and
briefing.toml; when something changes it rebuilds the HTML editions in
memory with the same :func:`generator.build.build` as ``briefing build``
(nothing is written to disk). Each served page gets a small script and
toolbar -- only here, never in built files -- that asks the server for the
build generation and reloads when it changes. A PDF is rendered when its
link (or the ``p`` key) is used, and kept until the next change.

A failed build never stops the server: its problems (``path:line:
message``) are printed to the terminal and shown in the page, which reloads
by itself once the mistake is fixed.

The watcher only looks (``lstat``): it never opens a file, never reads a
FIFO or a device, and never follows a symbolic link out of a watched
folder -- reading the content, under its own rules, is the build's job.
One save is one rebuild: the rebuild waits until nothing has changed for
:data:`QUIET_SECONDS` (an editor's save can be several writes). A PDF asked
for during a rebuild is rendered after it, from the new build. Every line
the preview prints is one line, with control characters escaped.
"""

from __future__ import annotations

import html
import json
import os
import re
import stat
import threading
import time
import traceback
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import generator.build  # (called as generator.build.build: looked up at each rebuild)
from generator import safeio
from generator.diagnostics import BuildError, Diagnostics
from generator.load.config import Config, load_config, output_name
from generator.load.manifest import written_in_of
from generator.model import VARIANTS
from generator.shipped import TEMPLATES as SHIPPED_TEMPLATES


HOST = "127.0.0.1"
STATUS_PATH = "/__briefing/status"
POLL_SECONDS = 0.4
QUIET_SECONDS = 0.3  # a change is rebuilt once nothing more has changed for this long
# The Host header a page of the preview itself sends (host names are
# case-insensitive); any other name may be a DNS-rebinding attack.
ALLOWED_HOST = re.compile(r"(?:127\.0\.0\.1|localhost|\[::1\])(?::[0-9]{1,5})?", re.IGNORECASE)
MESSAGE_MAX = 1000  # characters of one printed line


def one_line(text: object, limit: int = MESSAGE_MAX) -> str:
    """``text`` as one line safe for a terminal (generator.safeio.printable:
    control, bidirectional and invisible characters escaped, a huge value cut)."""
    return safeio.printable(str(text), limit)


def allowed_host(value: str | None) -> bool:
    """Whether a request's Host header names the preview itself."""
    return bool(value) and ALLOWED_HOST.fullmatch(value) is not None


@dataclass
class State:
    """The latest build: pages by file name, or the problems that stopped it."""

    generation: int = 0
    ok: bool = False
    pages: dict[str, bytes] = field(default_factory=dict)  # output name -> HTML
    pdf_names: dict[str, str] = field(default_factory=dict)  # pdf output name -> variant
    pdf_for: dict[str, str] = field(default_factory=dict)  # html output name -> its pdf name
    problems: list[str] = field(default_factory=list)
    warnings: int = 0
    built_at: str = ""
    seconds: float = 0.0


class Preview:
    """Builds, watches and remembers; the HTTP layer only reads from it."""

    def __init__(self, content: Path | None = None, templates: Path | None = None,
                 config: Path | None = None, variants: list[str] | None = None,
                 log: Callable[[str], None] = print):
        self.content, self.templates, self.config_path = content, templates, config
        self.variants = list(variants or [])
        self.log = log
        self.state = State()
        self.lock = threading.Lock()  # one build at a time
        self.pdfs: dict[tuple[int, str], bytes] = {}
        self._snapshot: dict[str, tuple[int, ...]] | None = None  # None: not taken yet

    def say(self, message: str, indent: str = "") -> None:
        """Print ``message``: one line, safe for a terminal, or -- a
        traceback -- each of its lines so."""
        lines = message.rstrip("\n").split("\n") if message.startswith("Traceback") else [message]
        for line in lines:
            self.log(indent + one_line(line))

    # -- building --------------------------------------------------------------

    def _config(self) -> tuple[Config, Diagnostics]:
        diag = Diagnostics(root=Path.cwd())
        if self.config_path is None:
            return Config(), diag
        return load_config(self.config_path, diag), diag

    def rebuild(self) -> State:
        """Rebuild every HTML edition; on failure keep serving the problems."""
        started = time.perf_counter()
        with self.lock:
            state = State(generation=self.state.generation + 1, built_at=time.strftime("%H:%M:%S"))
            try:
                config, diag = self._config()
                if diag.errors:
                    raise BuildError(diag)
                report = generator.build.build(self.content, None, self.templates, self.variants or None, ["html"],
                               write=False, config=config)
                written = written_in_of(Path(self.content or config.content or "content"))
                for v in sorted(VARIANTS, key=lambda v: v != written):  # the desk's own edition opens first
                    page, pdf = (output_name(v, f, config.output_name) for f in ("html", "pdf"))
                    if page in report.outputs:
                        state.pages[page] = report.outputs[page]
                        state.pdf_names[pdf] = v
                        state.pdf_for[page] = pdf
                state.ok = True
                state.warnings = len(report.diagnostics.warnings)
                state.problems = [str(p) for p in report.diagnostics.sorted()]
            except BuildError as exc:
                state.problems = [str(p) for p in exc.diagnostics.sorted()]
            except Exception:  # a bug must not take the preview down
                state.problems = ["internal error while building (please report it):", traceback.format_exc()]
            state.seconds = time.perf_counter() - started
            self.state = state
            self.pdfs.clear()
            self._report(state)  # before a PDF waiting for this build says it is rendering
        return state

    def _report(self, s: State) -> None:
        if s.ok:
            extra = f", {s.warnings} warning(s)" if s.warnings else ""
            self.say(f"[{s.built_at}] rebuilt {len(s.pages)} edition(s) in {s.seconds:.1f} s{extra}")
        else:
            self.say(f"[{s.built_at}] build failed; the preview shows why:")
            for p in s.problems:
                self.say(p, "  ")

    def pdf(self, name: str) -> tuple[bytes | None, list[str]]:
        """The PDF ``name`` of the current generation, rendered on first request."""
        with self.lock:
            state = self.state
            variant = state.pdf_names.get(name)
            if variant is None:
                return None, [f"no edition is published as {name}"]
            key = (state.generation, variant)
            if key in self.pdfs:
                return self.pdfs[key], []
            self.say(f"[{time.strftime('%H:%M:%S')}] rendering {name} …")
            started = time.perf_counter()
            try:
                config, diag = self._config()
                if diag.errors:
                    raise BuildError(diag)
                report = generator.build.build(self.content, None, self.templates, [variant], ["pdf"], write=False, config=config)
            except BuildError as exc:
                problems = [str(p) for p in exc.diagnostics.sorted()]
                for p in problems:
                    self.say(p, "  ")
                return None, problems
            except Exception:
                problems = ["internal error while rendering the PDF (please report it):", traceback.format_exc()]
                for p in problems:
                    self.say(p, "  ")
                return None, problems
            data = report.outputs[name]
            self.pdfs[key] = data
            self.say(f"[{time.strftime('%H:%M:%S')}] rendered {name} in {time.perf_counter() - started:.1f} s")
            return data, []

    # -- watching --------------------------------------------------------------

    def watched(self) -> list[Path]:
        """What a change in triggers a rebuild: briefing.toml, the content,
        the user's and the shipped templates."""
        config, _ = self._config()
        roots = [Path(self.content or config.content or "content"), SHIPPED_TEMPLATES]
        user = self.templates or config.templates
        if user:
            roots.append(Path(user))
        if self.config_path:
            roots.append(Path(self.config_path))
        return roots

    def changed(self) -> bool:
        """Whether anything watched changed since the last call (the first
        call takes the snapshot and says no)."""
        snap = snapshot(self.watched())
        before, self._snapshot = self._snapshot, snap
        return before is not None and snap != before


def _signature(st: os.stat_result) -> tuple[int, ...]:
    # the inode: a save that writes a new file and renames it over the old
    # one can keep the size and the (coarse) modification time
    return (stat.S_IFMT(st.st_mode), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def snapshot(roots: list[Path]) -> dict[str, tuple[int, ...]]:
    """What the watcher compares: every entry under ``roots`` but dot-files,
    with its type, inode, size and times -- from ``lstat``: nothing is
    opened, so a FIFO or a device cannot block it. A symbolic link is
    followed only to something inside its root, and links to folders are
    not entered; a link out of the root, a FIFO, a device or a socket
    counts as itself, so its appearing or going away rebuilds (and the
    build says what is wrong with it)."""
    snap: dict[str, tuple[int, ...]] = {}
    for root in roots:
        try:
            st = os.stat(root)  # the root itself may be a link (a shared content folder): followed
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode):
            snap[str(root)] = _signature(st)  # briefing.toml
            continue
        real_root = os.path.realpath(root)
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames.sort()
            links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
            for name in filenames + links:
                if name.startswith("."):
                    continue
                path = os.path.join(dirpath, name)
                try:
                    st = os.lstat(path)
                except OSError:  # gone meanwhile
                    continue
                if stat.S_ISLNK(st.st_mode) and _inside(os.path.realpath(path), real_root):
                    try:
                        st = os.stat(path)
                    except OSError:  # a link to nothing: the link itself
                        pass
                snap[path] = _signature(st)
    return snap


# --------------------------------------------------------------------------
# HTTP


def _toolbar(state: State, pdf: str | None) -> bytes:
    """Injected before </body> of served pages only."""
    link = (f'<a href="/{html.escape(pdf)}" title="render the PDF (key: p)">PDF</a> · ' if pdf else "")
    status = (f"built {state.built_at}" + (f" · {state.warnings} warning(s)" if state.warnings else "")
              if state.ok else "build failed")
    return f"""
<div id="briefing-preview" lang="en" style="position:fixed;right:.8rem;bottom:.8rem;z-index:2147483647;\
font:12px/1.5 system-ui,sans-serif;background:#1d232b;color:#e6e9ee;padding:.35rem .7rem;border-radius:4px;\
box-shadow:0 1px 4px rgba(0,0,0,.3)">preview · {link}{html.escape(status)}</div>
<style>@media print {{ #briefing-preview {{ display: none }} }} #briefing-preview a {{ color: #8cb8ff }}</style>
<script>
(function () {{
  var generation = {state.generation}, pdf = {json.dumps('/' + pdf if pdf else None)};
  function poll() {{
    fetch({json.dumps(STATUS_PATH)}, {{cache: "no-store"}})
      .then(function (r) {{ return r.json(); }})
      .then(function (s) {{ if (s.generation !== generation) location.reload(); else setTimeout(poll, 700); }})
      .catch(function () {{ setTimeout(poll, 2000); }});
  }}
  setTimeout(poll, 700);
  document.addEventListener("keydown", function (e) {{
    if (pdf && e.key === "p" && !e.ctrlKey && !e.metaKey && !e.altKey
        && !/^(input|textarea|select)$/i.test(e.target.tagName)) location.href = pdf;
  }});
  // set last: the page is reloading and listening to p from here on (this
  // script runs when the parser reaches the end of the body, well after the
  // page's first text shows)
  window.briefingPreview = {{generation: generation}};
}})();
</script>
""".encode("utf-8")


def inject(page: bytes, state: State, pdf: str | None) -> bytes:
    bar = _toolbar(state, pdf)
    i = page.rfind(b"</body>")
    return page[:i] + bar + page[i:] if i >= 0 else page + bar


def problems_page(title: str, problems: list[str], state: State) -> bytes:
    items = "\n".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems) or "<li>(no details)</li>"
    body = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font:15px/1.6 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d232b}}
h1{{color:#a4262c;font-size:1.4rem}} li{{margin:.4rem 0}} code{{white-space:pre-wrap;font-size:.9rem}}</style>
</head><body>
<h1>{html.escape(title)}</h1>
<p>Fix the files named below and save: this page rebuilds and reloads by itself.</p>
<ul class="problems">
{items}
</ul>
</body></html>"""
    return inject(body.encode("utf-8"), state, None)


def _handler(preview: Preview):
    class Handler(BaseHTTPRequestHandler):
        server_version = "briefing-preview"

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
            pass  # the preview logs builds, not requests

        def do_HEAD(self) -> None:  # noqa: N802 - the stdlib's name
            self.do_GET()  # the same status and headers; _send leaves out the body

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            if not allowed_host(self.headers.get("Host")):
                # another site's page must not read the preview (DNS rebinding)
                return self._send(HTTPStatus.FORBIDDEN, b"forbidden host\n", "text/plain")
            path = urlsplit(self.path).path.lstrip("/")
            state = preview.state
            if path == STATUS_PATH.lstrip("/"):
                body = json.dumps({"generation": state.generation, "ok": state.ok,
                                   "problems": state.problems}).encode()
                return self._send(HTTPStatus.OK, body, "application/json")
            if path == "":
                if state.ok and state.pages:
                    self.send_response(HTTPStatus.FOUND)
                    self.send_header("Location", "/" + next(iter(state.pages)))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                return self._page(problems_page("The briefing did not build", state.problems, state))
            if path in state.pages:
                return self._page(inject(state.pages[path], state, state.pdf_for.get(path)))
            if path in state.pdf_names:
                data, problems = preview.pdf(path)
                if data is None:
                    return self._page(problems_page(f"{path} could not be rendered", problems, preview.state))
                return self._send(HTTPStatus.OK, data, "application/pdf")
            if not state.ok:
                return self._page(problems_page("The briefing did not build", state.problems, state))
            return self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")

        def _page(self, body: bytes) -> None:
            self._send(HTTPStatus.OK, body, "text/html; charset=utf-8")

        def _send(self, status: HTTPStatus, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command == "HEAD":
                return
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


class PreviewServer:
    """The preview: HTTP on 127.0.0.1 plus a watcher thread. ``start`` returns
    once the first build is done and the socket listens; ``stop`` ends both."""

    def __init__(self, preview: Preview, port: int = 8000):
        self.preview = preview
        self.httpd = ThreadingHTTPServer((HOST, port), _handler(preview))
        self.httpd.daemon_threads = True
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> "PreviewServer":
        self.preview.changed()  # first snapshot
        self.preview.rebuild()
        for target in (self.httpd.serve_forever, self._watch):
            t = threading.Thread(target=target, daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def _watch(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            try:
                if self.preview.changed():
                    # one save is one rebuild: let the editor finish writing (truncate then
                    # write, write then rename, several files) -- until nothing changes for a while
                    while not self._stop.wait(QUIET_SECONDS) and self.preview.changed():
                        pass
                    if not self._stop.is_set():
                        self.preview.rebuild()
            except Exception:  # keep watching whatever happens
                self.preview.say(traceback.format_exc())

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        for t in self._threads:
            t.join(timeout=5)
