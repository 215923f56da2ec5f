"""A trial's row lost from the store (a full disk, a file removed), written again from what Ray
Tune saved of the trial: the row it built, ``row_json`` in its last report."""

from __future__ import annotations

from cluster.ray_internals import tune_result_files
from search.experiment import Experiment
from search.experiment.rows import ROW_KEY, row_of
from search.experiment.store import missing_rows, unreadable_files

__all__ = ["rebuild_rows"]


def rebuild_rows(experiment: Experiment, tuner) -> list[str]:
    """Write again the row of every trial whose row file is unreadable, or missing while its
    evaluations exist; a trial that runs again replaces it with its new row. Returns their ids."""
    lost = {path.stem for path, _ in unreadable_files(experiment.directory, ("results",))}
    lost.update(missing_rows(experiment.directory))
    if not lost:
        return []
    saved = _saved_rows(experiment, tuner)
    rebuilt = sorted(trial for trial in lost if trial in saved)
    for trial in rebuilt:
        experiment.store.write(saved[trial])
    if rebuilt:
        print(f"rebuilt the row of {len(rebuilt)} trial(s) from Ray Tune's saved state: "
              f"{', '.join(rebuilt)}")
    return rebuilt


def _saved_rows(experiment: Experiment, tuner) -> dict[str, dict]:
    """Trial id -> the last row Ray Tune saved for it."""
    try:
        reports = [result.metrics or {} for result in tuner.get_results()]
    except Exception:  # Tune could not load its analysis (a trial cut short): read its files
        reports = tune_result_files(experiment.tune_dir)
    return {report["trial_id"]: row_of(report) for report in reports
            if "trial_id" in report and ROW_KEY in report}
