"""The torch modules behind NNModel: feature embeddings and LRND blocks."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["FeatureEmbedding", "LRNDNetwork"]


class FeatureEmbedding(nn.Module):
    """Map each feature to a vector: a table per discrete feature, a linear map per continuous one."""

    def __init__(
        self, discrete: list[int], cardinalities: list[int], continuous: list[int], dim: int
    ) -> None:
        super().__init__()
        self.register_buffer("discrete", torch.tensor(discrete, dtype=torch.long))
        self.register_buffer("continuous", torch.tensor(continuous, dtype=torch.long))
        self.tables = nn.ModuleList(nn.Embedding(count, dim) for count in cardinalities)
        self.register_buffer("limits", torch.tensor(cardinalities, dtype=torch.long) - 1)
        # x_j * weight_j + bias_j for every continuous feature j at once.
        self.weight = nn.Parameter(torch.randn(len(continuous), dim) * 0.1)
        self.bias = nn.Parameter(torch.zeros(len(continuous), dim))
        self.output_size = (len(discrete) + len(continuous)) * dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        parts = []
        if len(self.tables):
            codes = x[:, self.discrete].round().long().clamp(min=0)
            codes = torch.minimum(codes, self.limits)
            parts.extend(table(codes[:, i]) for i, table in enumerate(self.tables))
        if self.continuous.numel():
            values = x[:, self.continuous].unsqueeze(-1)
            parts.append((values * self.weight + self.bias).flatten(1))
        return torch.cat(parts, dim=1)

    def embed_values(self, feature: int, values: torch.Tensor) -> torch.Tensor:
        """phi_i: the embedding of values of one feature (codes or standardised values)."""
        discrete = (self.discrete == feature).nonzero()
        if discrete.numel():
            position = int(discrete[0, 0])
            codes = values.round().long().clamp(min=0, max=int(self.limits[position]))
            return self.tables[position](codes)
        position = int((self.continuous == feature).nonzero()[0, 0])
        return values[:, None] * self.weight[position] + self.bias[position]


class LRNDNetwork(nn.Module):
    """Embeddings, then N blocks of Linear, ReLU, BatchNorm, Dropout, then class logits."""

    def __init__(
        self,
        embedding: FeatureEmbedding,
        hidden_size: int,
        n_blocks: int,
        dropout: float,
        n_classes: int,
    ) -> None:
        super().__init__()
        self.embedding = embedding
        blocks, width = [], embedding.output_size
        for _ in range(n_blocks):
            blocks += [
                nn.Linear(width, hidden_size),
                nn.ReLU(),
                nn.BatchNorm1d(hidden_size),
                nn.Dropout(dropout),
            ]
            width = hidden_size
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Linear(width, n_classes)

    def hidden(self, x: torch.Tensor) -> torch.Tensor:
        return self.blocks(self.embedding(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.hidden(x))
