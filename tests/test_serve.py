"""``briefing serve``: the preview rebuilds on change of content, templates
and briefing.toml; served pages (only they) carry the reload script; errors
are shown in the page and the terminal without stopping the server; the PDF
is rendered on request (after a rebuild in progress); it listens on 127.0.0.1
only, answers HEAD like GET, and stops cleanly. One save is one rebuild; the
watcher opens nothing and follows no link out of its folders; what it prints
is one line per message with control characters escaped."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator.build import build
from generator.serve import STATUS_PATH, Preview, PreviewServer

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"


def get(server_or_port, path: str, host: str | None = None) -> tuple[int, dict, bytes]:
    port = server_or_port if isinstance(server_or_port, int) else server_or_port.httpd.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path, headers={"Host": host or f"127.0.0.1:{port}"})
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, dict(r.getheaders()), body


def raw(server, method: str, path: str, host: str) -> tuple[int, dict, bytes]:
    """One request on a bare socket and everything that came back until the
    server closed it: what http.client would hide (a body after HEAD)."""
    port = server.httpd.server_address[1]
    with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
        s.sendall(f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(1 << 16):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def status(server) -> dict:
    return json.loads(get(server, STATUS_PATH)[2])


def wait_until(condition, timeout: float = 60):
    """Poll until ``condition()`` is true (a rebuild can also be set off by
    someone else editing the shipped templates: wait for the effect, not
    for the next build)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not true within {timeout} s")


def page(server, name: str = "/briefing.zh-Hans.html") -> bytes:
    return get(server, name)[2]


def strip_preview(page: bytes) -> bytes:
    """The served page minus what serve injects."""
    return re.sub(rb'\n<div id="briefing-preview".*?</script>\n', b"", page, flags=re.S)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def preview(content_copy, tmp_path):
    """A running preview of a content copy with a user template directory and a briefing.toml."""
    templates = tmp_path / "my-templates"
    templates.mkdir()
    config = tmp_path / "briefing.toml"
    config.write_text('[style]\nbrand = "#1f4e8c"\n', encoding="utf-8")
    log: list[str] = []
    server = PreviewServer(Preview(content_copy, templates, config, ["zh-Hans", "zh-Hant"], log=log.append), 0)
    server.start()
    server.log = log
    server.paths = {"content": content_copy, "templates": templates, "config": config}
    yield server
    server.stop()


def test_listens_on_localhost_only_and_refuses_other_hosts(preview):
    assert preview.httpd.server_address[0] == "127.0.0.1"
    assert get(preview, "/", host="attacker.example:80")[0] == 403
    code, headers, _ = get(preview, "/")
    assert code == 302 and headers["Location"] == "/briefing.zh-Hans.html"


def test_a_desk_writing_in_traditional_opens_on_its_own_edition(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(Path(__file__).parent / "fixtures" / "taipei-transit" / "content", content)
    server = PreviewServer(Preview(content, None, None, ["zh-Hans", "zh-Hant"], log=lambda line: None), 0)
    server.start()
    try:
        code, headers, _ = get(server, "/")
        assert code == 302 and headers["Location"] == "/briefing.zh-Hant.html"  # written_in: zh-Hant
    finally:
        server.stop()


def test_host_names_are_case_insensitive_and_may_carry_the_port(preview):
    port = preview.httpd.server_address[1]
    for host in ("LOCALHOST", f"LocalHost:{port}", "localhost", f"localhost:{port}", "127.0.0.1",
                 f"127.0.0.1:{port}", "[::1]", f"[::1]:{port}", "[::1]:80"):
        assert get(preview, STATUS_PATH, host=host)[0] == 200, host
    for host in ("attacker.example", f"attacker.example:{port}", "localhost.attacker.example", "127.0.0.1.nip.io",
                 "localhost:port", f"localhost:{port}:{port}", "[::1", "::1", "127.0.0.2", "localhost\u3002"):
        assert get(preview, STATUS_PATH, host=host.encode("utf-8").decode("latin-1"))[0] == 403, host


def test_head_answers_like_get_without_a_body(preview):
    """HEAD for everything GET serves: the same status and headers, no body."""
    port = preview.httpd.server_address[1]
    for path, host in [("/", f"127.0.0.1:{port}"), ("/briefing.zh-Hant.html", f"localhost:{port}"),
                       (STATUS_PATH, "127.0.0.1"), ("/briefing.zh-Hans.pdf", f"127.0.0.1:{port}"),
                       ("/nothing-here.pdf", f"127.0.0.1:{port}"), ("/", "attacker.example")]:
        code, headers, body = raw(preview, "HEAD", path, host)
        assert body == b"", (path, body[:80])
        want_code, want_headers, want_body = raw(preview, "GET", path, host)
        assert code == want_code != 501, path
        headers.pop("Date"), want_headers.pop("Date")
        assert headers == want_headers, path
        assert int(headers["Content-Length"]) == len(want_body)
    assert code == 403
    assert sum("rendering briefing.zh-Hans.pdf" in line for line in preview.log) == 1  # HEAD rendered it, GET reused it


def test_served_page_is_the_built_page_plus_the_preview_script(preview, content_copy, tmp_path):
    code, headers, page = get(preview, "/briefing.zh-Hant.html")
    assert code == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b'id="briefing-preview"' in page and STATUS_PATH.encode() in page
    assert b'href="/briefing.zh-Hant.pdf"' in page
    built = build(content_copy, tmp_path / "out", preview.paths["templates"], ["zh-Hans", "zh-Hant"], ["html"],
                  config=preview.paths["config"])
    on_disk = (tmp_path / "out" / "briefing.zh-Hant.html").read_bytes()
    assert b"briefing-preview" not in on_disk and STATUS_PATH.encode() not in on_disk  # never in built files
    assert strip_preview(page) == on_disk
    assert len(built.written) == 2


def test_content_template_and_config_changes_rebuild(preview):
    edit(preview.paths["content"] / "briefing.yaml", "title: 奥特曼年终访谈研判简报", "title: 预览测试简报")
    wait_until(lambda: "预览测试简报".encode() in page(preview))
    assert "預覽測試簡報".encode() in page(preview, "/briefing.zh-Hant.html")

    (preview.paths["templates"] / "briefing.html.j2").write_text(
        '{% extends "base:briefing.html.j2" %}\n{% block footer %}<footer id="mine">{{ edition.title }}</footer>'
        '{% endblock %}\n', encoding="utf-8")
    wait_until(lambda: b'<footer id="mine">' in page(preview))

    edit(preview.paths["config"], "#1f4e8c", "#8c1f3a")
    wait_until(lambda: b"--brand: #8c1f3a;" in page(preview))
    assert any("rebuilt 2 edition(s)" in line for line in preview.log)


def test_errors_show_in_page_and_terminal_and_the_server_keeps_going(preview):
    override = preview.paths["templates"] / "briefing.html.j2"
    override.write_text('{% extends "base:briefing.html.j2" %}\n{% block cover %}\n{{ edition.title }\n'
                        '{% endblock %}\n', encoding="utf-8")
    where = f"{override}:3: error: template syntax error: unexpected '}}'"
    wait_until(lambda: (lambda s: s if not s["ok"] and any(p.startswith(where) for p in s["problems"])
                            else None)(status(preview)))
    code, _, shown = get(preview, "/briefing.zh-Hans.html")
    assert code == 200  # the page explains, and reloads itself once fixed
    assert b"The briefing did not build" in shown and where.replace("'", "&#x27;").encode() in shown
    assert STATUS_PATH.encode() in shown
    assert any(line.strip().startswith(where) for line in preview.log)

    override.write_text('{% extends "base:briefing.html.j2" %}\n', encoding="utf-8")
    wait_until(lambda: status(preview)["ok"])
    assert get(preview, "/briefing.zh-Hans.html")[0] == 200

    edit(preview.paths["config"], '"#1f4e8c"', '"blue"')  # a broken briefing.toml is shown the same way
    bad = f"{preview.paths['config']}:2: error: 'style.brand' must be a hex colour"
    wait_until(lambda: any(bad in p for p in status(preview)["problems"]))
    assert status(preview)["ok"] is False


def _start_cli(args: list[str], cwd: Path) -> tuple[subprocess.Popen, int]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([str(BIN / "briefing"), "serve", "--port", "0", *map(str, args)], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.match(r"preview on http://127\.0\.0\.1:(\d+)/", line)
    assert m, (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc, int(m.group(1))


def test_cli_serves_reports_errors_and_stops_on_ctrl_c(content_copy, tmp_path):
    templates = tmp_path / "t"
    templates.mkdir()
    (templates / "briefing.html.j2").write_text('{% extends "base:briefing.html.j2" %}\n'
                                                '{% block covr %}{% endblock %}\n', encoding="utf-8")
    proc, port = _start_cli(["--content", content_copy, "--templates", templates, "--variant", "zh-Hans"], tmp_path)
    try:
        code, _, page = get(port, "/")
        assert code == 200 and b"block &#x27;covr&#x27; is not a block of the shipped briefing.html.j2" in page
        (templates / "briefing.html.j2").write_text('{% extends "base:briefing.html.j2" %}\n', encoding="utf-8")
        deadline = time.monotonic() + 60
        while json.loads(get(port, STATUS_PATH)[2])["ok"] is not True:
            assert time.monotonic() < deadline, "the fixed template was not picked up"
            time.sleep(0.2)
        assert get(port, "/")[0] == 302
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "preview stopped" in out
    assert "t/briefing.html.j2:2: error: block 'covr' is not a block of the shipped briefing.html.j2" in err
    assert "rebuilt 1 edition(s)" in err and "Traceback" not in err


def test_cli_says_when_the_port_is_taken(tmp_path, cli):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = cli(["serve", "--content", ROOT / "content", "--port", port])
    assert result.exit_code == 1
    assert f"briefing: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "(pass another --port, or --port 0 for a free one)" in result.stderr


def test_help_lists_serve_without_importing_the_heavy_modules():
    out = subprocess.run([str(BIN / "briefing"), "--help"], capture_output=True, text=True, check=True).stdout
    assert "serve" in out and "templates" in out
    loaded = subprocess.run([sys.executable, "-c", "import generator.cli, sys; print(sorted(sys.modules))"],
                            capture_output=True, text=True, check=True).stdout
    for heavy in ("weasyprint", "opencc", "jinja2", "generator.serve", "generator.build"):
        assert f"'{heavy}'" not in loaded, heavy


class BrowserError(AssertionError):
    """The browser answered a DevTools call with an error."""

    def __init__(self, reply: dict):
        super().__init__(reply)
        self.message = reply.get("error", {}).get("message", "")


# what Chromium answers an evaluation that a navigation (the preview's reload) overtook:
# the page is being replaced, so the expression is not true *yet*
NAVIGATED = ("Inspected target navigated or closed", "Execution context was destroyed",
             "Cannot find context with specified id")


class Browser:
    """Headless Chromium driven over the DevTools protocol on a pipe
    (--remote-debugging-pipe: fd 3 in, fd 4 out, NUL-separated JSON)."""

    def __init__(self, profile: Path):
        import shutil

        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if exe is None:
            pytest.skip("chromium is not installed (tools/setup-system.sh --test installs it)")
        to_browser, self._in = os.pipe()
        self._out, from_browser = os.pipe()
        # the shell puts our pipe ends on fds 3 and 4, where Chromium expects them
        self.proc = subprocess.Popen(
            ["bash", "-c", f'exec "$0" "$@" 3<&{to_browser} 4>&{from_browser}', exe, "--headless", "--no-sandbox",
             "--disable-gpu", "--disable-background-networking", "--no-first-run", "--remote-debugging-pipe",
             f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(to_browser, from_browser), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser)
        os.close(from_browser)
        self._buf, self._id, self.session = b"", 0, None

    def call(self, method: str, timeout: float = 30, **params):
        import select

        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        os.write(self._in, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while b"\0" in self._buf:
                raw, self._buf = self._buf.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._id:
                    if "error" in reply:
                        raise BrowserError(reply)
                    return reply["result"]
            if select.select([self._out], [], [], 0.2)[0]:
                self._buf += os.read(self._out, 1 << 20)
        raise AssertionError(f"no answer to {method}")

    def open(self, url: str) -> None:
        target = self.call("Target.createTarget", url=url)["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]

    def js(self, expression: str):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                value = self.js(expression)
            except BrowserError as e:  # a reload overtook the evaluation: ask the new page
                if not e.message.startswith(NAVIGATED):
                    raise
                value = None
            if value:
                return value
            time.sleep(0.2)
        raise AssertionError(f"in the browser, never true: {expression}")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        os.close(self._in)
        os.close(self._out)


def test_the_open_page_reloads_itself_in_a_real_browser_and_p_renders_the_pdf(preview, tmp_path):
    browser = Browser(tmp_path / "profile")
    try:
        port = preview.httpd.server_address[1]
        browser.open(f"http://127.0.0.1:{port}/briefing.zh-Hans.html")
        title = "document.querySelector('h1.title') && document.querySelector('h1.title').textContent"
        assert "奥特曼年终访谈研判简报" in browser.wait_for(title)
        browser.js("window.notReloadedYet = true")
        edit(preview.paths["content"] / "briefing.yaml", "title: 奥特曼年终访谈研判简报", "title: 预览测试简报")
        # The new title shows while the reloaded page is still being parsed; the
        # preview's script -- the p key's listener -- comes at the end of the body
        # (a key sent before it ran was lost: the test waited 120 s for a render
        # nobody asked for). window.briefingPreview is set once it has run.
        browser.wait_for(f"!window.notReloadedYet && ({title} || '').includes('预览测试简报')"
                         " && !!window.briefingPreview")
        # the PDF is rendered on request -- the key p asks for it -- and kept until the next change
        browser.js("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'p'}))")
        deadline = time.monotonic() + 120
        while not any("rendered briefing.zh-Hans.pdf" in line for line in preview.log):
            assert time.monotonic() < deadline, preview.log
            time.sleep(0.2)
    finally:
        browser.close()
    code, headers, pdf = get(preview, "/briefing.zh-Hans.pdf")
    assert code == 200 and headers["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF-")
    assert "预览测试简报" in subprocess.run(["pdftotext", "-l", "1", "-", "-"], input=pdf, capture_output=True,
                                            check=True).stdout.decode("utf-8")
    renders = sum("rendering briefing.zh-Hans.pdf" in line for line in preview.log)
    assert get(preview, "/briefing.zh-Hans.pdf")[2] == pdf  # asked again: from the cache, not rendered again
    assert sum("rendering briefing.zh-Hans.pdf" in line for line in preview.log) == renders
    assert get(preview, "/nothing-here.pdf")[0] == 404


def test_cli_stops_cleanly_on_sigterm(content_copy, tmp_path):
    proc, port = _start_cli(["--content", content_copy, "--variant", "zh-Hans"], tmp_path)
    try:
        assert get(port, "/")[0] == 302
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "preview stopped" in out, err


class ScriptedTime:
    """Stands in for the watcher's stop event, so that the watcher runs in the
    test's own thread on a clock of its own: each wait moves the clock on by
    what the watcher asked for and first does the file operations due by
    then; the watcher stops at ``end``."""

    def __init__(self, steps: list[tuple[float, object]], end: float):
        self.now, self.steps, self.end = 0.0, sorted(steps, key=lambda s: s[0]), end

    def wait(self, seconds: float) -> bool:
        self.now += seconds
        while self.steps and self.steps[0][0] <= self.now:
            self.steps.pop(0)[1]()
        return self.is_set()

    def is_set(self) -> bool:
        return self.now >= self.end

    def set(self) -> None:
        self.now = self.end


def test_one_save_written_in_two_steps_is_one_rebuild(content_copy):
    """An editor (or a slow disk, or a busy machine) can empty a file and
    write it a moment later; the watcher can look in between. That is one
    save, and one rebuild of what was saved -- not a failed build of an empty
    briefing.yaml and a second one, each reloading the open page."""
    log: list[str] = []
    preview = Preview(content_copy, None, None, ["zh-Hans"], log=log.append)
    preview.watched = lambda: [content_copy]  # not the shipped templates, which someone may be editing
    server = PreviewServer(preview, 0)
    try:
        preview.changed()  # what start() does
        preview.rebuild()
        manifest = content_copy / "briefing.yaml"
        saved = manifest.read_text(encoding="utf-8").replace("title: 奥特曼年终访谈研判简报", "title: 一次保存")
        # the watcher looks every 0.4 s: it sees the empty file at 0.8 s, the text arrives 0.25 s later
        server._stop = ScriptedTime([(0.7, lambda: manifest.write_bytes(b"")),
                                     (1.05, lambda: manifest.write_text(saved, encoding="utf-8"))], end=4.0)
        server._watch()
    finally:
        server.httpd.server_close()
    assert len(log) == 2 and "rebuilt 1 edition(s)" in log[1], log
    assert "一次保存".encode() in preview.state.pages["briefing.zh-Hans.html"]
    assert preview.state.generation == 2


def test_a_pdf_asked_for_during_a_rebuild_is_rendered_after_it_from_the_new_build(preview, monkeypatch):
    import generator.build

    real_build = generator.build.build
    release, building, asked = threading.Event(), threading.Event(), threading.Event()

    def slow_html_build(*args, **kwargs):  # the watcher's rebuild holds on until released
        if args[4] == ["html"] and not release.is_set():
            building.set()
            release.wait(60)
        return real_build(*args, **kwargs)

    real_pdf = preview.preview.pdf

    def pdf(name):
        asked.set()
        return real_pdf(name)

    monkeypatch.setattr(generator.build, "build", slow_html_build)
    monkeypatch.setattr(preview.preview, "pdf", pdf)
    edit(preview.paths["content"] / "briefing.yaml", "title: 奥特曼年终访谈研判简报", "title: 重建中的请求")
    assert building.wait(60), "the edit did not start a rebuild"
    answer = []
    request = threading.Thread(target=lambda: answer.append(get(preview, "/briefing.zh-Hans.pdf")))
    request.start()
    try:
        assert asked.wait(60)
        assert preview.preview.lock.locked() and request.is_alive()  # waiting for the rebuild, not answered
        assert not any("rendering" in line for line in preview.log)
    finally:
        release.set()
        request.join(120)
    code, headers, data = answer[0]
    assert code == 200 and headers["Content-Type"] == "application/pdf"
    assert "重建中的请求" in subprocess.run(["pdftotext", "-l", "1", "-", "-"], input=data, capture_output=True,
                                            check=True).stdout.decode("utf-8")
    rebuilt = [i for i, line in enumerate(preview.log) if "rebuilt" in line]  # at start, then the edit's
    rendering = next(i for i, line in enumerate(preview.log) if "rendering briefing.zh-Hans.pdf" in line)
    assert rebuilt[1] < rendering, preview.log


def _opens_under(root: Path, monkeypatch) -> list[str]:
    """Every file under ``root`` opened from now on (builtins.open, os.open)."""
    import builtins

    opened: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def note(path):
        if isinstance(path, (str, os.PathLike)) and os.path.abspath(path).startswith(str(root)):
            opened.append(os.fspath(path))

    monkeypatch.setattr(builtins, "open", lambda file, *a, **k: (note(file), real_open(file, *a, **k))[1])
    monkeypatch.setattr(os, "open", lambda path, *a, **k: (note(path), real_os_open(path, *a, **k))[1])
    return opened


def _bounded(call, seconds: float = 30):
    """``call()`` in a thread; fails (rather than hanging the suite) if it blocks."""
    result = []
    t = threading.Thread(target=lambda: result.append(call()), daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"{call} blocked for {seconds} s"
    return result[0]


def test_the_watcher_neither_opens_special_files_nor_follows_links_out_of_the_folder(content_copy, tmp_path,
                                                                                    monkeypatch):
    outside = tmp_path / "outside.md"
    outside.write_text("outside the content\n", encoding="utf-8")
    (content_copy / "outside.md").symlink_to(outside)
    (content_copy / "zero.md").symlink_to("/dev/zero")
    (content_copy / "etc").symlink_to("/etc", target_is_directory=True)
    (content_copy / "loop.md").symlink_to(content_copy / "loop.md")
    os.mkfifo(content_copy / "pipe.md")
    (content_copy / "inside.md").symlink_to(content_copy / "methodology.md")
    preview = Preview(content_copy, None, None, ["zh-Hans"], log=lambda line: None)
    preview.watched = lambda: [content_copy]
    opened = _opens_under(content_copy, monkeypatch)
    assert _bounded(preview.changed) is False  # the first snapshot
    assert _bounded(preview.changed) is False

    outside.write_text("changed outside the content\n", encoding="utf-8")
    assert _bounded(preview.changed) is False  # the link out of the folder is not followed
    assert not any(k.startswith(str(content_copy / "etc") + os.sep) for k in preview._snapshot)
    with (content_copy / "methodology.md").open("a", encoding="utf-8") as f:  # a link inside it is
        f.write("\n补充。\n")
    assert _bounded(preview.changed) is True
    del opened[:]
    os.mkfifo(content_copy / "themes" / "13-pipe.md")
    assert _bounded(preview.changed) is True  # a FIFO appearing is seen (the build says what is wrong with it)
    (content_copy / "pipe.md").unlink()
    assert _bounded(preview.changed) is True  # and going away
    assert opened == []


def test_a_fifo_or_a_link_to_dev_zero_in_the_content_does_not_wedge_the_preview(content_copy, tmp_path):
    fifo, zero = content_copy / "themes" / "13-pipe.md", content_copy / "zero.txt"
    os.mkfifo(fifo)
    zero.symlink_to("/dev/zero")
    log: list[str] = []
    server = PreviewServer(Preview(content_copy, None, None, ["zh-Hans"], log=log.append), 0)
    try:
        try:
            _bounded(server.start, 60)
        finally:
            try:  # a reader blocked on the FIFO gets its end of file
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        s = status(server)
        assert s["ok"] is False
        assert any("13-pipe.md" in p for p in s["problems"]) and any("zero.txt" in p for p in s["problems"])
        fifo.unlink()
        zero.unlink()
        wait_until(lambda: status(server)["ok"])
    finally:
        server.stop()


def test_what_the_preview_prints_is_one_line_with_control_characters_escaped(content_copy, monkeypatch):
    """Content can hold an escape sequence, a newline or a huge value; a
    message that quotes it must neither drive the terminal nor flood it."""
    import generator.build
    from generator.diagnostics import BuildError, Diagnostics

    hostile = "\x1b[2J\x1b]0;owned\x07标题\r\n第二行\u202e" + "长" * 100_000
    log: list[str] = []
    preview = Preview(content_copy, None, None, ["zh-Hans"], log=log.append)

    def failing(*args, **kwargs):
        diag = Diagnostics()
        diag.error(content_copy / "briefing.yaml", 1, f"title {hostile!s}")
        raise BuildError(diag)

    def crashing(*args, **kwargs):
        raise RuntimeError(f"bug on {hostile}")

    monkeypatch.setattr(generator.build, "build", failing)
    preview.rebuild()
    monkeypatch.setattr(generator.build, "build", crashing)
    preview.rebuild()
    state = preview.state
    preview.state.pdf_names["briefing.zh-Hans.pdf"] = "zh-Hans"
    assert preview.pdf("briefing.zh-Hans.pdf")[0] is None
    assert state.problems and any("bug on" in p for p in state.problems)  # the page still shows the traceback
    assert any("bug on" in line for line in log) and any("title" in line for line in log)
    for line in log:
        assert re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e]", line) is None, repr(line[:80])
        assert len(line) <= 1000, len(line)
