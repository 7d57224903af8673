package dev.pgreen.extras;

import dev.pgreen.ConnectInfo;
import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.errors.ProgrammingException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A connection that logs every query its cursors execute (psycopg2's
 * {@code LoggingConnection}). Call {@link #initialize} with where to log
 * before using a cursor; override {@link #filter} to rewrite or drop messages.
 */
public class LoggingConnection extends Connection {
    private volatile Consumer<String> sink;

    /**
     * Connects, as {@link Connection#Connection(ConnectInfo)} does; its cursors are {@link LoggingCursor}s.
     *
     * @param info what to connect to
     * @throws dev.pgreen.errors.OperationalException if the connect fails
     */
    public LoggingConnection(ConnectInfo info) {
        super(info);
        setCursorFactory(LoggingCursor::new);
    }

    /**
     * Logs to a {@link System.Logger} at INFO (psycopg2's {@code initialize(logger)}).
     *
     * @param logger where messages go
     */
    public void initialize(System.Logger logger) {
        Objects.requireNonNull(logger, "logger");
        sink = msg -> logger.log(System.Logger.Level.INFO, msg);
    }

    /**
     * Logs each message as one line to an {@link Appendable}, e.g. a file writer or a StringBuilder
     * (psycopg2's {@code initialize(file)}).
     *
     * @param out where messages go; a failure to append raises {@link UncheckedIOException} from the query
     */
    public void initialize(Appendable out) {
        Objects.requireNonNull(out, "out");
        sink = msg -> {
            try {
                out.append(msg).append(System.lineSeparator());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /**
     * Logs through any consumer of lines.
     *
     * @param lines receives each message
     */
    public void initialize(Consumer<String> lines) {
        sink = Objects.requireNonNull(lines, "lines");
    }

    /**
     * Rewrites a message before it is logged (psycopg2's {@code filter(msg, curs)}); the default keeps it.
     *
     * @param msg the query as sent, or the error raised
     * @param cur the cursor that sent it
     * @return the message to log, or null to drop it
     */
    protected String filter(String msg, Cursor cur) {
        return msg;
    }

    /**
     * Filters and logs one message on behalf of a cursor.
     *
     * @param msg the message
     * @param cur the cursor it is about
     * @throws ProgrammingException if no {@code initialize} was called
     */
    public void log(String msg, Cursor cur) {
        Consumer<String> s = sink;
        if (s == null) {
            throw new ProgrammingException(getClass().getSimpleName() + " has not been initialize()d");
        }
        String filtered = filter(msg, cur);
        if (filtered != null) {
            s.accept(filtered);
        }
    }

    void checkInitialized() {
        if (sink == null) {
            throw new ProgrammingException(getClass().getSimpleName() + " has not been initialize()d");
        }
    }
}
