package dev.pgreen;

import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.protocol.CopyOperation;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A COPY on an asynchronous connection ({@link Pgreen#connectAsync}), where {@code Cursor.copyFrom},
 * {@code copyTo} and {@code copyExpert} are refused because they read and write streams between waits.
 * Here the caller does that between its own waits, and {@link Connection#poll()} drives the protocol as for
 * a query:
 *
 * <pre>{@code
 * AsyncCopy copy = AsyncCopy.from(conn, "COPY t FROM STDIN");
 * for (;;) {
 *     PollState s = conn.poll();            // raises the server's error once the COPY has ended with one
 *     if (s != PollState.OK) { wait for conn.channel() (at most conn.waitTimeout()); continue; }
 *     if (copy.isComplete()) break;
 *     if (copy.wantsInput()) { byte[] chunk = next(); if (chunk != null) copy.write(chunk); else copy.end(); }
 * }
 * }</pre>
 *
 * For {@code COPY ... TO STDOUT}, take the rows with {@link #takeReceived()} after every {@code poll()} that
 * said OK, until {@link #isComplete()}. {@code poll()} says OK while the COPY waits for the caller (input
 * wanted, rows to take) and once it is complete; READ or WRITE while the server or the socket is behind,
 * which is where input is held back: at most one {@link #write} is buffered.
 *
 * <p>Stopping early: {@link #fail} ends a COPY FROM (the server rolls it back); a COPY TO is stopped with
 * {@link Connection#requestCancel()}, its remaining rows taken and dropped until it is complete. Either way
 * the connection is idle and usable once {@code poll()} has raised the COPY's error. Only one command at a
 * time: other statements on the connection are refused until the COPY is complete.
 */
public final class AsyncCopy {
    private final Connection conn;
    private final CopyOperation op;
    private final boolean in;

    private AsyncCopy(Connection conn, CopyOperation op, boolean in) {
        this.conn = conn;
        this.op = op;
        this.in = in;
    }

    /**
     * Sends {@code sql}, a {@code COPY ... FROM STDIN}, on the asynchronous connection {@code conn};
     * supply its input with {@link #write} and {@link #end} whenever {@link #wantsInput()}.
     *
     * @param conn an asynchronous connection, idle
     * @param sql the COPY command
     * @return the COPY, under way
     * @throws ProgrammingException on a synchronous connection, or while another command is under way
     */
    public static AsyncCopy from(Connection conn, String sql) {
        return start(conn, CopyOperation.from(Objects.requireNonNull(sql, "sql")), true);
    }

    /**
     * Sends {@code sql}, a {@code COPY ... TO STDOUT}, on the asynchronous connection {@code conn}; take its
     * rows with {@link #takeReceived()}.
     *
     * @param conn an asynchronous connection, idle
     * @param sql the COPY command
     * @return the COPY, under way
     * @throws ProgrammingException on a synchronous connection, or while another command is under way
     */
    public static AsyncCopy to(Connection conn, String sql) {
        return start(conn, CopyOperation.to(Objects.requireNonNull(sql, "sql")), false);
    }

    private static AsyncCopy start(Connection conn, CopyOperation op, boolean in) {
        Objects.requireNonNull(conn, "conn").startAsyncCopy(op);
        return new AsyncCopy(conn, op, in);
    }

    /**
     * The connection the COPY runs on.
     *
     * @return the connection {@code from} or {@code to} was given
     */
    public Connection connection() {
        return conn;
    }

    /**
     * Whether it is time for the next {@link #write} (or {@link #end}).
     *
     * @return true while the server takes input and the last piece has been sent
     */
    public boolean wantsInput() {
        return op.wantsInput();
    }

    /**
     * Sends {@code data} as COPY input (any split: rows may span pieces); {@code poll()} puts it on the wire.
     *
     * @param data the next piece of input, in the COPY's format
     * @throws ProgrammingException on a COPY TO
     */
    public void write(byte[] data) {
        write(data, 0, data.length);
    }

    /**
     * Sends {@code length} bytes of {@code data} from {@code offset} as COPY input.
     *
     * @param data holds the next piece of input
     * @param offset where the piece starts in {@code data}
     * @param length the piece's length
     * @throws ProgrammingException on a COPY TO
     * @throws IndexOutOfBoundsException if the piece lies outside {@code data}
     */
    public void write(byte[] data, int offset, int length) {
        requireIn("write");
        Objects.checkFromIndexSize(offset, length, data.length);
        byte[] piece = offset == 0 ? data : Arrays.copyOfRange(data, offset, offset + length);
        conn.copyIo(enc -> op.supply(enc, piece, length));
    }

    /**
     * Ends the input (CopyDone): the server commits the rows and answers with the COPY's end.
     *
     * @throws ProgrammingException on a COPY TO
     */
    public void end() {
        requireIn("end");
        conn.copyIo(op::endInput);
    }

    /**
     * Abandons the input (CopyFail with {@code reason}): the server rolls the COPY back, and {@code poll()}
     * raises an {@code OperationalException} naming {@code reason} once it has answered.
     *
     * @param reason why the input was abandoned, for the server's error message
     * @throws ProgrammingException on a COPY TO
     */
    public void fail(String reason) {
        requireIn("fail");
        conn.copyIo(enc -> op.failInput(enc, new IOException(reason)));
    }

    /**
     * The rows received since the last call: for a COPY TO, one CopyData payload each, in order.
     *
     * @return the rows; empty when none has arrived (and always for a COPY FROM)
     */
    public List<byte[]> takeReceived() {
        @SuppressWarnings("unchecked")
        List<byte[]>[] taken = new List[1];
        conn.copyIo(enc -> taken[0] = op.takeReceived());
        return taken[0];
    }

    /**
     * Whether the server has answered the COPY to its end; by then {@code poll()} has raised its error, if
     * it ended with one.
     *
     * @return true once the COPY is over
     */
    public boolean isComplete() {
        return op.isComplete();
    }

    /**
     * The number of rows copied, from the command tag ({@code COPY n}).
     *
     * @return the count, or -1 before the end
     */
    public long rowCount() {
        return op.rowCount();
    }

    /**
     * The server's command tag.
     *
     * @return {@code COPY n}, or null before the end
     */
    public String commandTag() {
        return op.commandTag();
    }

    private void requireIn(String what) {
        if (!in) {
            throw new ProgrammingException(what + "() is for COPY FROM STDIN; this AsyncCopy is a COPY TO STDOUT");
        }
    }

    @Override
    public String toString() {
        return "AsyncCopy(" + (in ? "from" : "to") + (isComplete() ? ", complete" : "") + ")";
    }
}
