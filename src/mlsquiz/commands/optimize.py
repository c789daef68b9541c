"""`mlsquiz optimize`: fit the FSRS memory model to the learner's scheduled reviews and keep the parameters."""

import sys


def run(args, context) -> int:
    from ..runtime.gc_pause import collector_paused

    with collector_paused():  # the log's 100,000 items and predictions: no cycles for the collector to find
        return _optimize(args, context)


def _optimize(args, context) -> int:
    from ..runtime.lifetime import keep_until_exit
    from ..scheduling import memory
    from ..scheduling.training_log import predictions, read_training_log
    from ..terminal.progress import progress
    from ..store.memory import current_scheduling, studied_card_count, training_rows
    from ..store.reschedule import save_fit

    collection = context.open_collection()
    try:
        scheduling, warning = current_scheduling(collection.conn)
        if warning:
            print(f"mlsquiz: {warning}", file=sys.stderr)
        fitted_before = scheduling.parameters != memory.DEFAULT_PARAMETERS
        with progress("optimize", studied_card_count(collection.conn)) as bars:
            bars.stage("reading reviews", None)
            # read once, in the engine's shape: the fit, its figures and calibration share it
            log = read_training_log(training_rows(collection.conn))
            keep_until_exit(log)  # freed by the process's end, at no cost
            bars.stage("fitting parameters", None)  # one call into the engine: no steps to count
            result = memory.fit(None, scheduling.parameters, log.items)
            first = None
            if isinstance(result, int):  # too few for all 21: the initial stabilities, as fsrs-rs fits them
                initial = memory.fit_initial(None, scheduling.parameters, log.items)
                result, first = (initial, None) if isinstance(initial, memory.Fit) else (result, initial)
        kept = "your current parameters" if fitted_before else "the default parameters"
        from .stats import calibration_lines

        figures, plain_before = _calibration(log, scheduling.parameters, result)
        print("\n".join(calibration_lines(figures)))
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
        plain = (plain_before, memory.mean_log_loss(predictions(log, result.parameters, ordered=False)))
        if not result.improved:
            print(few, end="")
            print(f"Fitted to {result.reviews} reviews, but the fit predicts no better than {kept} "
                  f"(log loss {result.log_loss_before:.4f} -> {result.log_loss_after:.4f}, plain mean "
                  f"{plain[0]:.4f} -> {plain[1]:.4f}): keeping them.")
            return 0
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


def _calibration(log, parameters, result) -> tuple[dict | None, float | None]:
    """(memory.calibration's figures for the current parameters, their plain mean log loss), from one replay of the
    log, the fit's evaluation of them if there was a fit, and the mean log loss worked out once for both uses."""
    from ..runtime.lifetime import keep_until_exit
    from ..scheduling import memory
    from ..scheduling.training_log import predictions

    outcomes = predictions(log, parameters)
    keep_until_exit(outcomes)
    if not outcomes:
        return None, None
    evaluation = None if isinstance(result, int) else result.evaluation_before
    if evaluation is None:  # no fit (too little history): the engine's figures of the current parameters
        evaluation = memory.engine(parameters).evaluate(log.items)
    plain = memory.mean_log_loss(outcomes)
    return memory.calibration_figures(outcomes, evaluation, plain), plain
