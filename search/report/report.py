"""``sedg-search report``: figures and one HTML page per experiment."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.metrics import IMPROVEMENTS, label_key, minority_labels
from search._defaults import AGGREGATES, DEFAULT_STORAGE_PATH
from search.experiment import Experiment, readable
from search.experiment.display import cell_text, parameters_in_one_column
from search.experiment.query import top_table
from search.experiment.store import OK, STOPPED
from search.report._figures import class_auc_figure, improvement_figure, progress_figure
from sedg import SedgInputError

__all__ = ["group_summary", "write_report"]


def group_summary(rows: pd.DataFrame, metric: str, by: str, agg: str) -> pd.DataFrame:
    """Per value of ``by``: ``agg`` of ``metric`` over the group's finished trials, its standard
    error (``se``: the best trial's for ``max``, else the root mean square of the trials' own),
    the std over trials and their count, best first.

    A group whose every trial ended early (racing, ASHA, the time budget) is not left out: it
    is summarised over those trials' partial means (the splits they ran) and ``partial`` says so.
    """
    se = f"{metric}_se"
    values = rows[[by, metric, "status"]].assign(
        **{metric: pd.to_numeric(rows[metric], errors="coerce"),
           se: pd.to_numeric(rows[se], errors="coerce") if se in rows else np.nan})
    values = values[np.isfinite(values[metric]) & values["status"].isin([OK, STOPPED])]
    finished = values.groupby(by, dropna=False)["status"].transform(lambda status: (status == OK).any())
    values = values[(values["status"] == OK) | ~finished]
    groups = values.groupby(by, dropna=False)
    summary = groups[metric].agg([agg, "std", "count"])
    if agg == "max":
        summary["se"] = values.loc[groups[metric].idxmax().to_numpy(), se].to_numpy()
    else:
        summary["se"] = groups[se].apply(lambda s: float(np.sqrt(np.nanmean(s ** 2))) if s.notna().any()
                                         else np.nan)
    summary["max"] = groups[metric].max()
    summary["partial"] = ~groups["status"].apply(lambda status: (status == OK).any())
    return summary.reset_index().sort_values(agg, ascending=False).reset_index(drop=True)


def _progress(experiment: Experiment, metric: str, mode: str) -> dict[str, pd.Series]:
    """This experiment's best-so-far curve, and those of sibling experiments with the same design
    (same data, methods and classifiers) but another searcher, so TPE and random compare."""
    curves = {}
    own = experiment.settings
    for other in readable(Experiment.every(experiment.storage_path)):
        settings = other.settings
        same = (settings.data, settings.methods, settings.classifiers) == (own.data, own.methods,
                                                                          own.classifiers)
        if other.name != experiment.name and not same:
            continue
        rows = experiment.rows if other.name == experiment.name else other.rows
        if rows.empty or metric not in rows:
            continue
        rows = rows.sort_values("finished_at")
        value = pd.to_numeric(rows[metric], errors="coerce").where(rows["status"] == OK)
        # A stopped trial's partial mean is not a finished value: the best so far carries over it.
        best_so_far = (value.cummax() if mode == "max" else value.cummin()).ffill()
        curves[f"{settings.name} ({settings.searcher})"] = best_so_far.reset_index(drop=True)
    return curves


def write_report(name: str, storage_path: str | Path = DEFAULT_STORAGE_PATH, *, by: str = "method",
                 agg: str = "mean", top: int = 10) -> list[Path]:
    """Write the figures and ``report.html`` into ``<storage>/<name>/report/``; return their paths.

    ``agg="mean"`` (the default) averages each group's trials; ``"max"`` is the papers'
    protocol (the best trial per group), comparable only between equal trial counts.
    """
    if agg not in AGGREGATES:
        raise SedgInputError(f"--agg must be one of {', '.join(AGGREGATES)}, got {agg!r}")
    experiment = Experiment.open(name, storage_path)
    rows = experiment.rows
    if rows.empty or not rows["status"].isin([OK, STOPPED]).any():
        raise SedgInputError(f"experiment {name!r} has no finished trials yet")
    if by not in rows.columns:
        raise SedgInputError(f"unknown dimension {by!r} for experiment {name!r}")
    data = experiment.data()  # checked before anything is written
    out, written = experiment.report_dir, []
    sections = []
    for metric in IMPROVEMENTS:
        summary = group_summary(rows, metric, by, agg)
        if summary.empty:
            continue
        path = improvement_figure(summary, metric, by, agg, out / f"improvement_{metric}.png")
        written.append(path)
        sections.append((metric, path.name, summary))
    labels = data.class_names
    minority = set(minority_labels(data.class_counts))
    columns = {label: f"delta_{label_key(label)}" for label in labels if f"delta_{label_key(label)}" in rows}
    table = pd.DataFrame({label: group_summary(rows, column, by, agg).set_index(by)[agg]
                          for label, column in columns.items()})
    metric, mode = experiment.objective()
    partial = group_summary(rows, metric, by, agg).set_index(by)["partial"]
    table.index = [f"{group} (stopped)" if partial.get(group, False) else str(group) for group in table.index]
    written.append(class_auc_figure(table, minority, agg, out / "class_auc.png"))
    curves = _progress(experiment, metric, mode)
    written.append(progress_figure(curves, metric, out / "progress.png"))
    page = out / "report.html"
    page.write_text(_html(experiment, sections, top_table(experiment, metric, mode, top), by, agg,
                          minority))
    written.append(page)
    experiment.push()
    return written


def _table(frame: pd.DataFrame) -> str:
    """``frame`` as HTML, each value as the command line shows it (:mod:`search.experiment.display`):
    improvements signed, parameters as values, in one column."""
    frame = parameters_in_one_column(frame)
    cells = pd.DataFrame({column: [cell_text(str(column), value) for value in frame[column]]
                          for column in frame.columns})
    return cells.to_html(index=False, na_rep="", border=0, escape=True)


def _html(experiment: Experiment, sections, top: pd.DataFrame, by: str, agg: str, minority) -> str:
    """The page; every value in it escaped (a column or label name may hold markup)."""
    settings = experiment.settings
    counts = experiment.rows["status"].value_counts().to_dict()

    def e(value) -> str:
        return html.escape(str(value), quote=True)

    def listed(values) -> str:
        return e(", ".join(map(str, values)))

    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>sedg-search report: {e(experiment.name)}</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}"
        "table{border-collapse:collapse;font-size:13px}td,th{padding:3px 8px;border-bottom:1px solid #ddd}"
        "img{max-width:100%}</style></head><body>",
        f"<h1>{e(experiment.name)}</h1>",
        f"<p>Data: {e(settings.data or 'embedded synthetic grades')} (target {e(settings.target)}); "
        f"classifiers {listed(settings.classifiers)}; methods {listed(settings.methods)}; "
        f"protocol {e(settings.protocol)}; searcher {e(settings.searcher)}; trials "
        f"{len(experiment.rows)} of {e(settings.num_samples)} ({e(counts)}).</p>",
        f"<h2>Improvement by {e(by)} ({e(agg)} over trials)</h2>",
        "<p><code>se</code>: the standard error of the value shown (the best trial's own for max, "
        "else the root mean square of the trials' standard errors over their splits); "
        "<code>std</code>: the spread between the group's trials.</p>",
    ]
    for metric, image, summary in sections:
        shown = summary.assign(partial=summary["partial"].map({True: "every trial ended early", False: ""}))
        parts += [f"<h3>{e(metric)}</h3>", f"<img src='{e(image)}' alt='{e(metric)} by {e(by)}'>",
                  _table(shown)]
        if summary["partial"].any():
            parts.append("<p>A group whose every trial ended early (racing, ASHA, the time budget) "
                         "shows the mean over the splits its trials ran.</p>")
    parts += ["<h2>Per-class AUC improvement</h2>",
              f"<p>Minority classes (below the median count): {listed(sorted(minority))}</p>",
              "<img src='class_auc.png' alt='class AUC improvement'>",
              "<h2>Search progress</h2><img src='progress.png' alt='best value by trial'>",
              f"<h2>Top configurations by {e(settings.metrics[0])}</h2>",
              f"<p>{e(top.attrs.get('note', ''))}</p>",
              "<p>In-search values are means over the trial's splits (with their standard error). "
              "<code>confirmed_*</code>: the mean on fresh splits the search never used; "
              "<code>optimism_gap_*</code>: in-search − confirmed, what picking the best of many noisy "
              "trials added.</p>",
              _table(top),
              "</body></html>"]
    return "\n".join(parts)
