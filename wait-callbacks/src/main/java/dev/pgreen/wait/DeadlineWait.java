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

    /** A wait with a budget of {@link #DEFAULT_BUDGET} per operation. */
    public DeadlineWait() {
        this(DEFAULT_BUDGET);
    }

    /**
     * A wait with a budget per operation.
     *
     * @param budget how long one operation may wait before its statement is cancelled
     * @throws IllegalArgumentException if {@code budget} is not positive
     */
    public DeadlineWait(Duration budget) {
        this.budget = Objects.requireNonNull(budget, "budget");
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("the budget must be positive: " + budget);
        }
    }

    /**
     * The budget of one operation.
     *
     * @return how long an operation may wait before its statement is cancelled
     */
    public Duration budget() {
        return budget;
    }

    @Override
    protected Duration statementBudget() {
        return budget;
    }
}
