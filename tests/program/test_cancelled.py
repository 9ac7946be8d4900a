"""A program the engine cancels (SIGINT, after a failed step or a refused plan) leaves at once, quietly.

Pulumi's SDK runs the program's resource calls in threads that stay blocked once the engine stops answering;
a program that waited for them would be killed by the language host only 5 s later, making every failed
`preview`, `up` or `destroy` 5 s longer.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from tests.lifecycle.conftest import ROOT

PROGRAM = textwrap.dedent("""
    import sys
    import threading

    from components.errors import quiet_when_cancelled

    quiet_when_cancelled()
    threading.Thread(target=threading.Event().wait).start()  # a call the engine will never answer
    print("its last words")  # still in stdout's buffer (a pipe) when the signal comes
    print("running", file=sys.stderr)  # line-buffered: the test reads it now
    threading.Event().wait()
""")


def test_a_cancelled_program_leaves_at_once_with_its_output_and_without_a_traceback() -> None:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    process = subprocess.Popen([sys.executable, "-c", PROGRAM], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        assert process.stderr.readline() == "running\n"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)  # a bound on a hang, not a wait: it leaves at once
    finally:
        process.kill()

    assert process.returncode == 1
    assert out == "its last words\n"
    assert "Traceback" not in err
    assert "KeyboardInterrupt" not in err
