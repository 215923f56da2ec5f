"""imbalanced-learn's sampler checks, with the ones that cannot apply named and explained."""

from __future__ import annotations

from imblearn.utils.estimator_checks import parametrize_with_checks

from sedg import GMCSMOTE, SEDGSampler

EXPECTED = {
    "SEDGSampler": {
        # Candidates and embeddings work on dense rows; sparse input is refused with a clear error.
        "check_samplers_pandas_sparse": "dense input only",
    },
    "GMCSMOTE": {
        # These checks expect every class balanced to the majority ('auto' strategy);
        # GMCSMOTE shapes counts as a bell around the mode on purpose and has no sampling_strategy.
        "check_samplers_fit_resample": "bell-shaped targets, not balanced ones",
        "check_samplers_sampling_strategy_fit_resample": "no sampling_strategy parameter",
    },
}


@parametrize_with_checks(
    [SEDGSampler(feature_modification="pca_cosine", n_synthetic=20, random_state=0),
     GMCSMOTE(random_state=0)],
    expected_failed_checks=lambda estimator: EXPECTED[type(estimator).__name__],
)
def test_imblearn_sampler_checks(estimator, check):
    check(estimator)
