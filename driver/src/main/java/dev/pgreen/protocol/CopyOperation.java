package dev.pgreen.protocol;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.protocol.BackendMessage.*;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A COPY statement fed from an {@link InputStream} (COPY FROM STDIN) or feeding
 * an {@link OutputStream} (COPY TO STDOUT). The operation never touches the
 * streams itself: it runs inside non-blocking steps under the I/O lock, where a
 * slow stream would block every wait. Its caller reads the input and writes the
 * output between waits: {@link #wantsInput()} asks for the next piece once the
 * previous one has been sent, and {@link #takeReceived()} hands over the rows
 * received, at most one socket read's worth at a time, so neither side is ever
 * held in memory whole.
 */
public final class CopyOperation implements Operation {
    private final String sql;
    private final boolean hasInput;
    private final boolean hasOutput;
    private final ArrayDeque<byte[]> received = new ArrayDeque<>();
    private boolean sending;
    private boolean complete;
    /** Between the server's CopyOutResponse and its CopyDone. */
    private boolean copyingOut;
    private PgException error;
    private String commandTag;

    private CopyOperation(String sql, boolean hasInput, boolean hasOutput) {
        this.sql = sql;
        this.hasInput = hasInput;
        this.hasOutput = hasOutput;
    }

    /** A COPY whose input the caller supplies ({@link #supply}, {@link #endInput}, {@link #failInput}). */
    public static CopyOperation from(String sql) {
        return new CopyOperation(sql, true, false);
    }

    /** A COPY whose output the caller takes ({@link #takeReceived()}). */
    public static CopyOperation to(String sql) {
        return new CopyOperation(sql, false, true);
    }

    @Override
    public void start(FrontendEncoder enc) {
        enc.query(sql);
    }

    /** True while the server takes input: the caller supplies the next piece once the last one has been sent. */
    public boolean wantsInput() {
        return sending;
    }

    /** Sends {@code n} bytes of input. */
    public void supply(FrontendEncoder enc, byte[] data, int n) {
        if (sending && n > 0) {
            enc.copyData(data, 0, n);
        }
    }

    /** Ends the input with CopyDone. */
    public void endInput(FrontendEncoder enc) {
        if (sending) {
            sending = false;
            enc.copyDone();
        }
    }

    /** Ends the input with CopyFail: reading it failed on the client. */
    public void failInput(FrontendEncoder enc, Exception cause) {
        if (sending) {
            sending = false;
            if (error == null) {
                error = new OperationalException("error reading the COPY input: " + cause.getMessage(), cause);
            }
            enc.copyFail("error reading the input on the client: " + cause.getClass().getSimpleName());
        }
    }

    /** The CopyData payloads received since the last call, in order; the caller writes them out. */
    public List<byte[]> takeReceived() {
        if (received.isEmpty()) {
            return List.of();
        }
        List<byte[]> taken = new ArrayList<>(received);
        received.clear();
        return taken;
    }

    /** Rows waiting for the caller do not hold it up: it writes them out, then waits for more. */
    @Override
    public boolean blocksCaller() {
        return received.isEmpty();
    }

    @Override
    public boolean handle(BackendMessage m, FrontendEncoder enc) {
        switch (m) {
            case CopyResponse c when c.kind() == 'G' -> {
                if (!hasInput) {
                    refuse(enc, "COPY FROM STDIN needs an input stream: use copyFrom() or copyExpert(sql, InputStream)");
                } else {
                    sending = true;
                }
            }
            case CopyResponse c when c.kind() == 'H' -> {
                if (!hasOutput && error == null) {
                    error = new ProgrammingException(
                            "COPY TO STDOUT needs an output stream: use copyTo() or copyExpert(sql, OutputStream)");
                }
                copyingOut = true;
            }
            case CopyResponse c -> throw new InterfaceException("protocol error: COPY BOTH is only for replication");
            // Only between CopyOutResponse and CopyDone: anywhere else the bytes are not rows of this COPY.
            case CopyData d when copyingOut -> {
                if (hasOutput && error == null) {
                    received.add(d.data());
                }
            }
            case CopyDone d when copyingOut -> copyingOut = false;
            case RowDescription r -> { }
            case DataRow r -> { }
            case CommandComplete c -> commandTag = c.tag();
            case EmptyQueryResponse e -> {
                if (error == null) error = new ProgrammingException("can't execute an empty query");
            }
            case ErrorResponse e -> {
                sending = false;
                if (error == null) error = ServerErrors.toException(e.fields());
            }
            case ReadyForQuery z -> {
                complete = true;
                return true;
            }
            default -> throw new InterfaceException("protocol error: unexpected "
                    + m.getClass().getSimpleName() + " during COPY");
        }
        return false;
    }

    private void refuse(FrontendEncoder enc, String why) {
        if (error == null) error = new ProgrammingException(why);
        enc.copyFail(why);
    }

    /** Whether the server has answered the COPY to the end (ReadyForQuery). */
    public boolean isComplete() {
        return complete;
    }

    /** Rows copied, from the command tag ("COPY n"), or -1. */
    public long rowCount() {
        return QueryResult.rowCount(commandTag);
    }

    public String commandTag() {
        return commandTag;
    }

    @Override
    public PgException error() {
        return error;
    }
}
