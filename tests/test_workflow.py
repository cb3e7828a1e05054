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
from generator.incremental import MANIFEST, plan_build

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
    for command in (".venv/bin/briefing build --check", "python3 tools/fetch-published.py"):
        assert command in scripts and command in blocks
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in in_workflow:
        assert re.search(rf"^{re.escape(target)}:", makefile, re.M), f"no make target {target}"
    check_recipe = makefile.split("\ncheck:")[1].split("\n\n")[0]
    assert "briefing check --strict" in check_recipe


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
