"""`mlsquiz optimize`: fit the FSRS memory model to the learner's scheduled reviews and keep the parameters."""

import sys


def run(args, context) -> int:
    from ..scheduling import memory
    from ..terminal.progress import progress
    from ..store.memory import current_scheduling, review_histories, studied_card_count
    from ..store.reschedule import save_fit

    collection = context.open_collection()
    try:
        scheduling, warning = current_scheduling(collection.conn)
        if warning:
            print(f"mlsquiz: {warning}", file=sys.stderr)
        fitted_before = scheduling.parameters != memory.DEFAULT_PARAMETERS
        with progress("optimize", studied_card_count(collection.conn)) as bars:
            bars.stage("reading reviews", None)
            histories = review_histories(collection.conn)
            bars.stage("fitting parameters", None)  # one call into the engine: no steps to count
            items = memory.training_items(histories)  # built once: the fit, its figures and calibration share them
            result = memory.fit(histories, scheduling.parameters, items)
            first = None
            if isinstance(result, int):  # too few for all 21: the initial stabilities, as fsrs-rs fits them
                initial = memory.fit_initial(histories, scheduling.parameters, items)
                result, first = (initial, None) if isinstance(initial, memory.Fit) else (result, initial)
        kept = "your current parameters" if fitted_before else "the default parameters"
        from .stats import calibration_lines

        # the current parameters' predictions, replayed once for the calibration table and the plain log loss
        outcomes = memory.review_outcomes(scheduling.parameters, histories)
        evaluation = None if isinstance(result, int) else result.evaluation_before
        print("\n".join(calibration_lines(memory.calibration(scheduling.parameters, histories, outcomes,
                                                              evaluation))))
        if isinstance(result, int):
            print(f"Not enough history to fit yet: {result} of the {memory.MIN_TRAINING_REVIEWS} reviews needed "
                  f"(scheduled reviews of a card on a later day than its previous one); "
                  f"{memory.MIN_TRAINING_REVIEWS - result} more. Below that only the 4 initial stabilities are "
                  f"fitted, and fsrs-rs fits them from no fewer than 8 cards' first reviews on a later day "
                  f"({first} so far, fewer once it sets outliers aside). Keeping {kept}.")
            return 0
        few = (f"Not enough history to fit all 21 parameters yet: {result.reviews} of the "
               f"{memory.MIN_TRAINING_REVIEWS} reviews needed. Fitted only the 4 initial stabilities (w0-w3: the "
               f"stability after a first Again, Hard, Good, Easy), from each card's first review on a later day, as "
               f"fsrs-rs does on little data; the other 17 stay as in {kept}. ") if result.initial_only else ""
        if not result.improved:
            print(few, end="")
            print(f"Fitted to {result.reviews} reviews, but the fit predicts no better than {kept} "
                  f"(log loss {result.log_loss_before:.4f} -> {result.log_loss_after:.4f}, plain mean "
                  f"{memory.mean_log_loss(outcomes):.4f} -> "
                  f"{memory.mean_log_loss(memory.review_outcomes(result.parameters, histories, ordered=False)):.4f}): keeping them.")
            return 0
        plain = (memory.mean_log_loss(outcomes),
                 memory.mean_log_loss(memory.review_outcomes(result.parameters, histories, ordered=False)))
        print(few, end="")
        day = context.today(collection)
        from ..store.backup import backup_before

        backup_before(collection, "optimize", context.now)
        with progress("optimize: recomputing schedules", studied_card_count(collection.conn)) as bars:
            changed = save_fit(collection, result, day, bars)
    finally:
        collection.close()
    print(f"FSRS parameters fitted on {day.isoformat()} to {result.reviews} reviews: log loss "
          f"{result.log_loss_before:.4f} before, {result.log_loss_after:.4f} after "
          f"({changed} card states recomputed); plain mean log loss {plain[0]:.4f} before, {plain[1]:.4f} after "
          f"(the engine's figures weight later reviews more).")
    print("parameters: " + ", ".join(f"{w:.4f}" for w in result.parameters))
    return 0
