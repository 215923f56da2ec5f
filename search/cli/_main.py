"""The ``sedg-search`` command line: run, resume, extend, best, list, confirm, report, explain, export,
predict, check, cluster."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence

from search._defaults import AGGREGATES, DEFAULT_STORAGE_PATH, DISK_ERRORS, MODES, OUTPUT_FORMATS
from search.cli._exits import (
    one_line_store_warnings,
    refuse_repeated_options,
    report_disk_error,
    report_interrupt,
    report_store_error,
)
from search.cli._tables import emit
from search.object_store import StoreUnreachable
from search.tune.interrupt import Interrupted, handling_signals
from sedg import SedgInputError

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> None:
        print(f"sedg-search: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _user_path(text: str) -> str:
    """A path option with ``~`` expanded, as the shell does where it is not quoted or follows ``=``."""
    return os.path.expanduser(text)


def _build_parser(argv: Sequence[str]) -> _Parser:
    parser = _Parser(prog="sedg-search", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = commands.add_parser("run", help="launch a search (default: embedded data, all methods)")
    if "run" in argv:  # its options come from the settings, which import numpy and scikit-learn
        from search._options import cli_options
        from search.settings import SearchSettings

        for _, flag, keywords in cli_options(SearchSettings):  # every option of run is a field
            run.add_argument(flag, default=argparse.SUPPRESS, **keywords)
        run.add_argument("--num-cpus", type=int, help="CPUs of the local Ray instance (default: all)")

    resume = commands.add_parser("resume", help="continue an interrupted search")
    resume.add_argument("name")
    resume.add_argument("--storage-path", type=_user_path, default=DEFAULT_STORAGE_PATH)
    resume.add_argument("--address")
    resume.add_argument("--num-cpus", type=int)

    extend = commands.add_parser(
        "extend", help="add trials to a finished or interrupted search (the searcher goes on)")
    extend.add_argument("name")
    extend.add_argument("--storage-path", type=_user_path, default=DEFAULT_STORAGE_PATH)
    extend.add_argument("--num-samples", type=int, help="trials to add")
    extend.add_argument("--time-budget", type=float, dest="time_budget",
                        help="seconds the added search may take (with or without --num-samples)")
    extend.add_argument("--address")
    extend.add_argument("--num-cpus", type=int)

    best = commands.add_parser("best", help="best configurations of an experiment")
    best.add_argument("name", nargs="?", help="experiment (default: the latest)")
    best.add_argument("--storage-path", type=_user_path, default=DEFAULT_STORAGE_PATH)
    best.add_argument("--metric")
    best.add_argument("--mode", choices=MODES)
    best.add_argument("--by", help="a dimension: method, classifier, k_neighbors, ...")
    best.add_argument("--top", type=int, default=5)
    best.add_argument("--format", choices=OUTPUT_FORMATS, default="table")

    listing = commands.add_parser("list", help="experiments in the storage path")
    listing.add_argument("--storage-path", type=_user_path, default=DEFAULT_STORAGE_PATH)

    report = commands.add_parser("report", help="figures and an HTML page for an experiment")
    report.add_argument("name")
    report.add_argument("--storage-path", type=_user_path, default=DEFAULT_STORAGE_PATH)
    report.add_argument("--by", default="method", help="dimension to group by")
    report.add_argument("--agg", default=AGGREGATES[0],
                        help=f"{', '.join(AGGREGATES)} over trials (max: the papers' protocol; "
                             f"default {AGGREGATES[0]})")

    explain = commands.add_parser("explain", help="which features a generator modified, per class")
    explain.add_argument("name")
    explain.add_argument("--storage-path", type=_user_path, default=DEFAULT_STORAGE_PATH)
    explain.add_argument("--trial-id", help="a sedg or dgm trial (default: the best one)")
    explain.add_argument("--config", help="a JSON configuration instead, e.g. '{\"method\": \"sedg\"}'")

    confirm = commands.add_parser(
        "confirm", help="the search's confirmation on fresh splits, on demand (same splits and seeds)")
    confirm.add_argument("name")
    confirm.add_argument("--storage-path", type=_user_path, default=DEFAULT_STORAGE_PATH)
    confirm.add_argument("--top", type=int, default=3, help="configurations, best first (default 3)")
    confirm.add_argument("--repeats", type=int,
                         help="fresh splits (default: the experiment's --confirm-repeats)")
    confirm.add_argument("--format", choices=OUTPUT_FORMATS, default="table")

    export = commands.add_parser("export", help="fit a configuration on the experiment's data and save it")
    export.add_argument("name")
    export.add_argument("--storage-path", type=_user_path, default=DEFAULT_STORAGE_PATH)
    chosen = export.add_mutually_exclusive_group()
    chosen.add_argument("--rank", type=int, default=1,
                        help="among the confirmed configurations, as 'best' ranks them (default 1)")
    chosen.add_argument("--trial", help="a finished trial's id instead")
    export.add_argument("--output", type=_user_path,
                        help="the .joblib file (default <storage>/<name>/models/<trial>.joblib)")
    export.add_argument("--python", type=_user_path,
                        help="also write a script that rebuilds and fits the configuration")
    export.add_argument("--overwrite", action="store_true",
                        help="replace existing files that export did not write")
    export.add_argument("--mlflow-tracking-uri",
                        help="also log the model to MLflow (pyfunc), in the search's run when it "
                             "tracked there; needs pip install 'sedg-search[tracking]'")
    export.add_argument("--register", metavar="MODEL",
                        help="with --mlflow-tracking-uri: add it to the registry as a version of MODEL")

    check = commands.add_parser("check", help="list an experiment's damaged files and what resume does")
    check.add_argument("name")
    check.add_argument("--storage-path", type=_user_path, default=DEFAULT_STORAGE_PATH)

    predict = commands.add_parser("predict", help="predict a table with an exported model")
    predict.add_argument("model", type=_user_path,
                         help="a .joblib file written by export, or its s3:// or gs:// URI "
                              "(it runs code: yours only)")
    predict.add_argument("--data", type=_user_path, required=True,
                         help="CSV or Parquet file with the data's columns (a path or a URI)")
    predict.add_argument("--output", type=_user_path,
                         help=".csv or .parquet (default: CSV on standard output)")
    predict.add_argument("--proba", action="store_true", help="one probability column per class")
    predict.add_argument("--overwrite", action="store_true", help="replace an existing --output file")

    cluster = commands.add_parser("cluster", help="a local multi-node Ray cluster; Ray Jobs")
    actions = cluster.add_subparsers(dest="action", required=True, parser_class=_Parser)
    up = actions.add_parser("up", help="start a head and N workers on this machine")
    up.add_argument("--workers", type=int, default=2)
    up.add_argument("--cpus-per-node", type=float, default=1.0)
    up.add_argument("--gpus-per-node", type=float, default=0.0, help="GPUs each node declares")
    up.add_argument("--port", type=int, default=26379, help="GCS port (+1 client server, +2 dashboard)")
    up.add_argument("--host", default="127.0.0.1",
                    help="address to bind and advertise (default loopback only; see README)")
    for name in ("down", "status"):
        actions.add_parser(name, help=f"{name} the local cluster")
    submit = actions.add_parser("submit", help="run a search as a Ray Job: submit -- <run arguments>")
    submit.add_argument("--address", help="dashboard URL, or a 'cluster up' address (default: that one)")
    submit.add_argument("arguments", nargs=argparse.REMAINDER)
    for sub in (up, submit, *(actions.choices[name] for name in ("down", "status"))):
        sub.add_argument("--state-dir", type=_user_path,
                         help="where 'cluster up' keeps its state (default ~/.sedg-search/cluster)")
    return parser


def _report(args) -> int:
    from search.confirmation import confirm
    from search.report import explain, write_report

    if args.command == "confirm":
        frame = confirm(args.name, args.storage_path, top=args.top, repeats=args.repeats)
        emit(frame, args.format, f"{args.name}: confirmed on fresh splits")
        return 0
    if args.command == "report":
        paths = write_report(args.name, args.storage_path, by=args.by, agg=args.agg)
    else:
        try:
            config = json.loads(args.config) if args.config else None
        except json.JSONDecodeError as error:
            raise SedgInputError(f"--config is not valid JSON: {error}") from None
        paths = explain(args.name, args.storage_path, trial_id=args.trial_id, config=config)
    for path in paths:
        print(path)
    return 0


def _export(args) -> int:
    from search._targets import removed_on_failure, write_errors_said
    from search.export import (
        chosen_trial,
        default_model_path,
        exported,
        model_target,
        reliability_note,
        script_target,
        script_text,
    )
    from sedg.files import atomic_write_text

    # Every target checked and the script made before the model is fitted: a refusal or a
    # value the script cannot hold leaves nothing behind.
    script = None if args.python is None else script_target(args.python, overwrite=args.overwrite)
    trial = args.trial or chosen_trial(args.name, args.storage_path, args.rank)
    output = args.output if args.output is not None else default_model_path(
        args.name, args.storage_path, trial)
    output = model_target(output, overwrite=args.overwrite, create_folder=args.output is None)
    text = None if script is None else script_text(args.name, args.storage_path, args.rank,
                                                   trial_id=args.trial)
    written = [output, output.with_suffix(".json"), *([script] if script else [])]
    with removed_on_failure(written):
        _, logged = exported(args.name, args.storage_path, args.rank, output, trial_id=args.trial,
                             create_folder=args.output is None, overwrite=args.overwrite,
                             mlflow_tracking_uri=args.mlflow_tracking_uri, register=args.register)
        if script is not None:
            with write_errors_said("--python"):
                atomic_write_text(script, text)
    print(f"model: {output}\ndescription: {output.with_suffix('.json')}")
    if script is not None:
        print(f"script: {script}")
    for line in logged.lines() if logged is not None else ():
        print(line)
    note = reliability_note(args.name, args.storage_path, trial)
    if note is not None:
        print(note)
    return 0


def _predict(args) -> int:
    from search._targets import check_target
    from search.export import load_model, predict_table, write_table
    from sedg.datasets import read_frame

    output = None if args.output is None else check_target(
        args.output, "--output", suffixes=(".csv", ".parquet"), overwrite=args.overwrite)
    model = load_model(args.model)
    from search.object_store import fetched, is_uri

    data = fetched(args.data) if is_uri(args.data) else args.data
    table = predict_table(model, read_frame(data), proba=args.proba)
    if output is None:
        print(table.to_csv(index=False), end="")
    else:
        print(write_table(table, output))
    return 0


def _cluster(args) -> int:
    from pathlib import Path

    from cluster import cluster_down, cluster_status, cluster_up, submit_search

    state_dir = Path(args.state_dir) if args.state_dir else None
    if state_dir is not None:
        import os

        os.environ["SEDG_CLUSTER_DIR"] = str(state_dir)
    if args.action == "up":
        state = cluster_up(workers=args.workers, cpus_per_node=args.cpus_per_node,
                           gpus_per_node=args.gpus_per_node, port=args.port, host=args.host,
                           state_dir=state_dir)
        print(f"cluster up: {len(state.nodes)} nodes; dashboard {state.dashboard_url}")
        print(f"address: {state.address}   (sedg-search run --address {state.address})")
    elif args.action == "down":
        print("cluster stopped" if cluster_down(state_dir) else "no cluster was running")
    elif args.action == "status":
        status = cluster_status(state_dir)
        print(f"address {status['address']}, dashboard {status['dashboard']}")
        for node in status["nodes"]:
            print(f"  {node['node_id'][:12]}  {'alive' if node['alive'] else 'dead '}  "
                  f"{node['address']}  CPU {node['cpus']:g}  GPU {node['gpus']:g}")
    else:
        arguments = args.arguments[1:] if args.arguments[:1] == ["--"] else args.arguments
        _, status = submit_search(_absolute_storage(arguments), args.address)
        return 0 if status == "SUCCEEDED" else 1
    return 0


def _absolute_storage(arguments: list[str]) -> list[str]:
    """A job's ``run`` arguments with ``--storage-path`` absolute (given as ``--storage-path X``
    or ``--storage-path=X``, or the default): a relative one would land in the job's directory."""
    from pathlib import Path

    from search.object_store import is_uri

    refuse_repeated_options(arguments)
    storage = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    storage.add_argument("--storage-path", type=_user_path, default=DEFAULT_STORAGE_PATH)
    known, rest = storage.parse_known_args(arguments)
    if is_uri(known.storage_path):  # object storage: the same for every machine
        return [*rest, "--storage-path", known.storage_path]
    return [*rest, "--storage-path", str(Path(known.storage_path).expanduser().resolve())]


def _run(args) -> None:
    from search._options import cli_options
    from search.experiment.query import best
    from search.settings import SearchSettings
    from search.tune.runner import run

    given = {name: getattr(args, name) for name, _, _ in cli_options(SearchSettings) if hasattr(args, name)}
    settings = SearchSettings(**given)  # defaults, choices and checks: the dataclass's
    args.experiment = (settings.name, settings.storage_path)  # what an interrupt's line names
    frame = run(settings, num_cpus=args.num_cpus, started=args.started)
    name, storage = settings.name, settings.storage_path
    counts = frame["status"].value_counts().to_dict() if len(frame) else {}
    print(f"experiment {name}: {len(frame)} trials {counts}; results in {storage}/{name}/results")
    emit(best(name, storage, by="method", top=100), "table", f"{name}: improvement per method")
    emit(best(name, storage, top=5), "table", f"{name}: top configurations")
    if settings.profile:
        from search.tune.profile import PROFILE_FILE, read_profile

        path = settings.experiment_dir / PROFILE_FILE
        print(f"where the seconds went ({path}):\n{read_profile(path)}")


def _dispatch(args) -> None:
    from search.experiment.query import best, list_experiments

    if args.command == "run":
        _run(args)
    elif args.command == "resume":
        from search.tune.runner import resume  # Ray Tune's machinery: only where a search runs

        frame = resume(args.name, args.storage_path, num_cpus=args.num_cpus, address=args.address)
        print(f"experiment {args.name}: {len(frame)} trials")
    elif args.command == "extend":
        from search.tune.runner import extend

        frame = extend(args.name, args.storage_path, num_samples=args.num_samples,
                       time_budget_s=args.time_budget, num_cpus=args.num_cpus, address=args.address,
                       started=args.started)
        print(f"experiment {args.name}: {len(frame)} trials")
        emit(best(args.name, args.storage_path, top=5), "table", f"{args.name}: top configurations")
    elif args.command == "best":
        frame = best(args.name, args.storage_path, metric=args.metric, by=args.by, top=args.top,
                     mode=args.mode)
        emit(frame, args.format, f"best by {args.metric or 'the objective'}")
    elif args.command == "list":
        emit(list_experiments(args.storage_path), "table", f"experiments in {args.storage_path}")
    elif args.command == "cluster":
        return _cluster(args)
    elif args.command in ("report", "explain", "confirm"):
        return _report(args)
    elif args.command == "export":
        return _export(args)
    elif args.command == "predict":
        return _predict(args)
    elif args.command == "check":
        return _check(args)
    return 0


def _check(args) -> int:
    """0 when the experiment is whole, 1 when something is damaged (each file, and what resume
    does about it)."""
    from search.experiment.check import check_experiment

    problems = check_experiment(args.name, args.storage_path)
    if problems.empty:
        print(f"experiment {args.name}: every file reads")
        return 0
    emit(problems, "table", f"experiment {args.name}: {len(problems)} damaged or missing file(s)")
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``sedg-search``; bad input is one line on stderr and exit code 2, an
    interrupt one line and 130 (SIGINT) or 143 (SIGTERM). A ``--time-budget`` counts from the
    process's start when the arguments are the process's own (``argv`` None), else from now."""
    from search.tune.deadline import command_started

    started = command_started() if argv is None else time.monotonic()
    with handling_signals(), one_line_store_warnings():
        return _main(argv, started)


def _main(argv: Sequence[str] | None, started: float) -> int:
    try:
        argv = sys.argv[1:] if argv is None else list(argv)
        args = _build_parser(argv).parse_args(argv)
        args.started = started
        refuse_repeated_options(argv)
    except SystemExit as exit_:  # --help (0) or a usage error (2, already printed)
        return int(exit_.code or 0)
    except Interrupted as interrupted:
        return report_interrupt(interrupted, None)
    except SedgInputError as error:
        print(f"sedg-search: error: {error}", file=sys.stderr)
        return 2
    if getattr(args, "address", None):
        from cluster.connect import prepare_environment

        prepare_environment(args.address)  # before Ray is imported: token and loopback mode
    try:
        return _dispatch(args)
    except SedgInputError as error:
        print(f"sedg-search: error: {error}", file=sys.stderr)
        return 2
    except Interrupted as interrupted:
        return report_interrupt(interrupted, args)
    except StoreUnreachable as error:
        return report_store_error(error, args)
    except OSError as error:
        if error.errno not in DISK_ERRORS:
            raise
        return report_disk_error(error, args)
