"""The one training loop of sedg's torch models (NNModel, the SEDG embeddings, the generators).

Each caller supplies what differs — how an epoch is batched, what one step
does, how the held-out loss is measured — and gets the same epoch loop:
train mode for the steps, eval mode after them, early stopping on the
held-out loss (best weights restored) or on a caller's own stopping rule, with
torch's threads held to the caller's share (:func:`sedg.threads.limited_threads`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch import nn

from sedg.threads import limited_threads

__all__ = ["batch_rows", "epochs_within", "kl_divergence", "train_epochs"]

#: Batches per epoch the automatic batch size aims at.
BATCHES_PER_EPOCH = 100


def batch_rows(n_rows: int, smallest: int) -> int:
    """The automatic batch size: about ``BATCHES_PER_EPOCH`` batches per epoch, a power of
    two, never fewer than ``smallest`` rows (the fixed size small tables are trained with),
    so an epoch's steps stop growing with the table.

    Examples
    --------
    >>> batch_rows(400, 64), batch_rows(60_000, 64), batch_rows(600_000, 128)
    (64, 512, 8192)
    """
    wanted = 2 ** int(round(math.log2(max(n_rows / BATCHES_PER_EPOCH, 1.0))))
    return max(int(smallest), wanted)


def epochs_within(max_epochs: int, max_steps: int | None, steps_per_epoch: int) -> int:
    """The epochs a step budget holds: ``max_epochs`` cut to ``max_steps // steps_per_epoch``
    (at least one); ``max_steps`` None leaves it.

    Examples
    --------
    >>> epochs_within(100, 500, 118), epochs_within(100, 500, 4), epochs_within(100, None, 9)
    (4, 100, 100)
    """
    if max_steps is None:
        return max_epochs
    return max(1, min(max_epochs, max_steps // steps_per_epoch))


def kl_divergence(mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """KL(N(mean, exp(log_var)) || N(0, I)), summed over latent units, averaged over rows."""
    return -0.5 * torch.mean(torch.sum(1 + log_var - mean**2 - log_var.exp(), dim=1))


def train_epochs(
    network: nn.Module,
    *,
    max_epochs: int,
    batches: Callable[[], Iterable[Any]],
    step: Callable[[Any], None],
    validation_loss: Callable[[], float] | None = None,
    patience: int = 10,
    min_delta: float = 0.0,
    on_validation: Callable[[float], None] | None = None,
    should_stop: Callable[[int], bool] | None = None,
    n_jobs: int | None = None,
) -> int:
    """Train ``network`` for up to ``max_epochs``; return the last epoch run.

    Parameters
    ----------
    batches : callable
        Called once per epoch; yields what ``step`` takes.
    step : callable
        One optimisation step on a batch (zero_grad, loss, backward, step).
    validation_loss : callable, optional
        The held-out loss, measured after each epoch in eval mode. Training
        stops after ``patience`` epochs without an improvement of more than
        ``min_delta``, and the best weights are restored.
    on_validation : callable, optional
        Called with each held-out loss (a learning-rate scheduler's ``step``).
    should_stop : callable, optional
        ``should_stop(epoch)`` after each epoch, when there is no held-out loss.
    n_jobs : int, optional
        Torch's threads while training (see :func:`sedg.threads.resolve_n_jobs`): by
        default the enclosing limit, or every CPU the process may use.

    Examples
    --------
    >>> import torch
    >>> network = torch.nn.Linear(1, 1)
    >>> optimiser = torch.optim.SGD(network.parameters(), lr=0.1)
    >>> def step(batch):
    ...     optimiser.zero_grad()
    ...     ((network(batch) - 2 * batch) ** 2).mean().backward()
    ...     optimiser.step()
    >>> train_epochs(network, max_epochs=3, batches=lambda: [torch.ones(4, 1)], step=step)
    3
    """
    with limited_threads(n_jobs):
        epoch, best_state = _run_epochs(network, max_epochs, batches, step, validation_loss,
                                        patience, min_delta, on_validation, should_stop)
    if best_state is not None:
        network.load_state_dict(best_state)
    network.eval()
    return epoch


def _run_epochs(network, max_epochs, batches, step, validation_loss, patience, min_delta,
                on_validation, should_stop):
    best, best_state, stale, epoch = math.inf, None, 0, 0
    for epoch in range(1, max_epochs + 1):  # noqa: B007 (returned after the loop)
        network.train()
        for batch in batches():
            step(batch)
        network.eval()
        if validation_loss is not None:
            loss = validation_loss()
            if on_validation is not None:
                on_validation(loss)
            if loss < best - min_delta:
                best, stale = loss, 0
                best_state = {name: value.detach().clone() for name, value in network.state_dict().items()}
            else:
                stale += 1
                if stale >= patience:
                    break
        elif should_stop is not None and should_stop(epoch):
            break
    return epoch, best_state
