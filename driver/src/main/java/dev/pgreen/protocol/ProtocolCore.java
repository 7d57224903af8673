package dev.pgreen.protocol;

import dev.pgreen.errors.Diagnostics;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.protocol.BackendMessage.*;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sans-IO session: bytes in through {@link #decoder()}, bytes out through
 * {@link #encoder()}, and a queue of in-flight operations fed the replies in
 * order. It knows nothing of sockets or waiting.
 */
public final class ProtocolCore {
    private final BackendDecoder decoder = new BackendDecoder();
    private final FrontendEncoder encoder = new FrontendEncoder();
    private final Deque<Operation> inFlight = new ArrayDeque<>();
    private final Map<String, String> parameters = new ConcurrentHashMap<>();
    private final SessionListener listener;
    private volatile int backendPid;
    private volatile int secretKey;
    private volatile char transactionStatus = 'I';
    private volatile Diagnostics fatalError;
    private volatile int statementsDropped;

    public ProtocolCore(SessionListener listener) {
        this.listener = listener;
    }

    public BackendDecoder decoder() {
        return decoder;
    }

    public FrontendEncoder encoder() {
        return encoder;
    }

    /** Writes the operation's messages and queues it for the replies. */
    public void submit(Operation op) {
        op.start(encoder);
        inFlight.add(op);
    }

    /**
     * The caller's deadline passed: ends the wait when the operation in flight
     * allows it (a wait for notifications is dropped, a stream stops waiting for
     * data); returns false when the deadline must fail the operation.
     */
    public boolean expire() {
        Operation head = inFlight.peek();
        if (inFlight.size() != 1 || !head.expire()) {
            return false;
        }
        if (head instanceof NotificationWait) {
            inFlight.clear();
        }
        return true;
    }

    /**
     * Whether the caller has to wait: an operation is in flight that holds it
     * up. A COPY FROM STDIN whose last input has been sent does not: its caller
     * reads the next piece of input (outside any lock) and hands it over.
     */
    public boolean isBusy() {
        Operation tail = inFlight.peekLast();
        if (tail != null && tail.pipelined()) {
            // Nothing after the pipeline's last statement asks for an answer yet: the caller waits for a Sync.
            return false;
        }
        Operation head = inFlight.peek();
        if (head == null) {
            return false;
        }
        if (inFlight.size() > 1) {
            return true;
        }
        if (head instanceof CopyOperation copy && copy.wantsInput()) {
            return !encoder.isEmpty();
        }
        return head.blocksCaller();
    }

    /** Whether any operation is in flight, even one that no longer holds the caller up (an open stream). */
    public boolean hasInFlight() {
        return !inFlight.isEmpty();
    }

    /** Decodes and dispatches every complete message received so far. */
    public void processReceived() {
        for (BackendMessage m = decoder.next(); m != null; m = decoder.next()) {
            dispatch(m);
        }
    }

    private void dispatch(BackendMessage m) {
        switch (m) {
            case ParameterStatus p -> {
                parameters.put(p.name(), p.value());
                listener.parameterChanged(p.name(), p.value());
            }
            case NoticeResponse n -> listener.notice(new Diagnostics(n.fields()));
            case NotificationResponse n -> {
                listener.notification(n.processId(), n.channel(), n.payload());
                if (inFlight.peek() instanceof NotificationWait) {
                    inFlight.remove();
                }
            }
            default -> deliver(m);
        }
    }

    private void deliver(BackendMessage m) {
        if (m instanceof ErrorResponse e && ServerErrors.isFatal(e.fields())) {
            fatalError = new Diagnostics(e.fields());
        }
        if (m instanceof BackendKeyData k) {
            backendPid = k.processId();
            secretKey = k.secretKey();
        }
        if (m instanceof ReadyForQuery z) {
            transactionStatus = z.status();
        }
        if (m instanceof CommandComplete c && (c.tag().equals("DEALLOCATE ALL") || c.tag().equals("DISCARD ALL"))) {
            statementsDropped++;
        }
        Operation op = inFlight.peek();
        while (op != null && op.pipelined() && m instanceof ReadyForQuery) {
            // An earlier error made the server skip everything up to the Sync this ReadyForQuery answers.
            op.skip();
            inFlight.remove();
            op = inFlight.peek();
        }
        if (op instanceof NotificationWait && m instanceof ErrorResponse e && ServerErrors.isFatal(e.fields())) {
            // Nothing was asked: like an idle session, the error is the server ending it.
            op = null;
        }
        if (op == null) {
            if (m instanceof ErrorResponse e && ServerErrors.isFatal(e.fields())) {
                // The server says why it ends an idle session (pg_terminate_backend, shutdown) before it closes:
                // the session is over now, not when the socket's end is read.
                throw ServerErrors.sessionEnded(fatalError, null);
            }
            if (m instanceof ErrorResponse) {
                return;
            }
            throw new InterfaceException("protocol error: unexpected message " + m.getClass().getSimpleName()
                    + " while no command is in progress");
        }
        if (op.handle(m, encoder)) {
            inFlight.remove();
        }
    }

    public Map<String, String> parameters() {
        return parameters;
    }

    public int backendPid() {
        return backendPid;
    }

    public int secretKey() {
        return secretKey;
    }

    /** 'I', 'T' or 'E' as of the last ReadyForQuery. */
    public char transactionStatus() {
        return transactionStatus;
    }

    /**
     * Forgets the FATAL error of a start-up the server rejected, before the start-up is tried
     * again on a new connection (with other settings), so that it cannot be reported for a later loss.
     */
    public void forgetRejectedStartup() {
        fatalError = null;
    }

    /**
     * How many times the session has dropped all its prepared statements at once ({@code DEALLOCATE ALL},
     * {@code DISCARD ALL}, whoever sent them): a cache of them is void once this changes.
     */
    public int statementsDropped() {
        return statementsDropped;
    }

    /** The FATAL error the server sent before closing, if any. */
    public Diagnostics fatalError() {
        return fatalError;
    }
}
