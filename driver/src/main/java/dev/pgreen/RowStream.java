package dev.pgreen;

import dev.pgreen.protocol.BackendMessage.DataRow;
import dev.pgreen.protocol.BackendMessage.Field;
import dev.pgreen.protocol.StreamOperation;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Spliterator;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The rows of {@link Cursor#stream}: taken from the connection a socket read's
 * worth at a time and decoded one by one as the caller advances, so only what
 * one read brought is ever held.
 */
final class RowStream implements Spliterator<Row> {
    private final Cursor cursor;
    private final Connection conn;
    private final StreamOperation op;
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private long count;
    private boolean ended;

    private RowStream(Cursor cursor, Connection conn, StreamOperation op) {
        this.cursor = cursor;
        this.conn = conn;
        this.op = op;
    }

    static Stream<Row> open(Cursor cursor, Connection conn, String sql) {
        RowStream rows = new RowStream(cursor, conn, conn.openStream(sql, cursor.resultFormats()));
        return StreamSupport.stream(rows, false).onClose(rows::close);
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean tryAdvance(Consumer<? super Row> action) {
        for (;;) {
            Object next = pending.poll();
            if (next instanceof DataRow row) {
                count++;
                action.accept(cursor.makeRow(row));
                return true;
            }
            if (next != null) {
                cursor.describe((List<Field>) next);
                count = 0;
                continue;
            }
            if (ended) {
                return false;
            }
            List<Object> arrived = conn.pullStream(op);
            if (arrived.isEmpty() && op.isComplete()) {
                ended = true;
                cursor.streamEnded(op.commandTag(), count);
                if (op.error() != null) {
                    throw op.error();
                }
                return false;
            }
            pending.addAll(arrived);
        }
    }

    private void close() {
        if (!ended) {
            ended = true;
            pending.clear();
            conn.closeStream(op);
        }
    }

    @Override
    public Spliterator<Row> trySplit() {
        return null;
    }

    @Override
    public long estimateSize() {
        return Long.MAX_VALUE;
    }

    @Override
    public int characteristics() {
        return ORDERED | NONNULL;
    }
}
