"""Training the six generators, with the over-fitting guards."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from sedg.dgm._choices import ADVERSARIAL_MODELS, DISCRIMINATOR_TARGETS, GUARDS, MODELS
from sedg.dgm._networks import Discriminator, Generator
from sedg.nn import MixedCodec, epochs_within, train_epochs

__all__ = [
    "ADVERSARIAL_MODELS", "DISCRIMINATOR_TARGETS", "GUARDS", "MODELS", "FittedGenerator",
    "copies_fraction", "train_generator",
]



@dataclass
class FittedGenerator:
    """A trained generator with what it needs to encode and decode rows (kept on the CPU)."""

    codec: MixedCodec
    network: Generator
    classes: np.ndarray
    conditional: bool
    stopped_epoch: int


def copies_fraction(generated: np.ndarray, sources: np.ndarray, codec: MixedCodec,
                    share: float = 0.8) -> float:
    """Share of generated rows that repeat at least ``share`` of their source's feature values.

    Discrete values count when equal, continuous ones when within 5 % of the feature's range.
    """
    same = np.zeros(generated.shape, dtype=bool)
    same[:, codec.discrete] = generated[:, codec.discrete] == sources[:, codec.discrete]
    span = np.maximum(codec.high - codec.low, 1e-12)
    close = np.abs(generated[:, codec.continuous] - sources[:, codec.continuous]) <= 0.05 * span
    same[:, codec.continuous] = close
    return float(np.mean(same.mean(axis=1) >= share))


def _activate(output: torch.Tensor, codec: MixedCodec) -> torch.Tensor:
    """Network output in the input's form (softmax per discrete block), for a sample discriminator."""
    parts = [torch.softmax(output[:, int(codec.offsets[i]): int(codec.offsets[i + 1])], dim=1)
             for i in range(len(codec.discrete))]
    parts.append(output[:, int(codec.offsets[-1]):])
    return torch.cat(parts, dim=1)


def train_generator(
    X: np.ndarray, y: np.ndarray, *, model: str, discrete, latent_dim: int, hidden_size: int,
    n_layers: int, epochs: int, learning_rate: float, alpha: float, discriminator_target: str,
    guard: str, device: torch.device, random_state: int, batch_size: int = 128,
    max_steps: int | None = None,
) -> FittedGenerator:
    """Train ``model`` on the training rows; stop at ``epochs`` or when ``guard`` says so.

    Adversarial models minimise ``(1 - alpha) * reconstruction + alpha * adversarial``;
    their discriminator judges latent codes against the N(0, I) prior
    (``discriminator_target="latent"``) or generated rows against real ones
    (``"sample"``). ``guard="heuristic"`` is the paper's rule (every 5 epochs,
    stop once at least 50 % of reconstructed rows share at least 80 % of their
    source's values); ``"validation"`` stops when the loss on 10 % held-out rows
    has not improved for 10 epochs (best weights kept); ``"none"`` runs all epochs.
    ``max_steps`` caps the optimisation steps: the epochs are cut to those that fit in it.
    """
    variational, adversarial, conditional = MODELS[model]
    classes = np.unique(y)
    codec = MixedCodec(X, discrete)
    rng = np.random.default_rng(random_state)
    order = rng.permutation(len(y))
    n_valid = max(1, len(y) // 10) if guard == "validation" and len(y) >= 20 else 0
    train, valid = order[n_valid:], order[:n_valid]
    inputs = torch.as_tensor(codec.encode(X), dtype=torch.float32, device=device)
    labels = torch.as_tensor(np.searchsorted(classes, y), dtype=torch.long, device=device)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(random_state)
        n_classes = len(classes) if conditional else 0
        network = Generator(codec.width, latent_dim, hidden_size, n_layers, variational, n_classes).to(device)
        critic_width = latent_dim if discriminator_target == "latent" else codec.width
        critic = Discriminator(critic_width, hidden_size, n_classes).to(device) if adversarial else None
        # foreach: one multi-tensor update per step, the same numbers as the per-tensor loop
        optimiser = torch.optim.Adam(network.parameters(), lr=learning_rate, foreach=True)
        critic_optimiser = (torch.optim.Adam(critic.parameters(), lr=learning_rate, foreach=True)
                            if critic else None)
        bce = nn.functional.binary_cross_entropy_with_logits

        def step(batch: torch.Tensor) -> None:
            x, c = inputs[batch], labels[batch]
            z, kl = network.encode(x)
            output = network.decode(z, c)
            loss = codec.loss(output, x) + 0.1 * kl
            if critic is not None:
                fake = z if discriminator_target == "latent" else _activate(output, codec)
                real = torch.randn_like(z) if discriminator_target == "latent" else x
                critic_optimiser.zero_grad()
                critic_loss = bce(critic(real, c), torch.ones(len(batch), device=device)) + bce(
                    critic(fake.detach(), c), torch.zeros(len(batch), device=device))
                critic_loss.backward()
                critic_optimiser.step()
                fooled = bce(critic(fake, c), torch.ones(len(batch), device=device))
                loss = (1 - alpha) * loss + alpha * fooled
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()

        def validation_loss() -> float:
            with torch.no_grad():
                x, c = inputs[valid], labels[valid]
                z, _ = network.encode(x, sample=False)
                return float(codec.loss(network.decode(z, c), x))

        def copies_too_many(epoch: int) -> bool:  # the paper's heuristic, every 5 epochs
            if epoch % 5:
                return False
            rows = train[:500]
            with torch.no_grad():
                z, _ = network.encode(inputs[rows], sample=False)
                output = network.decode(z, labels[rows]).cpu().numpy()
            return copies_fraction(codec.decode_logits(output), X[rows], codec) >= 0.5

        epochs = epochs_within(epochs, max_steps, math.ceil(train.size / batch_size))
        stopped = train_epochs(
            network, max_epochs=epochs, step=step,
            batches=lambda: torch.as_tensor(rng.permutation(train)).split(batch_size),
            validation_loss=validation_loss if guard == "validation" and n_valid else None,
            patience=10, min_delta=1e-5,
            should_stop=copies_too_many if guard == "heuristic" else None,
        )
    network.eval()
    return FittedGenerator(codec, network.cpu(), classes, conditional, stopped)
