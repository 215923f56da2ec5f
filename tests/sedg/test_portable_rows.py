"""SEDG makes the same rows whatever the machine's floating-point kernels.

Two machines of one kind once gave different SEDG numbers for one seed (issue 37): ties between
equally similar candidates fell to rounding, and a float32 embedding network grew the rounding
into different choices. This runs :mod:`tests.sedg.kernel_probe` here and in fresh processes
that change the order of floating-point work as another CPU would — one thread instead of
several, torch's generic kernels instead of AVX-512/AVX2 (``ATEN_CPU_CAPABILITY``), MKL's
compatible code path (``MKL_CBWR``) — and asks for one answer. Before the fix, four of the
probe's eight configurations gave two or three answers here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.sedg.kernel_probe import CONFIGURATIONS

ROOT = Path(__file__).resolve().parents[2]
#: Settings that move floating-point order as another machine would, each on one CPU of its
#: own (so on one thread, side by side); a third process, on every CPU of the machine (this one
#: may be a test worker kept to one), runs after them.
SETTINGS = {
    "torch's generic kernels": {"ATEN_CPU_CAPABILITY": "default"},
    "MKL's compatible code path": {"MKL_CBWR": "COMPATIBLE"},
}


def _probe(cpu: str, setting: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.sedg.kernel_probe", "--cpu", cpu],
                            cwd=ROOT, env={**os.environ, **setting}, stdout=subprocess.PIPE, text=True)


def _answer(child: subprocess.Popen, name: str) -> dict:
    out, _ = child.communicate(timeout=300)
    assert child.returncode == 0, name
    return json.loads(out.splitlines()[-1])


def test_sedg_rows_are_one_answer_under_every_kernel_setting():
    cpus = sorted(os.sched_getaffinity(0))
    children = {name: _probe(str(cpus[i % len(cpus)]), setting)
                for i, (name, setting) in enumerate(SETTINGS.items())}
    answers = {name: _answer(child, name) for name, child in children.items()}
    # After the others: no oversubscription.
    answers["every CPU, every thread"] = _answer(_probe("all", {}), "every CPU")
    assert set(answers["every CPU, every thread"]) == set(CONFIGURATIONS)
    parted = {
        configuration: {name: answer[configuration][:12] for name, answer in answers.items()}
        for configuration in CONFIGURATIONS
        if len({answer[configuration] for answer in answers.values()}) > 1
    }
    assert not parted, f"SEDG's rows depend on the kernels: {parted}"
