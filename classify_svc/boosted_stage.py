"""The gradient-boosted stage: LightGBM multiclass softmax over a few dense features per request.

Its inputs are the linear stage's category scores (from the n-grams and from the sentence
embeddings) plus metadata features, never the hashed text columns themselves (LightGBM over 2^18
sparse columns takes minutes to set up and seconds per round). The softmax it learns from
out-of-fold scores, temperature-scaled (``classify_svc.calibration``), is the classifier's
probability.
"""

from __future__ import annotations

from typing import Any

import lightgbm
import numpy as np
from numpy.typing import NDArray

from classify_svc.folds import stratified_folds

LEARNING_RATE = 0.05
LEAVES = 7
L2_REGULARISATION = 1.0
MAX_ROUNDS = 500
EARLY_STOPPING_ROUNDS = 20
# Rounds when the training set is too small to hold out a validation part: roughly where
# validation loss bottoms out on larger sets at this learning rate.
SMALL_SET_ROUNDS = 100
VALIDATION_FOLDS = 10
# Early stopping needs every category in the held-out tenth, and enough held-out examples for
# its log-loss to be more than noise when picking a round count.
MIN_VALIDATION_EXAMPLES = 100
# One OpenMP thread: each round grows one small tree per category on a few dozen dense columns,
# too little work per tree to pay for OpenMP's barriers. Measured on the 2-core machine with
# other processes running, two threads made training 3 to 10 times slower than one. Callers run
# other work beside it instead (LightGBM releases the GIL).
BOOSTER_THREADS = 1


def fit_booster(
    inputs: NDArray[np.float32],
    labels: NDArray[np.intp],
    category_count: int,
    *,
    seed: int,
) -> tuple[lightgbm.Booster, dict[str, Any]]:
    """Train the multiclass booster; return it with the parameters and round count it used.

    When a stratified tenth of the examples holds every category and at least
    ``MIN_VALIDATION_EXAMPLES`` examples, it is held out and training stops when its log-loss
    stops improving (which also keeps the softmax calibrated); otherwise ``SMALL_SET_ROUNDS``
    rounds are trained on all the examples.
    """
    per_category = np.bincount(labels, minlength=category_count)
    params: dict[str, Any] = {
        "objective": "multiclass",
        "num_class": category_count,
        "learning_rate": LEARNING_RATE,
        "num_leaves": LEAVES,
        # Small sets need small leaves to split at all; large ones are capped at the default.
        "min_data_in_leaf": int(np.clip(labels.size // (2 * category_count), 2, 20)),
        "lambda_l2": L2_REGULARISATION,
        "num_threads": BOOSTER_THREADS,
        "seed": seed,
        "deterministic": True,
        "force_col_wise": True,
        "verbose": -1,
    }
    can_validate = (
        per_category.min() >= VALIDATION_FOLDS
        and labels.size >= VALIDATION_FOLDS * MIN_VALIDATION_EXAMPLES
    )
    if not can_validate:
        training = lightgbm.Dataset(inputs, labels, params=params)
        booster = lightgbm.train(params, training, num_boost_round=SMALL_SET_ROUNDS)
        return booster, {**params, "rounds": SMALL_SET_ROUNDS, "early_stopping": False}
    fitted, held_out = stratified_folds(labels, VALIDATION_FOLDS, seed)[0]
    training = lightgbm.Dataset(inputs[fitted], labels[fitted], params=params)
    validation = training.create_valid(inputs[held_out], labels[held_out])
    booster = lightgbm.train(
        params,
        training,
        num_boost_round=MAX_ROUNDS,
        valid_sets=[validation],
        callbacks=[lightgbm.early_stopping(EARLY_STOPPING_ROUNDS, verbose=False)],
    )
    rounds = booster.best_iteration
    # Keep only the rounds up to the best one: smaller file, faster predictions.
    trimmed = lightgbm.Booster(model_str=booster.model_to_string(num_iteration=rounds))
    return trimmed, {**params, "rounds": rounds, "early_stopping": True}
