from __future__ import annotations

import numpy as np

from classify_svc.boosted_stage import MAX_ROUNDS, SMALL_SET_ROUNDS, fit_booster


def _noisy_scores(count: int, categories: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    random = np.random.default_rng(seed)
    labels = np.arange(count) % categories
    inputs = random.normal(size=(count, categories)).astype(np.float32)
    inputs[np.arange(count), labels] += 1.5
    return inputs, labels


def test_a_small_set_trains_a_fixed_number_of_rounds_on_one_thread() -> None:
    inputs, labels = _noisy_scores(60, 3, seed=0)
    booster, config = fit_booster(inputs, labels, 3, seed=0)
    assert config["early_stopping"] is False
    assert config["rounds"] == SMALL_SET_ROUNDS
    assert config["num_threads"] == 1
    assert booster.current_iteration() == SMALL_SET_ROUNDS


def test_a_large_set_stops_early_and_keeps_only_the_useful_rounds() -> None:
    inputs, labels = _noisy_scores(1200, 3, seed=0)
    booster, config = fit_booster(inputs, labels, 3, seed=0)
    assert config["early_stopping"] is True
    assert 0 < config["rounds"] < MAX_ROUNDS
    assert booster.current_iteration() == config["rounds"]
    test_inputs, test_labels = _noisy_scores(600, 3, seed=1)
    probabilities = np.asarray(booster.predict(test_inputs))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1)
    assert (probabilities.argmax(axis=1) == test_labels).mean() > 0.7
