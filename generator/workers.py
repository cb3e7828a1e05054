"""Processes, time limits and signals: what lets editions render side by side
and still stop cleanly.

In: work for forked processes, a template render to bound in time, the
build's own process and its signals. Out: results gathered while watching
for a stopping signal (``collect_results``), workers that die with the build
(``worker_init``), a template stopped at its own line when it runs past
``$BRIEFING_RENDER_TIMEOUT`` (:class:`TimeLimit`), a build stopped by SIGTERM
or SIGINT with nothing written (:func:`interruptible`). Nothing here knows
what a briefing is.
"""

from __future__ import annotations

import ctypes  # imported here, not in a worker (which may run as another user, or without files)
import faulthandler
import fcntl
import functools
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait

from generator.diagnostics import Diagnostics
from generator.model import Content


def worker_died(content: Content, diag: Diagnostics) -> None:
    """A rendering process was killed (by the OOM killer, say): an error, not a traceback."""
    diag.error(content.manifest.path, 0, "a rendering process died before it finished (killed, or out of memory)",
               "run the build again; if it happens again, build one edition at a time with --variant", code="worker")


EDITION_JOB: dict = {}  # what a forked edition worker works on: inherited through fork, never pickled


RENDER_TIMEOUT_ENV = "BRIEFING_RENDER_TIMEOUT"
DEFAULT_RENDER_TIMEOUT = 120.0  # seconds per edition; the shipped templates take well under one


class RenderTimeout(BaseException):
    """Raised inside a template that ran past the limit. A BaseException,
    so that no ``except Exception`` on the way swallows it."""


def render_time_limit(diag: Diagnostics) -> float | None:
    """Seconds one edition's templates may take (0: no limit), from
    $BRIEFING_RENDER_TIMEOUT, else the default; None (an error in ``diag``)
    if the variable is set to something else than a number."""
    raw = os.environ.get(RENDER_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_RENDER_TIMEOUT
    try:
        seconds = float(raw)
        if not 0 <= seconds < float("inf"):
            raise ValueError
    except ValueError:
        diag.error(RENDER_TIMEOUT_ENV, 0, f"the environment variable {RENDER_TIMEOUT_ENV} must be a number of "
                   f"seconds, got {raw[:40]!r}", f"unset it for the default of {DEFAULT_RENDER_TIMEOUT:g} s, "
                   "or set 0 for no limit")
        return None
    return seconds


class TimeLimit:
    """``with TimeLimit(s):`` -- if the block is still running templates
    after ``s`` seconds, a watchdog thread raises :class:`RenderTimeout` in
    it, between two Python steps: a ``{% for %}`` over range(10**12), a
    macro calling itself, a filter looping in Python all stop at once.

    A template stuck in one C call (``range(10**12)|sum``) holds the
    interpreter, so no thread of its process can act. In a forked edition
    worker -- where a build on the main thread always renders -- the
    interpreter's fault handler (a thread of its own, in C) then writes the
    worker's stack to a file and ends it, after a grace period; the build
    finds the template line in that stack (generator.lanes._stuck_templates).
    Nothing has been written at that point."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.where: tuple[str, int, str] | None = None  # (file, line, template name)
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.target = 0
        self.dump = None

    def __enter__(self) -> "TimeLimit":
        if not self.seconds:
            return self
        self.target = threading.get_ident()
        threading.Thread(target=self._watch, name="briefing-render-limit", daemon=True).start()
        if EDITION_JOB.get("dumps") and os.getpid() != EDITION_JOB.get("parent"):  # a forked edition worker
            self.dump = _claim_dump()
            if self.dump is not None:
                faulthandler.dump_traceback_later(self.seconds + _grace(self.seconds), exit=True, file=self.dump)
        return self

    def __exit__(self, *exc) -> None:
        if not self.seconds:
            return
        self.done.set()
        if self.dump is not None:
            faulthandler.cancel_dump_traceback_later()
        with self.lock:  # the watchdog raises only while holding it: after this, it never will again
            pass
        if self.where is not None:
            _async_raise(self.target, None)  # one still pending: cleared (the block is over)

    def _watch(self) -> None:
        if self.done.wait(self.seconds):
            return
        while True:
            with self.lock:
                if self.done.is_set():
                    return
                where = _template_at(sys._current_frames().get(self.target))
                if where is None and self.where is not None:
                    return  # out of the templates: the exception did its work
                if where is not None:
                    self.where = self.where or where
                    _async_raise(self.target, RenderTimeout)
            if self.done.wait(0.5):  # again, in case something on the way caught it
                return

    def problem(self) -> tuple[str, int, str, str]:
        """(path, line, message, hint) for the diagnostics."""
        return timeout_problem(self.seconds, *(self.where or ("templates", 0, "the templates")))


def _claim_dump():
    """This worker's file for the fault handler: the first of the build's
    files no other worker holds (a POSIX lock, held until the worker ends)."""
    for f in EDITION_JOB.get("dumps") or ():
        try:
            fcntl.lockf(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return f
        except OSError:
            continue
    return None


def _grace(seconds: float) -> float:
    return min(max(seconds, 2.0), 30.0)


def timeout_problem(seconds: float, path: str, line: int, name: str) -> tuple[str, int, str, str]:
    return (path, line, f"template rendering took longer than {seconds:g} s in {name}: a loop that never ends?",
            "templates are trusted code that runs without a sandbox: look for a loop or filter here that does "
            f"not end; {RENDER_TIMEOUT_ENV}=SECONDS changes the limit (default {DEFAULT_RENDER_TIMEOUT:g})")


def _template_at(frame) -> tuple[str, int, str] | None:
    """The innermost template frame on a thread's stack: (file, template line, name)."""
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            try:
                line = template.get_corresponding_lineno(frame.f_lineno)
            except Exception:  # noqa: BLE001 - a location is a nicety
                line = 0
            return template.filename or template.name or "?", line, template.name or "?"
        frame = frame.f_back
    return None


def _async_raise(thread_id: int, exc) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


class BuildInterrupted(SystemExit):
    """The build was stopped by ``signum``; exits 128 + signum, nothing written."""

    def __init__(self, signum: int):
        super().__init__(128 + signum)
        self.signum = signum


def interruptible(fn):
    """Run ``fn`` (the build) so that SIGTERM and SIGINT stop it cleanly:
    the signal raises :class:`BuildInterrupted` in the main thread, the
    edition workers are stopped (render_outputs), a half-done commit is
    rolled back (output.write_all), and the process exits 143 / 130 with a
    message. Only on the main thread (``serve`` builds in others)."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            return fn(*args, **kwargs)
        owner = os.getpid()
        PENDING_SIGNAL.clear()

        def stop(signum, frame):
            if os.getpid() != owner:  # a worker forked just now, before worker_init ran
                os._exit(128 + signum)
            # remembered as well as raised: a signal that lands in a callback Python runs for us
            # (the logging module's at-fork hook while the pool forks, a finaliser) has its exception
            # dropped; collect_results raises it again at its next look, and nothing is written
            PENDING_SIGNAL.append(signum)
            raise BuildInterrupted(signum)

        def unraisable(hook):  # ... and not printed as a traceback either
            return lambda info: None if isinstance(info.exc_value, BuildInterrupted) else hook(info)

        before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
        for s in before:
            signal.signal(s, stop)
        hook, sys.unraisablehook = sys.unraisablehook, unraisable(sys.unraisablehook)
        try:
            return fn(*args, **kwargs)
        except BuildInterrupted as exc:
            sys.stderr.write(f"briefing: stopped by {signal.Signals(exc.signum).name}; nothing was written "
                             "(the previous outputs are as they were)\n")
            sys.stderr.flush()
            raise
        finally:
            PENDING_SIGNAL.clear()  # consumed: a later build (serve's, in a thread) must not see it
            sys.unraisablehook = hook
            for s, handler in before.items():
                if handler is not None:
                    signal.signal(s, handler)

    return run


def worker_init(parent: int) -> None:
    """In each forked worker: the default signal handling back (SIGTERM ends
    it; Ctrl-C is the build's to handle), and death with the build even if
    the build is killed outright (SIGKILL leaves no time to stop anything)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0:  # PR_SET_PDEATHSIG
                if os.getppid() != parent:  # the build died before this line
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass

    def watch() -> None:  # elsewhere: notice the new parent
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="briefing-parent-watch", daemon=True).start()


PENDING_SIGNAL: list[int] = []  # the signal that is stopping the build (see interruptible)


def collect_results(pool: ProcessPoolExecutor, fn, items) -> list:
    """``list(pool.map(fn, items))``, but looking every fraction of a second
    whether a stopping signal was received whose exception got lost."""
    futures = [pool.submit(fn, item) for item in items]
    pending = set(futures)
    while pending:
        if PENDING_SIGNAL:
            raise BuildInterrupted(PENDING_SIGNAL[0])
        done, pending = wait(pending, timeout=0.25, return_when=FIRST_EXCEPTION)
        if any(f.exception() is not None for f in done):
            break
    return [f.result() for f in futures]  # (the first failure raises, as map's would)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate a pool's worker processes, now (the build is stopping)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for p in processes:
        try:
            p.terminate()
        except (OSError, ValueError, AttributeError):
            pass
    for p in processes:
        try:
            p.join(5)
            if p.is_alive():
                p.kill()
                p.join(5)
        except (OSError, ValueError, AttributeError, AssertionError):
            pass
    try:  # waited for: its manager thread must be gone before the interpreter's exit hooks wake it
        pool.shutdown(wait=True, cancel_futures=True)  # (they would write to its closed pipe: EBADF)
    except (OSError, RuntimeError):
        pass


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
