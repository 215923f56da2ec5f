"""The shared torch training loop and the mixed-type codec."""

from __future__ import annotations

import numpy as np
import torch

from sedg.nn import MixedCodec, train_epochs


def test_early_stopping_restores_the_best_weights():
    network = torch.nn.Linear(1, 1)
    losses = iter([3.0, 1.0, 2.0, 2.5, 2.7])  # best after epoch 2, then worse twice
    snapshots = []

    def step(batch):
        with torch.no_grad():
            network.weight += 1.0  # every epoch changes the weights
        snapshots.append(network.weight.item())

    epochs = train_epochs(network, max_epochs=5, batches=lambda: [None], step=step,
                          validation_loss=lambda: next(losses), patience=2)
    assert epochs == 4
    assert network.weight.item() == snapshots[1]  # the weights after epoch 2


def test_a_stopping_rule_ends_training():
    network = torch.nn.Linear(1, 1)
    epochs = train_epochs(network, max_epochs=50, batches=lambda: [], step=lambda batch: None,
                          should_stop=lambda epoch: epoch == 7)
    assert epochs == 7 and not network.training


def test_codec_round_trip_and_standardise():
    X = np.array([[0.0, 1.0, 5.0], [2.0, 3.0, 5.0], [1.0, 2.0, 5.0]])
    codec = MixedCodec(X, discrete=[0])
    np.testing.assert_allclose(codec.decode_logits(codec.encode(X)), X)
    scaled = codec.standardise(X)
    np.testing.assert_array_equal(scaled[:, 0], X[:, 0])  # codes stay codes
    np.testing.assert_allclose(scaled[:, 1], [-1.224744871391589, 1.224744871391589, 0.0])
    np.testing.assert_array_equal(scaled[:, 2], 0.0)  # a constant column scales by 1
