"""sedg-search against the loop a user would write by hand, on the same configurations.

The hand-written loop is a plain sequential Optuna study over sedg-search's own design space
(``define_space``) calling ``evaluate()`` with one in-memory artifact store (so the baseline is
shared there too), no Ray. To give both sides the same work, sedg-search runs first (random
searcher, FIFO: every trial runs every split) and the loop then replays exactly its
configurations, enqueued in its study in the same order: same rows made, same models fitted.
Each side runs in a fresh process, timed from the parent (interpreter start-up and imports
included), ``runs`` times, alternating; min and median are reported, every run kept.

Run one side alone: ``python -m benchmarks._versus loop CONFIGS.json DATA METHODS CLASSIFIER``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=str(REPO))
#: What both sides evaluate: the SEDG paper's single holdout, as the issue measured.
PROTOCOL = "holdout"


def _sedg_search(storage: Path, name: str, data: str, methods: str, trials: int) -> dict:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "search.cli", "run", "--data", data, "--target", "G3",
         "--methods", methods, "--classifier", "random_forest", "--num-samples", str(trials),
         "--concurrency", "2", "--num-cpus", "2", "--protocol", PROTOCOL, "--scheduler", "fifo",
         "--searcher", "random", "--confirm-top", "0", "--profile", "--storage-path", str(storage),
         "--name", name], check=True, cwd=REPO, env=ENV, capture_output=True, text=True)
    wall = time.perf_counter() - started
    rows = pd.read_parquet(storage / name / "results")
    profile = {entry["phase"]: entry["seconds"]
               for entry in json.loads((storage / name / "profile.json").read_text())}
    return {"wall_s": wall, "rows": rows, "profile": profile}


def _loop(configs: Path, data: str, methods: str) -> dict:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "benchmarks._versus", "loop", str(configs), data,
                          methods, "random_forest"], check=True, cwd=REPO, env=ENV,
                         capture_output=True, text=True)
    wall = time.perf_counter() - started
    return {"wall_s": wall, **json.loads(out.stdout.strip().splitlines()[-1])}


def _configurations(rows: pd.DataFrame) -> list[dict]:
    """Each trial's suggested parameters, in the order the trials finished (a missing value is
    None: a categorical choice of None, or a parameter the trial's path did not suggest)."""
    from search._parameters import method_parameters
    from search.recipe import resampler_params

    configs = []
    for _, row in rows.iterrows():
        method = row["method"]
        config = dict.fromkeys(name for name in method_parameters(method) if name in row)
        config.update(resampler_params(row.to_dict(), method), method=method,
                      classifier=row["classifier"])
        configs.append(config)
    return configs


def compare(label: str, storage: Path, data: str, methods: str, trials: int, runs: int) -> dict:
    """``runs`` alternating runs of each side; the loop replays the first search's configurations."""
    searches, loops = [], []
    configs_path = storage / f"{label}-configs.json"
    for run in range(runs):
        search = _sedg_search(storage, f"{label}-{run}", data, methods, trials)
        if run == 0:
            configs = _configurations(search["rows"])
            configs_path.write_text(json.dumps(configs))
            search_rows = int(search["rows"]["synthetic_rows"].sum())
        searches.append(search)
        loops.append(_loop(configs_path, data, methods))
    walls = [s["wall_s"] for s in searches]
    loop_walls = [loop["wall_s"] for loop in loops]
    first = searches[0]
    trial_sum = float(first["rows"]["time_total"].sum())
    search_phase = first["profile"].get("search", float("nan"))
    return {
        "comparison": label, "trials": trials, "runs": runs,
        "loop_wall_s": [round(w, 1) for w in loop_walls],
        "sedg_search_wall_s": [round(w, 1) for w in walls],
        "loop_min_s": round(min(loop_walls), 1), "loop_median_s": round(statistics.median(loop_walls), 1),
        "search_min_s": round(min(walls), 1), "search_median_s": round(statistics.median(walls), 1),
        "ratio_median": round(statistics.median(walls) / statistics.median(loop_walls), 2),
        "ratio_min": round(min(walls) / min(loop_walls), 2),
        "rows_made_search": search_rows, "rows_made_loop": loops[0]["rows_made"],
        "loop_trial_sum_s": round(loops[0]["trial_sum_s"], 1),
        "search_trial_sum_s": round(trial_sum, 1),
        "search_startup_s": round(walls[0] - search_phase, 1),
        "search_phase_s": round(search_phase, 1),
        "search_per_trial_s": round(search_phase / trials, 3),
        "wall_vs_trial_sum_over_2": round(search_phase / (trial_sum / 2), 2),
        "loop_peak_mib": loops[0]["peak_mib"],
        "profile_first_run": first["profile"],
    }


def replay(configs_path: str, data_path: str, methods: str, classifier: str) -> dict:
    """The hand-written loop: Optuna study, the search's own space, ``evaluate()``, no Ray."""
    import optuna

    from evaluation import EvaluationConfig, MemoryArtifacts, evaluate
    from search.recipe import resampler_params
    from search.space import define_space
    from sedg.datasets import load_table

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    data = load_table(data_path, target="G3")
    space = define_space(methods.split(","), [classifier], n_synthetic=200)
    store = MemoryArtifacts()
    configs = json.loads(Path(configs_path).read_text())
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=0))
    for config in configs:
        study.enqueue_trial(config)
    made, trial_seconds = [], []

    def objective(trial) -> float:
        started = time.perf_counter()
        constants = space(trial)  # first: it makes the suggestions trial.params then holds
        config = {**trial.params, **constants}
        method = config["method"]
        result = evaluate(data, EvaluationConfig(
            classifier=classifier, resampler=method, resampler_params=resampler_params(config, method),
            protocol=PROTOCOL, seed=0), artifacts=store)
        made.append(result.n_synthetic)
        trial_seconds.append(time.perf_counter() - started)
        return result.deltas["delta_qwk"]

    study.optimize(objective, n_trials=len(configs))
    return {"rows_made": int(sum(made)), "trial_sum_s": sum(trial_seconds), "peak_mib": _vm_hwm()}


def _vm_hwm() -> float:
    """This process's own peak resident memory (MiB), from ``/proc`` (``ru_maxrss`` can carry the
    parent's peak across ``fork`` and ``exec``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


if __name__ == "__main__":
    if sys.argv[1:2] == ["loop"]:
        print(json.dumps(replay(*sys.argv[2:6])))
