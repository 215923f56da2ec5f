"""Encoder, decoder and discriminator of the six generators; the class condition is an embedding."""

from __future__ import annotations

import torch
from torch import nn

from sedg.nn import kl_divergence

__all__ = ["Discriminator", "Generator"]


def _mlp(width_in: int, hidden: int, layers: int) -> tuple[nn.Sequential, int]:
    blocks, width = [], width_in
    for _ in range(layers):
        blocks += [nn.Linear(width, hidden), nn.LeakyReLU(0.2)]
        width = hidden
    return nn.Sequential(*blocks), width


class Generator(nn.Module):
    """An auto-encoder (``variational``: a VAE); with ``n_classes`` the decoder is conditioned."""

    def __init__(self, width: int, latent: int, hidden: int, layers: int, variational: bool,
                 n_classes: int = 0) -> None:
        super().__init__()
        self.variational, self.latent = variational, latent
        self.encoder, out = _mlp(width, hidden, layers)
        self.mean = nn.Linear(out, latent)
        self.log_var = nn.Linear(out, latent) if variational else None
        self.condition = nn.Embedding(n_classes, latent) if n_classes else None
        decoder, out = _mlp(latent, hidden, layers)
        self.decoder = nn.Sequential(decoder, nn.Linear(out, width))

    def encode(self, x: torch.Tensor, sample: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
        """Latent code (sampled for a VAE when ``sample``) and the KL term."""
        hidden = self.encoder(x)
        mean = self.mean(hidden)
        if not self.variational:
            return mean, torch.zeros((), device=x.device)
        log_var = self.log_var(hidden).clamp(-10, 10)
        kl = kl_divergence(mean, log_var)
        z = mean + torch.randn_like(mean) * torch.exp(0.5 * log_var) if sample else mean
        return z, kl

    def decode(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if self.condition is not None and labels is not None:
            z = z + self.condition(labels)
        return self.decoder(z)


class Discriminator(nn.Module):
    """Real or generated, judged on samples or on latent codes; conditioned on the class if given."""

    def __init__(self, width: int, hidden: int, n_classes: int = 0) -> None:
        super().__init__()
        self.condition = nn.Embedding(n_classes, width) if n_classes else None
        body, out = _mlp(width, hidden, 2)
        self.net = nn.Sequential(body, nn.Linear(out, 1))

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if self.condition is not None and labels is not None:
            x = x + self.condition(labels)
        return self.net(x).squeeze(-1)
