"""How far the pinned configurations' metrics move with the machine's floating-point kernels.

Each pinned configuration of ``tests/evaluation/test_pinned_behaviour.py`` is evaluated in a
fresh process under several settings that change the order of floating-point operations the
way another machine would: torch's instruction set (``ATEN_CPU_CAPABILITY``), MKL's code path
(``MKL_CBWR``), and the thread count (one CPU: sedg sizes its thread pools by the CPUs a
process may use, so ``OMP_NUM_THREADS`` alone would change nothing). The spread per configuration is
what the test module's bands are reasoned from.

Run: ``python -m benchmarks.kernel_spread`` (about two minutes on 2 cores); it writes
``benchmarks/KERNEL_SPREAD.md`` and ``.json`` and prints the table.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Settings that move floating-point order as another CPU would; "native" changes nothing.
#: ONE_CPU runs the process on one CPU (so every thread pool has one thread).
ONE_CPU = "SEDG_BENCHMARK_ONE_CPU"
SETTINGS = {
    "native": {},
    "1 thread": {ONE_CPU: "1"},
    "ATen default": {"ATEN_CPU_CAPABILITY": "default"},
    "ATen avx2": {"ATEN_CPU_CAPABILITY": "avx2"},
    "MKL compatible": {"MKL_CBWR": "COMPATIBLE"},
    "MKL avx2": {"MKL_CBWR": "AVX2"},
    "all three": {ONE_CPU: "1", "ATEN_CPU_CAPABILITY": "default", "MKL_CBWR": "COMPATIBLE"},
}
METRICS = ("qwk", "accuracy", "macro_auc")


def _metrics_here() -> list[dict]:
    """Every pinned configuration's metrics in this process."""
    from tests.evaluation.test_pinned_behaviour import PINNED, evaluate_pinned

    return [{name: evaluate_pinned(entry).metrics[name] for name in METRICS} for entry in PINNED]


def _metrics_under(setting: dict) -> list[dict]:
    env = {**os.environ, **setting}
    out = subprocess.run([sys.executable, "-m", "benchmarks.kernel_spread", "--child"], env=env,
                         capture_output=True, text=True, check=True, cwd=HERE.parent)
    return json.loads(out.stdout.splitlines()[-1])


def _machine() -> str:
    import numpy
    import torch

    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    model = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")),
                 platform.processor())
    return (f"{model}, {len(os.sched_getaffinity(0))} CPUs, torch {torch.__version__} "
            f"({torch.backends.cpu.get_cpu_capability()}), numpy {numpy.__version__}")


def main() -> None:
    from tests.evaluation.test_pinned_behaviour import PINNED

    runs = {name: _metrics_under(setting) for name, setting in SETTINGS.items()}
    rows = []
    for index, entry in enumerate(PINNED):
        row = {"configuration": entry.name, "kind": entry.kind}
        for metric in METRICS:
            values = [runs[name][index][metric] for name in SETTINGS]
            row[metric] = {"min": min(values), "max": max(values), "spread": max(values) - min(values),
                           "by_setting": dict(zip(SETTINGS, values))}
        rows.append(row)
    (HERE / "KERNEL_SPREAD.json").write_text(json.dumps({"settings": SETTINGS, "rows": rows}, indent=1))
    lines = [
        "# Pinned metrics under kernel settings", "",
        "`python -m benchmarks.kernel_spread`: each pinned configuration in a fresh process per setting "
        f"({', '.join(SETTINGS)}). Spread = max − min over the settings.", "",
        f"Machine: {_machine()}.", "",
        "| configuration | kind | QWK min | QWK max | QWK spread | accuracy spread | macro-AUC spread |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['configuration']} | {row['kind']} | {row['qwk']['min']:.4f} | {row['qwk']['max']:.4f} "
            f"| {row['qwk']['spread']:.4f} | {row['accuracy']['spread']:.4f} "
            f"| {row['macro_auc']['spread']:.4f} |")
    text = "\n".join(lines) + "\n"
    (HERE / "KERNEL_SPREAD.md").write_text(text)
    print(text)


if __name__ == "__main__":
    if "--child" in sys.argv:
        if os.environ.get(ONE_CPU):
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        print(json.dumps(_metrics_here()))
    else:
        main()
