"""The driver imports only what it uses: --help loads no numpy, validating a run's settings and
search space loads no torch, imbalanced-learn, xgboost or Ray (those load in the background
while Ray starts, and in the trials), and reading an experiment loads no scikit-learn either."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.search.conftest import REPO

HEAVY = ("torch", "imblearn", "xgboost", "ray", "optuna")


def _loaded(code: str) -> set[str]:
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, check=True, capture_output=True,
                         text=True)
    return {name.split(".")[0] for name in json.loads(out.stdout.splitlines()[-1])}


def test_help_loads_neither_numpy_nor_pandas_and_run_help_no_torch():
    assert not _loaded("from search.cli import main\nmain(['--help'])") & {"numpy", "pandas", *HEAVY}
    assert not _loaded("from search.cli import main\nmain(['run', '--help'])") & set(HEAVY)


def test_validating_every_method_and_classifier_loads_no_torch_imblearn_xgboost_or_ray():
    loaded = _loaded(
        "from evaluation import METHODS\nfrom evaluation.classifiers import CLASSIFIERS\n"
        "from search.settings import SearchSettings\n"
        "SearchSettings(methods=tuple(METHODS), classifiers=tuple(CLASSIFIERS))")
    assert not loaded & set(HEAVY)


def test_reading_an_experiment_loads_neither_scikit_learn_nor_scipy_nor_ray(tmp_path):
    from tests.search.test_damaged_store import _fabricated

    _fabricated(tmp_path, "read")
    commands = [["best", "read"], ["best", "read", "--by", "method"], ["list"], ["check", "read"]]
    loaded = _loaded("from search.cli import main\n" + "".join(
        f"assert main({[*command, '--storage-path', str(tmp_path)]!r}) == 0\n" for command in commands))
    # best took 2.4 to 2.8 s here with them (scikit-learn and scipy.stats: 1.9 s), 1.0 to 1.3 s without
    assert not loaded & {"sklearn", "scipy", *HEAVY}, loaded & {"sklearn", "scipy", *HEAVY}


def test_the_lazy_names_still_build_every_sampler_and_classifier():
    loaded = _loaded(
        "from evaluation import METHODS\nfrom evaluation.classifiers import CLASSIFIERS, make_classifier\n"
        "from evaluation.methods import make_resampler\nfrom sedg.datasets import make_grades\n"
        "from sedg.synthesis import EMBEDDINGS, SEDGSampler\nfrom sedg.dgm import INPUTS, DGMSampler\n"
        "data = make_grades(n_samples=60, seed=0)\n"
        "built = [type(make_resampler(m, random_state=0)).__name__ for m in METHODS]\n"
        "classifiers = [make_classifier(c, data) for c in CLASSIFIERS]\n"
        "assert 'SEDGSampler' in built and 'DGMSampler' in built and 'GMCSMOTE' in built, built\n"
        "assert EMBEDDINGS == ('nnmodel', 'ae', 'vae') and INPUTS[0] == 'noise'")
    assert {"torch", "imblearn", "xgboost"} <= loaded


def test_a_trial_loads_torch_only_for_configurations_that_use_it_with_its_thread_share():
    assert "torch" not in _loaded("import search.tune.trainable")
    # The trial's limit (evaluate(n_jobs=share)) holds torch even when torch is imported
    # inside it: every torch fit sets its threads from the enclosing limit.
    code = ("import search.tune.trainable\nfrom sedg.threads import limited_threads\n"
            "with limited_threads(1):\n    import torch\n    torch.set_num_threads(2)\n"
            "    with limited_threads(None):\n"
            "        assert torch.get_num_threads() == 1, torch.get_num_threads()\n"
            "assert torch.get_num_threads() == 2")
    assert "torch" in _loaded(code)
