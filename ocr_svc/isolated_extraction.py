"""Extraction in worker processes, so that no document can hold or crash the service.

Within one process, the time limit is only checked between pages and tools: a page whose text
layer takes pypdf an hour to parse, or a decoder that loops or crashes on a crafted image, would
hold (or kill) the service. In a worker process, the limit is enforced by killing the worker and
whatever tools it runs, and a crash costs the document, with the pages read before it kept; the
worker is then replaced. Worker processes also read text layers in parallel, which threads
cannot (pypdf holds the interpreter's lock).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import tempfile
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from ocr_svc.external_tool import ToolMissingError
from ocr_svc.extraction import Extraction, PageText, Status, extract_text

STOP_MARGIN_S = 2.0
"""Seconds before the hard limit at which a worker is asked to stop by itself, so that it can say
which pages it could not read; a tenth of the limit when that is shorter."""
_MARGIN_SHARE = 0.1
# Workers are forked from a server process that has imported the extraction code once.
_PRELOADED = ["ocr_svc.extraction"]


@dataclass(frozen=True)
class _Job:
    data: bytes
    media_type: str
    languages: str
    time_limit_s: float
    work_dir: str


@dataclass(frozen=True)
class _Ready:
    pass


@dataclass(frozen=True)
class _PageRead:
    page: PageText


@dataclass(frozen=True)
class _Finished:
    extraction: Extraction


@dataclass(frozen=True)
class _Refused:
    error: ValueError | ToolMissingError


_Message = _Ready | _PageRead | _Finished | _Refused


class IsolatedExtractor:
    """Runs `extract_text` in a pool of worker processes, one document each, within a hard limit."""

    def __init__(self, workers: int) -> None:
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(_PRELOADED)
        self._size = workers
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False

    def start(self) -> None:
        """Starts the workers, once (they get ready in the background)."""
        with self._lock:
            if self._started:
                return
            self._started = True
            for _ in range(self._size):
                self._idle.put(self._new_worker())

    def close(self) -> None:
        """Stops every worker, busy or not; a document being read ends as cut short."""
        self._closed = True
        for worker in list(self._all):
            worker.stop()
        self._all.clear()

    def extract(
        self, data: bytes, media_type: str, *, languages: str, time_limit_s: float
    ) -> Extraction:
        """Return what `extract_text` returns for this document, within `time_limit_s`.

        Waits for an idle worker first (the caller bounds how many wait). The worker is asked to
        stop a margin before the limit (`STOP_MARGIN_S`) and killed, with the tools it runs, at
        the limit; the pages it read are kept and the status is then PARTIAL (UNREADABLE when it
        read none), as it is when the worker dies. Raises what `extract_text` raises for the
        caller's own errors (`ValueError`, `ToolMissingError`), and `RuntimeError` once closed.
        """
        if self._closed:
            raise RuntimeError("the extractor is closed")
        self.start()
        worker = self._idle.get()
        try:
            worker.wait_ready()
            # A directory of the caller's: a killed worker cannot remove its files.
            with tempfile.TemporaryDirectory(prefix="ocr-worker-") as work_dir:
                margin = min(STOP_MARGIN_S, time_limit_s * _MARGIN_SHARE)
                job = _Job(data, media_type, languages, time_limit_s - margin, work_dir)
                return worker.run(job, time_limit_s)
        finally:
            if not worker.alive and not self._closed:
                worker.stop()
                self._all.discard(worker)
                worker = self._new_worker()
            self._idle.put(worker)

    def _new_worker(self) -> _Worker:
        worker = _Worker(self._context)
        self._all.add(worker)
        return worker


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, context: multiprocessing.context.ForkServerContext) -> None:
        self._connection, child_end = context.Pipe()
        self._process: BaseProcess = context.Process(
            target=_serve, args=(child_end,), name="ocr-extraction", daemon=True
        )
        self._process.start()
        # Only the worker holds the other end now: its death reads as the end of the pipe.
        child_end.close()
        self._ready = False

    @property
    def alive(self) -> bool:
        """True while the process runs."""
        return self._process.is_alive()

    def wait_ready(self) -> None:
        """Waits until the worker has started (its start does not count against a time limit)."""
        if not self._ready:
            self._ready = isinstance(self._receive(), _Ready)

    def run(self, job: _Job, time_limit_s: float) -> Extraction:
        """The worker's extraction of `job`, or what it read until the limit or its death."""
        started = time.monotonic()
        pages: list[PageText] = []
        try:
            self._connection.send(job)
        except (BrokenPipeError, ConnectionResetError):
            return self._cut_short(pages, started, "the extraction died before it started")
        while True:
            remaining = started + time_limit_s - time.monotonic()
            if remaining <= 0 or not self._connection.poll(remaining):
                self.stop()
                return self._cut_short(pages, started, f"time limit of {time_limit_s:g} s reached")
            message = self._receive()
            if message is None:
                self._process.join()
                return self._cut_short(pages, started, f"the extraction died ({self._exit()})")
            if isinstance(message, _PageRead):
                pages.append(message.page)
            elif isinstance(message, _Finished):
                return message.extraction
            elif isinstance(message, _Refused):
                raise message.error

    def stop(self) -> None:
        """Kills the worker and the tools it started (its process group), then reaps it."""
        pid = self._process.pid
        if self._process.is_alive() and pid is not None:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                # Killed before it made its own group: only the worker itself can be running.
                self._process.kill()
        self._process.join()
        self._connection.close()

    def _receive(self) -> _Message | None:
        try:
            message: _Message = self._connection.recv()
        except (EOFError, ConnectionResetError):
            return None
        return message

    def _exit(self) -> str:
        code = self._process.exitcode
        if code is not None and code < 0:
            return f"killed by signal {signal.Signals(-code).name}"
        return f"exit code {code}"

    @staticmethod
    def _cut_short(pages: list[PageText], started: float, reason: str) -> Extraction:
        status = Status.PARTIAL if pages else Status.UNREADABLE
        read = "1 page" if len(pages) == 1 else f"{len(pages)} pages"
        return Extraction(
            tuple(pages),
            status,
            f"{reason} with {read} read; the extraction was stopped",
            seconds=time.monotonic() - started,
            cut_short=True,
        )


def _serve(connection: Connection) -> None:
    """A worker's life: extract the documents it is sent, one at a time, until the pipe closes."""
    # Its own process group, so that killing the group stops the tesseract it may be running.
    os.setpgrp()
    connection.send(_Ready())
    while True:
        try:
            job: _Job = connection.recv()
        except EOFError:
            return
        try:
            extraction = extract_text(
                job.data,
                job.media_type,
                languages=job.languages,
                time_limit_s=job.time_limit_s,
                work_dir=Path(job.work_dir),
                on_page=lambda page: connection.send(_PageRead(page)),
            )
        except (ValueError, ToolMissingError) as error:
            connection.send(_Refused(error))
        else:
            connection.send(_Finished(extraction))
