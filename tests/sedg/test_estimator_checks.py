"""scikit-learn's and imbalanced-learn's estimator checks, with the ones that cannot apply named
and explained."""

from __future__ import annotations

from imblearn.utils.estimator_checks import parametrize_with_checks as sampler_checks
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks as estimator_checks

from evaluation._wrappers import BLRRClassifier, LabelSetClassifier
from sedg import GMCSMOTE, DGMSampler, MemoryArtifacts, NNModel, SEDGSampler
from sedg.ctgan import CTGANSampler
from sedg.forest_diffusion import ForestDiffusionSampler

DENSE_ONLY = {
    # Candidates, embeddings and networks work on dense rows; sparse input is refused clearly.
    "check_samplers_pandas_sparse": "dense input only",
}
EXPECTED = {
    "SEDGSampler": DENSE_ONLY,
    "DGMSampler": DENSE_ONLY,
    "CTGANSampler": DENSE_ONLY,
    "ForestDiffusionSampler": DENSE_ONLY,
    "GMCSMOTE": {
        # These checks expect every class balanced to the majority ('auto' strategy);
        # GMCSMOTE shapes counts as a bell around the mode on purpose and has no sampling_strategy.
        "check_samplers_fit_resample": "bell-shaped targets, not balanced ones",
        "check_samplers_sampling_strategy_fit_resample": "no sampling_strategy parameter",
    },
}


@sampler_checks(
    [SEDGSampler(feature_modification="pca_cosine", n_synthetic=20, random_state=0),
     GMCSMOTE(random_state=0),
     DGMSampler(model="vae", epochs=3, n_synthetic=20, device="cpu", random_state=0),
     # A store of fitted synthesizers for each (clones share it): the checks fit one data set
     # many times, and ctgan's per-column mixture fits cost seconds each time.
     CTGANSampler(model="ctgan", epochs=2, hidden_size=16, embedding_dim=8, n_synthetic=20,
                  memory=MemoryArtifacts(), device="cpu", random_state=0),
     CTGANSampler(model="tvae", epochs=60, hidden_size=32, embedding_dim=8, n_synthetic=20,
                  memory=MemoryArtifacts(), device="cpu", random_state=0),
     ForestDiffusionSampler(n_t=3, n_estimators=3, max_depth=2, max_rows=300, n_synthetic=20,
                            random_state=0)],
    expected_failed_checks=lambda estimator: EXPECTED.get(type(estimator).__name__, {}),
)
def test_imblearn_sampler_checks(estimator, check):
    check(estimator)


CLASSIFIER_EXPECTED = {
    "NNModel": {
        # Minibatches and the held-out early-stopping split draw rows: a row of weight 2 is not
        # a row seen twice (the check's equivalence holds for deterministic full-batch fits).
        "check_sample_weight_equivalence_on_dense_data": "stochastic minibatches draw rows, not weight",
    },
    "BLRRClassifier": {
        # predict rounds the predictive mean to the nearest grade (the regression's answer);
        # the open-ended outer grades can hold more predictive mass than the nearest one.
        "check_classifiers_train": "predict is the nearest grade, not always predict_proba's mode",
    },
}


@estimator_checks(
    [NNModel(max_epochs=3, device="cpu", random_state=0),
     BLRRClassifier(),
     LabelSetClassifier(DecisionTreeClassifier(random_state=0))],
    expected_failed_checks=lambda estimator: CLASSIFIER_EXPECTED.get(type(estimator).__name__, {}),
)
def test_sklearn_classifier_checks(estimator, check):
    check(estimator)
