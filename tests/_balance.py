"""The order test files are handed to pytest-xdist's workers in, so that both finish together.

``--dist loadfile`` gives whole files to the workers: the first quarter of them round-robin in
collection order, the rest one at a time to whichever worker runs short. In plain collection
order the longest files met by chance: one worker ran 80 s alone at the end of a 720 s suite.
:func:`balanced` splits the long files (seconds measured by ``.ci/run`` on a fresh clone on a
machine like CI's, two workers) between the workers longest first, so each worker's share of the
round-robin batch is one bin of a longest-first partition; the short files follow.

Re-measure with ``pytest --durations=0`` when a file's time changes by much; a file not listed
counts as short, and a wrong number costs balance, never a test.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Seconds a file's tests take (fixtures included), for files of 8 s or more.
SECONDS = {
    "tests/cluster/test_local_cluster.py": 275,
    "tests/test_readme.py": 160,
    "tests/cluster/test_no_shared_disk.py": 130,
    "tests/search/test_end_to_end.py": 74,
    "tests/search/test_extend.py": 81,
    "tests/search/test_confirm.py": 41,
    "tests/search/test_resume.py": 44,
    "tests/search/test_reports.py": 47,
    "tests/search/test_sedg_space.py": 46,
    "tests/search/test_damaged_store.py": 35,
    "tests/evaluation/test_protocol.py": 54,
    "tests/search/test_tune_classifier.py": 23,
    "tests/search/test_interrupt.py": 30,
    "tests/search/test_trustworthy.py": 16,
    "tests/sedg/test_portable_rows.py": 34,
    "tests/search/test_dgm_search.py": 29,
    "tests/search/test_schedulers.py": 13,
    "tests/evaluation/test_pinned_behaviour.py": 25,
    "tests/search/test_imports.py": 21,
    "tests/search/test_cli_errors.py": 18,
    "tests/search/test_export.py": 28,
    "tests/search/test_export_targets.py": 13,
    "tests/evaluation/test_paper_fidelity.py": 14,
    "tests/sedg/test_properties.py": 8,
    "tests/search/test_distinct.py": 9,
    "tests/search/test_object_store.py": 120,
    "tests/search/test_generator_methods.py": 28,
    "tests/evaluation/test_resamplers.py": 103,
    "tests/sedg/test_estimator_checks.py": 45,
    "tests/evaluation/test_nominal.py": 15,
    "tests/evaluation/test_pipeline.py": 9,
    "tests/search/test_export_mlflow.py": 8,
    "tests/sedg/test_generators.py": 34,
}


#: Files that must run on one worker, one after the other: each starts a Ray cluster of three
#: nodes, and two at once on two cores starved one cluster's job agent past a minute.
TOGETHER = ("tests/cluster/test_local_cluster.py", "tests/cluster/test_no_shared_disk.py")


def balanced(files: Sequence[str], workers: int) -> list[str]:
    """``files`` reordered for ``workers`` workers: the long ones split longest first into one
    bin per worker (each to the bin with the least so far; :data:`TOGETHER` as one), each bin
    padded with short files to the longest bin's length, the bins interleaved (the i-th file goes
    to worker i mod ``workers``), then the remaining short files in their order.

    Examples
    --------
    >>> balanced(["a", "tests/test_readme.py", "b", "tests/cluster/test_local_cluster.py",
    ...           "tests/search/test_end_to_end.py"], 2)  # doctest: +NORMALIZE_WHITESPACE
    ['tests/cluster/test_local_cluster.py', 'tests/test_readme.py', 'a',
     'tests/search/test_end_to_end.py', 'b']
    """
    if workers < 2:
        return list(files)
    together = [file for file in TOGETHER if file in files]
    units = [together] if together else []  # placed as one
    units += [[file] for file in files if file in SECONDS and file not in together]
    units.sort(key=lambda unit: -sum(SECONDS.get(file, 0) for file in unit))
    short = [file for file in files if file not in SECONDS and file not in together]
    bins: list[list[str]] = [[] for _ in range(workers)]
    loads = [0] * workers
    for unit in units:
        emptiest = loads.index(min(loads))
        bins[emptiest].extend(unit)
        loads[emptiest] += sum(SECONDS.get(file, 0) for file in unit)
    depth = max(len(files_of_bin) for files_of_bin in bins)
    for files_of_bin in bins:
        while len(files_of_bin) < depth and short:
            files_of_bin.append(short.pop(0))
    interleaved = [files_of_bin[i] for i in range(depth) for files_of_bin in bins if i < len(files_of_bin)]
    return interleaved + short
