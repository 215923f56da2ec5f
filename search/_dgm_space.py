"""The search dimensions of ``method=dgm`` (the SEDG paper, Section 3.5)."""

from __future__ import annotations

from search.space import register_space

__all__: list[str] = []


@register_space("dgm")
def dgm_space(trial, options: dict) -> dict:
    model = trial.suggest_categorical("model", ["ae", "vae", "aae", "avae", "caae", "cavae"])
    trial.suggest_int("latent_dim", 4, 16)
    trial.suggest_categorical("hidden_size", [32, 64, 128])
    trial.suggest_int("n_layers", 1, 3)
    trial.suggest_int("epochs", 20, 150)
    trial.suggest_float("learning_rate", 1e-4, 1e-2, log=True)
    if model in ("aae", "avae", "caae", "cavae"):
        trial.suggest_float("alpha", 0.05, 0.5)
        trial.suggest_categorical("discriminator_target", ["latent", "sample"])
    trial.suggest_categorical("input", ["noise", "rss", "pass", "pess", "ppss"])
    trial.suggest_categorical("guard", ["heuristic", "validation", "none"])
    return {"n_synthetic": options.get("n_synthetic", 200)}
