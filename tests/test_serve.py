"""``briefing serve``: the preview rebuilds on change of content, templates
and briefing.toml; served pages (only they) carry the reload script; errors
are shown in the page and the terminal without stopping the server; the PDF
is rendered on request; it listens on 127.0.0.1 only and stops cleanly."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
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
    s = wait_until(lambda: (lambda s: s if not s["ok"] and any(p.startswith(where) for p in s["problems"])
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
                    assert "error" not in reply, reply
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
            value = self.js(expression)
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
        browser.wait_for(f"!window.notReloadedYet && ({title} || '').includes('预览测试简报')")
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
