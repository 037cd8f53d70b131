"""What ``make run`` does after installing: ``conflux demo`` serves the suite, processes the sample
inbox, reports, keeps serving, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from tests.support.processes import conflux_command, free_port


def test_demo_reports_the_sample_inbox_then_stops_on_ctrl_c(tmp_path: Path) -> None:
    address = f"127.0.0.1:{free_port()}"
    log = tmp_path / "demo.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            conflux_command("demo"),
            env={
                **os.environ,
                "CONFLUX_LISTEN_ADDRESS": address,
                "CONFLUX_DATA_DIR": str(tmp_path / "var"),
            },
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        deadline = time.monotonic() + 240
        while "Ctrl-C to stop" not in log.read_text() and time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            time.sleep(0.5)
        output = log.read_text()
        assert f"still serving on {address}" in output
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
    output = log.read_text()
    assert "Conflux processed 10 items" in output
    letter = output.split("01-scanned-letter.pdf\n", 1)[1].split("\n\n", 1)[0]
    assert "Martine Lemaire (P-004127)" in letter, "the scan's sender comes from its OCR'd text"
    assert "in attachment 01-scanned-letter.pdf" in letter
    note = output.split("06-phone-note.json\n", 1)[1].split("\n\n", 1)[0]
    assert "duplicate of 01-scanned-letter.pdf" in note, "the two-channel demand is one case"
    assert "stopped" in output
