"""The scheduled-regeneration workflow (.github/workflows/briefing.yml):
actionlint (with ShellCheck on its scripts) passes; triggers, permissions,
pinning, caching and publishing are as the README says; it runs the
README's own commands; and tools/fetch-published.py, the one step that
needs a network, works against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from generator.build import build
from generator.write.incremental import plan_build
from generator.model import MANIFEST

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "briefing.yml"
README = ROOT / "README.md"
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: `make test` installs the test extra (pip install -e '.[test]')")
    return found


def _actionlint(path: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([_tool("actionlint"), "-shellcheck", _tool("shellcheck"), "-no-color", str(path)],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def _steps(workflow: dict) -> list[dict]:
    return [s for job in workflow["jobs"].values() for s in job.get("steps", [])]


def _scripts(workflow: dict) -> str:
    return "\n".join(s["run"] for s in _steps(workflow) if "run" in s)


def test_actionlint_and_shellcheck_pass():
    res = _actionlint(WORKFLOW, ROOT)
    assert res.returncode == 0, res.stdout + res.stderr


def test_actionlint_would_catch_a_mistake(tmp_path):
    """The lint is real: a wrong step output reference and an unquoted
    variable in a script are reported."""
    broken = WORKFLOW.read_text(encoding="utf-8")
    broken = broken.replace("steps.stale.outputs.changed }}", "steps.stale.output.changed }}", 1)
    broken = broken.replace('python3 tools/fetch-published.py "$site" output', "python3 tools/fetch-published.py $site output")
    target = tmp_path / ".github" / "workflows" / "briefing.yml"
    target.parent.mkdir(parents=True)
    target.write_text(broken, encoding="utf-8")
    res = _actionlint(target, tmp_path)
    assert res.returncode == 1
    assert "output" in res.stdout and "SC2086" in res.stdout


def test_triggers_and_schedule(workflow):
    on = workflow["on"]
    assert {"push", "pull_request", "schedule", "workflow_dispatch"} <= set(on)
    for entry in on["schedule"]:
        minute, hour, *_ = entry["cron"].split()
        assert minute.isdigit() and int(minute) not in (0, 15, 30, 45), "run off the hour and off the quarter"
        assert hour.isdigit()


def test_least_privilege_and_concurrency(workflow):
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["group"]
    granted = {name: job.get("permissions") for name, job in workflow["jobs"].items() if job.get("permissions")}
    assert granted == {"deploy": {"pages": "write", "id-token": "write"}}
    assert workflow["jobs"]["deploy"]["concurrency"]["cancel-in-progress"] is False  # never cut a deploy short


def test_actions_are_pinned_to_commit_shas():
    uses = re.findall(r"uses:\s*(\S+)(.*)", WORKFLOW.read_text(encoding="utf-8"))
    assert uses
    for ref, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), ref
        assert re.search(r"#\s*v\d+\.\d+\.\d+", comment), f"{ref}: say which release the SHA is"


def test_fonts_libraries_and_pip_are_cached(workflow):
    build_job = workflow["jobs"]["build"]
    assert build_job["container"]["image"].startswith("python:3.11-bookworm")  # Debian packages, as in setup
    cached = [s["with"]["path"] for s in build_job["steps"] if s.get("uses", "").startswith("actions/cache@")]
    assert "/var/cache/apt-ci" in cached and workflow["env"]["PIP_CACHE_DIR"] in cached
    assert "Dir::Cache::Archives \"/var/cache/apt-ci\"" in _scripts(workflow)


def test_artifacts_must_exist_and_publishing_needs_a_change_on_the_default_branch(workflow):
    steps = workflow["jobs"]["build"]["steps"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["if-no-files-found"] == "error"
    assert "output/*.pdf" in upload["with"]["path"] and "output/*.html" in upload["with"]["path"]
    pages = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    deploy = workflow["jobs"]["deploy"]
    for condition in (pages["if"], deploy["if"]):
        assert "outputs.changed == 'true'" in condition
        assert "github.event_name == 'schedule'" in condition and "default_branch" in condition
        assert "pull_request" not in condition and "push" not in condition
    assert deploy["needs"] == "build"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])


def test_the_workflow_runs_the_readmes_commands(workflow):
    readme = README.read_text(encoding="utf-8")
    blocks = "\n".join(re.findall(r"```sh\n(.*?)```", readme, re.S))
    scripts = _scripts(workflow)
    in_workflow = set(re.findall(r"\bmake ([\w-]+)", scripts))
    in_readme = set(re.findall(r"^make ([\w-]+)", blocks, re.M))
    quick_start = set(re.findall(r"^make ([\w-]+)", readme.split("## Quick start")[1].split("\n## ")[0], re.M))
    assert {"briefing", "test"} <= quick_start <= in_workflow
    assert in_workflow <= in_readme, f"the README does not show: {in_workflow - in_readme}"
    for command in (".venv/bin/briefing build --check", "python3 tools/fetch-published.py",
                    ".venv/bin/briefing site --from output"):
        assert command in scripts and command in blocks
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in in_workflow:
        assert re.search(rf"^{re.escape(target)}:", makefile, re.M), f"no make target {target}"
    check_recipe = makefile.split("\ncheck:")[1].split("\n\n")[0]
    assert "briefing check --strict" in check_recipe


def _step(workflow: dict, name: str) -> dict:
    return next(s for s in workflow["jobs"]["build"]["steps"] if s.get("name") == name)


def _run_step(step: dict, where: Path, env: dict[str, str]) -> tuple[list[str], str]:
    """Run a step's script with bash -e, as Actions does, in ``where``; python3
    and .venv/bin/briefing are stubs that record their arguments. Returns
    (the commands run, what the step wrote to $GITHUB_OUTPUT)."""
    import os

    stubs = where / "stubs"
    stubs.mkdir(exist_ok=True)
    (where / ".venv" / "bin").mkdir(parents=True, exist_ok=True)
    record = where / "commands"
    for stub in (stubs / "python3", stubs / "briefing", where / ".venv" / "bin" / "briefing"):
        stub.write_text(f'#!/bin/sh\necho "$(basename "$0") $*" >> "{record}"\n', encoding="utf-8")
        stub.chmod(0o755)
    output = where / "github_output"
    output.write_text("", encoding="utf-8")
    res = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=where, capture_output=True, text=True, timeout=60,
                         env={"PATH": f"{stubs}:{os.environ['PATH']}", "GITHUB_OUTPUT": str(output),
                              "GITHUB_REPOSITORY_OWNER": "desk", "GITHUB_REPOSITORY": "desk/weekly", **env})
    assert res.returncode == 0, res.stderr
    commands = record.read_text(encoding="utf-8").splitlines() if record.exists() else []
    return commands, output.read_text(encoding="utf-8")


PUBLISHING = ("github.event_name == 'schedule'", "github.event_name == 'workflow_dispatch'", "default_branch")


@pytest.mark.parametrize("publishing", ["true", "false"])
def test_the_fetch_step_fetches_the_whole_site_on_a_run_that_may_publish(workflow, tmp_path, publishing):
    step = _step(workflow, "Fetch the published site and edition")
    assert step["env"]["BRIEFING_SITE_URL"] == "${{ vars.BRIEFING_SITE_URL }}"
    assert all(term in step["env"]["PUBLISHING"] for term in PUBLISHING)
    commands, output = _run_step(step, tmp_path, {"BRIEFING_SITE_URL": "", "PUBLISHING": publishing})
    site = "https://desk.github.io/weekly/"
    assert commands == [f"python3 tools/fetch-published.py {site} output"
                        + (" --site published" if publishing == "true" else "")]
    assert output == f"url={site}\n"
    (tmp_path / "elsewhere").mkdir()
    _, output = _run_step(step, tmp_path / "elsewhere",
                          {"BRIEFING_SITE_URL": "https://briefing.example.org/", "PUBLISHING": publishing})
    assert output == "url=https://briefing.example.org/\n"
    (tmp_path / "user-site").mkdir()  # a user or organisation Pages repository is served at the root
    _, output = _run_step(step, tmp_path / "user-site", {"BRIEFING_SITE_URL": "", "PUBLISHING": publishing,
                                                         "GITHUB_REPOSITORY_OWNER": "Desk",
                                                         "GITHUB_REPOSITORY": "Desk/Desk.github.io"})
    assert output == "url=https://desk.github.io/\n"


@pytest.mark.parametrize("previous, keep, options", [
    (False, "", ""),
    (True, "", " --previous published"),
    (True, "30", " --previous published --prune 30"),
    (False, "30", " --prune 30"),
])
def test_the_site_is_assembled_from_the_published_one(workflow, tmp_path, previous, keep, options):
    step = _step(workflow, "Assemble the site")
    assert "cp " not in step["run"]
    assert step["env"] == {"SITE_URL": "${{ steps.published.outputs.url }}",
                           "BRIEFING_SITE_KEEP": "${{ vars.BRIEFING_SITE_KEEP }}"}
    assert "steps.stale.outputs.changed == 'true'" in step["if"] and all(term in step["if"] for term in PUBLISHING)
    if previous:
        (tmp_path / "published").mkdir()
        (tmp_path / "published" / "site.json").write_text("{}", encoding="utf-8")
    commands, _ = _run_step(step, tmp_path, {"SITE_URL": "https://desk.github.io/weekly/", "BRIEFING_SITE_KEEP": keep})
    assert commands == [f"briefing site --from output --out site --url https://desk.github.io/weekly/{options}"]
    pages = next(s for s in workflow["jobs"]["build"]["steps"] if s.get("uses", "").startswith("actions/upload-pages"))
    assert pages["with"]["path"] == "site"


# --------------------------------------------------------------------------
# tools/fetch-published.py against a real server on the loopback interface


@pytest.fixture
def site(tmp_path, content_copy):
    """A 'published' site: an HTML build served on 127.0.0.1."""
    root = tmp_path / "site"
    build(content_copy, root, formats=["html"])
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}/", content_copy
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _fetch(url: str, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "tools" / "fetch-published.py"), url, str(out)],
                          capture_output=True, text=True, timeout=120)


def test_fetched_site_makes_the_build_a_noop(site, tmp_path):
    root, url, content = site
    out = tmp_path / "output"
    res = _fetch(url, out)
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in root.iterdir() if not p.name.startswith("."))
    assert plan_build(content, out, None, None, ["html"]).up_to_date  # nothing to publish


def test_nothing_published_yet_is_a_first_edition(site, tmp_path):
    root, url, _ = site
    (root / MANIFEST).unlink()
    res = _fetch(url, tmp_path / "output")
    assert res.returncode == 0 and "first edition" in res.stdout
    assert not (tmp_path / "output").exists()


def test_a_file_that_does_not_match_the_manifest_is_left_out(site, tmp_path):
    root, url, content = site
    (root / "briefing.zh-Hant.html").write_text("replaced", encoding="utf-8")
    out = tmp_path / "output"
    res = _fetch(url, out)
    assert res.returncode == 0 and "briefing.zh-Hant.html: differs from the manifest" in res.stdout
    assert not (out / "briefing.zh-Hant.html").exists()
    assert plan_build(content, out, None, None, ["html"]).stale == {"briefing.zh-Hant.html": "missing"}


def test_an_unreachable_site_fails_rather_than_publishing_a_first_edition(tmp_path):
    with socket_closed_port() as port:
        res = _fetch(f"http://127.0.0.1:{port}/", tmp_path / "output")
    assert res.returncode == 1 and "manifest.json" in res.stderr


class socket_closed_port:
    """A loopback port nothing listens on."""

    def __enter__(self) -> int:
        import socket

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        return self.port

    def __exit__(self, *exc) -> None:
        pass


# --------------------------------------------------------------------------
# tools/fetch-published.py --site: the whole published site, every file
# checked against site.json, or a failure that stops the run


class _SiteHandler(_QuietHandler):
    """Serves a folder; the paths in server.cut are sent cut short (the
    connection closes before Content-Length bytes), those in server.broken
    answer 500."""

    def do_GET(self):
        path = self.path.lstrip("/")
        if path in self.server.broken:
            self.send_error(500)
        elif path in self.server.cut:
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"the first bytes only")
        else:
            super().do_GET()


# What a site holds besides the latest edition at its root (docs/site.md).
SITE_EXTRAS = {
    "index.html": b"<!doctype html><title>landing</title>",
    "site.css": b"body { margin: 0 }",
    "zh-Hans/index.html": b"<!doctype html><title>archive</title>",
    "zh-Hans/feed.xml": b"<feed xmlns='http://www.w3.org/2005/Atom'/>",
    "editions/2025-12-01-11/briefing.zh-Hans.html": b"<!doctype html><title>edition 11</title>",
    "editions/2025-12-01-11/manifest.json": b"{}",
}


def _site_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "site.json" and not any(s.startswith(".") for s in p.relative_to(root).parts)}


def _write_site_json(root: Path, **changes) -> dict:
    import hashlib
    import json

    record = {"format": 1, "generator": "briefing test", "editions": [{"edition": 11}, {"edition": 12}],
              "files": {path: hashlib.sha256(data).hexdigest() for path, data in _site_files(root).items()}}
    record.update(changes)
    (root / "site.json").write_text(json.dumps(record), encoding="utf-8")
    return record


@pytest.fixture
def published(tmp_path, content_copy):
    """A published site served on 127.0.0.1: the latest edition (an HTML build)
    at its root, an older edition's folder, archive, landing page, site.json."""
    root = tmp_path / "site"
    build(content_copy, root, formats=["html"])
    for path, data in SITE_EXTRAS.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    _write_site_json(root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SiteHandler, directory=str(root)))
    server.cut, server.broken = set(), set()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}/", content_copy, server
    finally:
        server.shutdown()
        server.server_close()


def _fetch_site(url: str, out: Path, site: Path | str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "tools" / "fetch-published.py"), url, str(out),
                           "--site", str(site), *extra], capture_output=True, text=True, timeout=120)


def _assert_history_lost(res: subprocess.CompletedProcess, tmp_path: Path, *words: str) -> None:
    """Exit 1, one message that says what it means and what to do; nothing written."""
    assert res.returncode == 1, res.stdout + res.stderr
    assert "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert "the published site's history could not be fetched" in lines[0]
    assert "would drop its earlier editions" in lines[0]
    assert "run it again" in lines[0] and "BRIEFING_SITE_URL" in lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    assert not (tmp_path / "published").exists()
    assert not (tmp_path / "output").exists(), "nothing fetched into output/ either"
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".published")], "no temporary folder left"


def test_the_published_site_is_fetched_whole(published, tmp_path):
    root, url, content, _ = published
    res = _fetch_site(url, tmp_path / "output", tmp_path / "published")
    assert res.returncode == 0, res.stderr
    assert "site of 2 edition(s)" in res.stdout
    fetched = tmp_path / "published"
    assert _site_files(fetched) == _site_files(root)
    assert (fetched / "site.json").read_bytes() == (root / "site.json").read_bytes()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".published")]
    # ... and the latest edition into output/, as without --site
    assert plan_build(content, tmp_path / "output", None, None, ["html"]).up_to_date


def test_the_site_option_may_come_first_and_may_name_an_empty_folder(published, tmp_path):
    _, url, _, _ = published
    (tmp_path / "published").mkdir()
    res = subprocess.run([sys.executable, str(ROOT / "tools" / "fetch-published.py"),
                          f"--site={tmp_path / 'published'}", url, str(tmp_path / "output")],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "published" / "site.json").is_file()
    assert (tmp_path / "output" / MANIFEST).is_file()


def test_a_site_without_site_json_has_no_archive_yet(published, tmp_path):
    """A first site, or one published before it kept every edition (only the
    manifest and the latest files): nothing to carry forward, the rest as usual."""
    root, url, content, _ = published
    (root / "site.json").unlink()
    res = _fetch_site(url, tmp_path / "output", tmp_path / "published")
    assert res.returncode == 0, res.stderr
    assert "has no site.json: the site has no archive yet" in res.stdout
    assert not (tmp_path / "published").exists()
    assert plan_build(content, tmp_path / "output", None, None, ["html"]).up_to_date


@pytest.mark.parametrize("site_json, words", [
    (b"{\"format\": 1, \"files\": ", "not JSON"),
    (b"[1, 2]", "not a site of format 1"),
    (b"{\"format\": 2, \"editions\": [], \"files\": {\"a\": \"" + b"0" * 64 + b"\"}}", "not a site of format 1"),
    (b"{\"format\": true, \"editions\": [], \"files\": {\"a\": \"" + b"0" * 64 + b"\"}}", "not a site of format 1"),
    (b"{\"format\": 1, \"files\": {\"a\": \"" + b"0" * 64 + b"\"}}", "list of editions"),
    (b"{\"format\": 1, \"editions\": [], \"files\": [\"index.html\"]}", "no table of files"),
    (b"{\"format\": 1, \"editions\": []}", "no table of files"),
    (b"{\"format\": 1, \"editions\": [], \"files\": {\"index.html\": \"abc\"}}", "not 64 hex digits"),
    (b"{\"format\": 1, \"editions\": [], \"files\": {\"index.html\": \"" + b"A" * 64 + b"\"}}", "not 64 hex digits"),
    (b"[" * 100_000, "not JSON"),
], ids=["truncated", "a-list", "format-2", "format-true", "no-editions", "files-a-list", "no-files", "short-digest",
        "uppercase-digest", "nested-too-deeply"])
def test_a_malformed_site_json_stops_the_run(published, tmp_path, site_json, words):
    root, url, _, _ = published
    (root / "site.json").write_bytes(site_json)
    res = _fetch_site(url, tmp_path / "output", tmp_path / "published")
    _assert_history_lost(res, tmp_path, "site.json", words)


def test_a_file_that_differs_from_site_json_stops_the_run(published, tmp_path):
    root, url, _, _ = published
    (root / "editions" / "2025-12-01-11" / "briefing.zh-Hans.html").write_bytes(b"altered")
    res = _fetch_site(url, tmp_path / "output", tmp_path / "published")
    _assert_history_lost(res, tmp_path, "editions/2025-12-01-11/briefing.zh-Hans.html differs from the sha256")


def test_a_listed_file_that_is_not_there_stops_the_run(published, tmp_path):
    root, url, _, _ = published
    (root / "zh-Hans" / "feed.xml").unlink()
    res = _fetch_site(url, tmp_path / "output", tmp_path / "published")
    _assert_history_lost(res, tmp_path, "zh-Hans/feed.xml, listed in site.json, is not there (404)")


@pytest.mark.parametrize("path", [
    "../outside.html", "editions/../../outside.html", "/etc/passwd", "editions/2025-12-01-11/../../outside.html",
    ".hidden", "zh-Hans/.git", "a/b/c/d.html", "zh-Hans//index.html", "zh-Hans/", "", "a\\b.html",
    "index.html\n", "site.json", "%2e%2e/outside.html", "index.html/inside.html", "Index.HTML",
])
def test_a_path_that_is_not_plain_stops_the_run_before_anything_is_downloaded(published, tmp_path, path):
    root, url, _, _ = published
    record = _write_site_json(root)
    _write_site_json(root, files={**record["files"], path: "0" * 64})
    res = _fetch_site(url, tmp_path / "output", tmp_path / "published")
    _assert_history_lost(res, tmp_path, "site.json")
    assert not (tmp_path / "outside.html").exists() and not (tmp_path.parent / "outside.html").exists()


def test_an_unreachable_site_stops_the_run(tmp_path):
    with socket_closed_port() as port:
        res = _fetch_site(f"http://127.0.0.1:{port}/", tmp_path / "output", tmp_path / "published")
    _assert_history_lost(res, tmp_path, "site.json:")


@pytest.mark.parametrize("how", ["cut", "broken"])
def test_a_download_that_fails_midway_stops_the_run_and_leaves_nothing(published, tmp_path, how):
    _, url, _, server = published
    getattr(server, how).add("zh-Hans/index.html")  # after editions/…, briefing.*.html and index.html
    res = _fetch_site(url, tmp_path / "output", tmp_path / "published")
    _assert_history_lost(res, tmp_path, "zh-Hans/index.html")


def test_a_folder_that_is_not_empty_is_not_fetched_into(published, tmp_path):
    _, url, _, _ = published
    (tmp_path / "published").mkdir()
    (tmp_path / "published" / "mine.txt").write_text("mine", encoding="utf-8")
    res = _fetch_site(url, tmp_path / "output", tmp_path / "published")
    assert res.returncode == 1 and "is not an empty folder" in res.stderr
    assert sorted(p.name for p in (tmp_path / "published").iterdir()) == ["mine.txt"]
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize("extra", [["--site"], ["--site="]])
def test_site_needs_a_folder(tmp_path, extra):
    res = subprocess.run([sys.executable, str(ROOT / "tools" / "fetch-published.py"), "http://127.0.0.1:9/",
                          str(tmp_path / "output"), *extra], capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and "--site SITE_DIR" in res.stderr


def test_site_and_output_folders_must_not_overlap(tmp_path):
    res = _fetch_site("http://127.0.0.1:9/", tmp_path / "output", tmp_path / "output" / "site")
    assert res.returncode == 2 and "overlap" in res.stderr


def test_a_site_fetched_is_what_briefing_site_carries_forward(built, tmp_path):
    """The real thing: `briefing site` writes a site, it is served, fetched
    with --site, and the next `briefing site --previous` keeps it as it was."""
    editions = built["zh-Hans.pdf"].parent
    res = subprocess.run([str(BIN / "briefing"), "site", "--from", str(editions), "--out", str(tmp_path / "site")],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_QuietHandler, directory=str(tmp_path / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        res = _fetch_site(f"http://127.0.0.1:{server.server_address[1]}/", tmp_path / "output",
                          tmp_path / "published")
    finally:
        server.shutdown()
        server.server_close()
    assert res.returncode == 0, res.stderr
    assert _site_files(tmp_path / "published") == _site_files(tmp_path / "site")
    res = subprocess.run([str(BIN / "briefing"), "site", "--from", str(tmp_path / "output"), "--previous",
                          str(tmp_path / "published"), "--out", str(tmp_path / "next")],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "next" / "site.json").read_bytes() == (tmp_path / "site" / "site.json").read_bytes()
