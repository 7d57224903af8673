package dev.pgreen.protocol;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.protocol.BackendMessage.*;

import java.util.ArrayDeque;

/**
 * A command answered with CopyBothResponse (START_REPLICATION): CopyData flows
 * both ways until one side sends CopyDone. It stays in flight for the whole
 * stream; it only holds the caller up while the caller waits for data.
 */
public final class CopyBothStream implements Operation {
    private final String sql;
    private final ArrayDeque<byte[]> received = new ArrayDeque<>();
    private boolean started;
    private boolean waitingForData;
    private boolean ending;
    private boolean serverEnded;
    private PgException error;

    public CopyBothStream(String sql) {
        this.sql = sql;
    }

    @Override
    public void start(FrontendEncoder out) {
        out.query(sql);
    }

    @Override
    public boolean handle(BackendMessage m, FrontendEncoder out) {
        switch (m) {
            case CopyResponse c when c.kind() == 'W' -> started = true;
            case CopyResponse c -> {
                error = new ProgrammingException("expected a replication stream (COPY BOTH), got COPY "
                        + (c.kind() == 'G' ? "FROM STDIN" : "TO STDOUT"));
                if (c.kind() == 'G') out.copyFail("not a replication command");
            }
            case CopyData d -> {
                if (!ending) received.add(d.data());
            }
            case CopyDone d -> {
                serverEnded = true;
                if (!ending) {
                    // The server ended the stream (e.g. end of timeline): answer in kind to finish the COPY.
                    ending = true;
                    out.copyDone();
                }
            }
            case RowDescription r -> { }
            case DataRow r -> { }
            case CommandComplete c -> { }
            case ErrorResponse e -> {
                if (error == null) error = ServerErrors.toException(e.fields());
            }
            case ReadyForQuery z -> {
                started = false;
                return true;
            }
            default -> throw new InterfaceException("protocol error: unexpected "
                    + m.getClass().getSimpleName() + " in a replication stream");
        }
        return false;
    }

    @Override
    public boolean blocksCaller() {
        if (ending || !started) {
            return true;
        }
        return waitingForData && received.isEmpty();
    }

    /** Makes the caller wait until data arrives (true) or only until output is sent (false). */
    public void setWaitingForData(boolean waiting) {
        this.waitingForData = waiting;
    }

    @Override
    public boolean expire() {
        waitingForData = false;
        return true;
    }

    /** Sends CopyDone; the stream then drains to ReadyForQuery. */
    public void end(FrontendEncoder out) {
        if (!ending) {
            ending = true;
            received.clear();
            out.copyDone();
        }
    }

    /** Whether data received before the stream ended is still waiting to be read. */
    public boolean hasReceived() {
        return !received.isEmpty();
    }

    public byte[] next() {
        return received.poll();
    }

    /** Whether the stream is open: CopyBothResponse received and no CopyDone either way yet. */
    public boolean isStreaming() {
        return started && !ending;
    }

    public boolean serverEnded() {
        return serverEnded;
    }

    @Override
    public PgException error() {
        return error;
    }
}
