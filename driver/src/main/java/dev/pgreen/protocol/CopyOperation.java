package dev.pgreen.protocol;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.protocol.BackendMessage.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A COPY statement streaming rows from an {@link InputStream} (COPY FROM STDIN)
 * or to an {@link OutputStream} (COPY TO STDOUT). Input is sent a chunk at a
 * time, as the socket drains, so a large file is never held in memory.
 */
public final class CopyOperation implements Operation {
    private static final int CHUNK = 64 * 1024;

    private final String sql;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] chunk;
    private boolean sending;
    /** Between the server's CopyOutResponse and its CopyDone. */
    private boolean copyingOut;
    private PgException error;
    private String commandTag;

    private CopyOperation(String sql, InputStream in, OutputStream out) {
        this.sql = sql;
        this.in = in;
        this.out = out;
        this.chunk = in == null ? null : new byte[CHUNK];
    }

    public static CopyOperation from(String sql, InputStream in) {
        return new CopyOperation(sql, in, null);
    }

    public static CopyOperation to(String sql, OutputStream out) {
        return new CopyOperation(sql, null, out);
    }

    @Override
    public void start(FrontendEncoder enc) {
        enc.query(sql);
    }

    /** True while it has input to send: the transport then asks it for the next chunk when the socket drained. */
    public boolean wantsToSend() {
        return sending;
    }

    /** Writes the next chunk of input, or CopyDone at its end, or CopyFail when reading it failed. */
    public void produce(FrontendEncoder enc) {
        try {
            int n = in.read(chunk);
            if (n < 0) {
                sending = false;
                enc.copyDone();
            } else if (n > 0) {
                enc.copyData(chunk, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            sending = false;
            error = new OperationalException("error reading the COPY input: " + e.getMessage(), e);
            enc.copyFail("error reading the input on the client: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public boolean handle(BackendMessage m, FrontendEncoder enc) {
        switch (m) {
            case CopyResponse c when c.kind() == 'G' -> {
                if (in == null) {
                    refuse(enc, "COPY FROM STDIN needs an input stream: use copyFrom() or copyExpert(sql, InputStream)");
                } else {
                    sending = true;
                }
            }
            case CopyResponse c when c.kind() == 'H' -> {
                if (out == null && error == null) {
                    error = new ProgrammingException(
                            "COPY TO STDOUT needs an output stream: use copyTo() or copyExpert(sql, OutputStream)");
                }
                copyingOut = true;
            }
            case CopyResponse c -> throw new InterfaceException("protocol error: COPY BOTH is only for replication");
            // Only between CopyOutResponse and CopyDone: anywhere else the bytes are not rows of this COPY.
            case CopyData d when copyingOut -> write(d.data());
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

    private void write(byte[] data) {
        if (out == null || error != null) {
            return;
        }
        try {
            out.write(data);
        } catch (IOException | RuntimeException e) {
            // The server keeps sending until CopyDone; the rows are drained and the failure reported at the end.
            error = new OperationalException("error writing the COPY output: " + e.getMessage(), e);
        }
    }

    /** Rows copied, from the command tag ("COPY n"), or -1. */
    public long rowCount() {
        return new QueryResult(null, java.util.List.of(), commandTag).rowCount();
    }

    public String commandTag() {
        return commandTag;
    }

    @Override
    public PgException error() {
        return error;
    }
}
