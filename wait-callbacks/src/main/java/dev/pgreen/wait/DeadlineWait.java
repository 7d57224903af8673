package dev.pgreen.wait;

import java.time.Duration;
import java.util.Objects;

/**
 * A {@link SelectWait} with a time budget per operation: when an operation
 * waits longer than that, its statement is cancelled on the server (it then
 * fails with {@code QueryCanceledException}) and the connection stays usable,
 * unlike a client-side timeout that would have to drop the connection.
 */
public class DeadlineWait extends SelectWait {
    /** The budget of the no-argument constructor. */
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(60);

    private final Duration budget;

    public DeadlineWait() {
        this(DEFAULT_BUDGET);
    }

    public DeadlineWait(Duration budget) {
        this.budget = Objects.requireNonNull(budget, "budget");
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("the budget must be positive: " + budget);
        }
    }

    public Duration budget() {
        return budget;
    }

    @Override
    protected Duration statementBudget() {
        return budget;
    }
}
