package dev.pgreen.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records what a class logs through {@code System.Logger} (which goes to
 * java.util.logging when nothing else is installed), until closed.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    private final Level previousLevel;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture(Class<?> source) {
        this.logger = Logger.getLogger(source.getName());
        this.previousLevel = logger.getLevel();
        logger.setLevel(Level.ALL);
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    /** Starts recording the records of {@code source}'s logger, at every level. */
    public static LogCapture of(Class<?> source) {
        return new LogCapture(source);
    }

    /** Whether a record at {@code level} or above has a message containing {@code text}. */
    public boolean has(Level level, String text) {
        return records.stream().anyMatch(r -> r.getLevel().intValue() >= level.intValue()
                && String.valueOf(r.getMessage()).contains(text));
    }

    public List<LogRecord> records() {
        return records;
    }

    public void clear() {
        records.clear();
    }

    @Override
    public void publish(LogRecord r) {
        records.add(r);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previousLevel);
    }
}
