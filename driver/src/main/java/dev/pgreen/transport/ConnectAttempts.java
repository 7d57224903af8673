package dev.pgreen.transport;

import dev.pgreen.PollState;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.PgException;
import dev.pgreen.protocol.BackendMessage.DataRow;
import dev.pgreen.protocol.ProtocolCore;
import dev.pgreen.protocol.QueryResult;
import dev.pgreen.protocol.SimpleQueryOperation;
import dev.pgreen.protocol.StartupOperation;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Connecting to several hosts, libpq's way: one attempt after another, above the single attempt
 * a {@link Transport} makes, each a fresh session with its own {@code connect_timeout} deadline.
 *
 * <p>An attempt that cannot reach its server (refused, unknown host, timed out) or whose server
 * does not fit {@code target_session_attrs} (judged from the {@code in_hot_standby} and
 * {@code default_transaction_read_only} the server reports, or by a query on servers before 14)
 * moves on to the next host, as does a server that is starting up (57P03); any other failure of
 * a server that answered (a wrong password, an unknown database) ends the connect, as in libpq.
 * When no host is left, one {@link OperationalException} lists every attempt and why it failed.
 *
 * <p>Like a {@link Transport}, it never waits: {@link #step()} does what it can and says what to
 * wait for, on the current attempt's {@link #transport()}, which changes from one attempt to the
 * next (so a caller asks for the channel again after every step).
 */
public final class ConnectAttempts {
    private static final String SHOW_READ_ONLY = "SHOW transaction_read_only";
    private static final String SELECT_IN_RECOVERY = "SELECT pg_catalog.pg_is_in_recovery()";

    /** One connect attempt to one host: its settings, session, socket and where it stands. */
    private static final class Attempt {
        final ConnectSettings settings;
        final ProtocolCore core;
        final Transport transport;
        final StartupOperation startup;
        final long deadline;
        /** The query asking the server what it is, once sent. */
        SimpleQueryOperation check;

        Attempt(ConnectSettings settings, ProtocolCore core, Transport transport, StartupOperation startup, long deadline) {
            this.settings = settings;
            this.core = core;
            this.transport = transport;
            this.startup = startup;
            this.deadline = deadline;
        }
    }

    private final ConnectSettings settings;
    private final Supplier<ProtocolCore> cores;
    private final List<HostSpec> order;
    /** Why each attempt so far failed, one line each, as libpq lists them. */
    private final List<String> failures = new ArrayList<>();
    private PgException lastFailure;
    private int next;
    /** prefer-standby found no standby: every host again, any server accepted. */
    private boolean secondPass;
    private volatile Attempt current;
    private volatile boolean done;
    /** Why the connect was given up from outside ({@link #abort}), or null. */
    private volatile String abortReason;

    private ConnectAttempts(ConnectSettings settings, Supplier<ProtocolCore> cores) {
        this.settings = settings;
        this.cores = cores;
        List<HostSpec> hosts = new ArrayList<>(settings.hosts());
        if (settings.loadBalanceRandom()) {
            Collections.shuffle(hosts);
        }
        this.order = List.copyOf(hosts);
    }

    /**
     * Refuses settings pgreen cannot honour, then starts the first attempt (going on to the next
     * host while one fails at once, a missing Unix socket say).
     *
     * @param cores a fresh session for each attempt
     * @throws OperationalException when a setting is refused, or no host could even be tried
     */
    public static ConnectAttempts start(ConnectSettings settings, Supplier<ProtocolCore> cores) {
        OperationalException refused = settings.unsupported();
        if (refused == null) {
            refused = SocketOptions.unsupported(settings);
        }
        if (refused != null) {
            throw refused;
        }
        ConnectAttempts attempts = new ConnectAttempts(settings, cores);
        attempts.openNext();
        return attempts;
    }

    /** The current attempt's transport: the established session's once {@link #step()} said OK. */
    public Transport transport() {
        return current.transport;
    }

    public ProtocolCore core() {
        return current.core;
    }

    /** The settings of the current attempt's host (its password from the password file, say). */
    public ConnectSettings settings() {
        return current.settings;
    }

    /** Whether a session that fits has been established. */
    public boolean isDone() {
        return done;
    }

    /**
     * Advances the connect without blocking: OK once a session that fits is established (its
     * transport marked so), else what to wait for on the current attempt's channel.
     *
     * @throws PgException the failure that ends the connect: a final one, or every host's at once
     */
    public PollState step() {
        for (;;) {
            Attempt a = current;
            String aborted = abortReason;
            if (aborted != null) {
                // The attempt may have started after abort() looked at the current one.
                a.transport.abort(aborted);
                throw new OperationalException(aborted);
            }
            PollState state;
            try {
                state = a.transport.step();
            } catch (PgException e) {
                if (!movesOn(a, e)) {
                    throw finalError(a, e);
                }
                failed(e.getMessage(), e);
                openNext();
                continue;
            }
            if (state != PollState.OK) {
                return state;
            }
            if (a.check == null && a.startup.error() != null) {
                PgException e = a.startup.error();
                if (!"57P03".equals(e.sqlState())) {
                    throw finalError(a, e);
                }
                // Cannot connect now (a standby not yet accepting connections): libpq tries the next host.
                a.transport.close();
                failed(prefix(a) + e.getMessage(), e);
                openNext();
                continue;
            }
            String rejection = judge(a);
            if (rejection == null) {
                a.transport.clearDeadline();
                a.transport.markEstablished();
                done = true;
                return PollState.OK;
            }
            if (!rejection.isEmpty()) {
                a.transport.terminateAndClose();
                failed(prefix(a) + rejection, null);
                openNext();
            }
            // Else a query was sent to ask the server what it is: step on.
        }
    }

    /**
     * Gives the connect up from any thread, without waiting: the current attempt's socket is closed
     * at once, and the step in progress (or the next) fails with {@code reason}; no further host is tried.
     */
    public void abort(String reason) {
        abortReason = reason;
        current.transport.abort(reason);
    }

    /**
     * Whether the session of {@code a} fits {@code target_session_attrs}: null when it does, the
     * reason when it does not, "" when it sent a query to find out.
     */
    private String judge(Attempt a) {
        TargetSessionAttrs want = settings.targetSessionAttrs();
        if (want == TargetSessionAttrs.PREFER_STANDBY) {
            want = secondPass ? TargetSessionAttrs.ANY : TargetSessionAttrs.STANDBY;
        }
        Map<String, String> reported = a.core.parameters();
        switch (want) {
            case READ_WRITE, READ_ONLY -> {
                Boolean readOnly;
                if (a.check != null) {
                    readOnly = answer(a.check, "on");
                    if (readOnly == null) {
                        return "\"" + SHOW_READ_ONLY + "\" failed";
                    }
                } else {
                    String defaultReadOnly = reported.get("default_transaction_read_only");
                    String hotStandby = reported.get("in_hot_standby");
                    if (defaultReadOnly == null || hotStandby == null) {
                        // Servers before 14 report neither.
                        return ask(a, SHOW_READ_ONLY);
                    }
                    readOnly = defaultReadOnly.equals("on") || hotStandby.equals("on");
                }
                if (want == TargetSessionAttrs.READ_WRITE && readOnly) {
                    return "session is read-only";
                }
                if (want == TargetSessionAttrs.READ_ONLY && !readOnly) {
                    return "session is not read-only";
                }
            }
            case PRIMARY, STANDBY -> {
                Boolean standby;
                if (a.check != null) {
                    standby = answer(a.check, "t");
                    if (standby == null) {
                        return "\"SELECT pg_is_in_recovery()\" failed";
                    }
                } else {
                    String hotStandby = reported.get("in_hot_standby");
                    if (hotStandby == null) {
                        return ask(a, SELECT_IN_RECOVERY);
                    }
                    standby = hotStandby.equals("on");
                }
                if (want == TargetSessionAttrs.PRIMARY && standby) {
                    return "server is in hot standby mode";
                }
                if (want == TargetSessionAttrs.STANDBY && !standby) {
                    return "server is not in hot standby mode";
                }
            }
            default -> { }
        }
        return null;
    }

    private static String ask(Attempt a, String sql) {
        a.check = new SimpleQueryOperation(sql);
        a.transport.submit(a.check);
        return "";
    }

    /** Whether the one value the check query returned starts with {@code yes}; null when the query failed. */
    private static Boolean answer(SimpleQueryOperation check, String yes) {
        QueryResult result = check.result();
        if (check.error() != null || result == null || result.rows().size() != 1) {
            return null;
        }
        DataRow row = result.rows().get(0);
        if (row.size() != 1 || row.isNull(0)) {
            return null;
        }
        String value = new String(row.body(), row.start(0), row.length(0), StandardCharsets.UTF_8);
        return value.startsWith(yes);
    }

    /**
     * Whether a failure leaves the next host to try: the server was never reached (refused,
     * unreachable, unknown host) or the attempt's time ran out; never when the connection was
     * closed from outside ({@code close()} on another thread).
     */
    private static boolean movesOn(Attempt a, PgException e) {
        if (a.transport.isAborted() || !(e instanceof OperationalException)) {
            return false;
        }
        boolean timedOut = a.deadline != 0 && System.nanoTime() - a.deadline >= 0;
        return !a.transport.reachedServer() || timedOut;
    }

    private void failed(String message, PgException e) {
        failures.add(message);
        lastFailure = e != null ? e : new OperationalException(message);
    }

    /** Starts the next attempt (a second pass for prefer-standby); throws when no host is left. */
    private void openNext() {
        for (;;) {
            if (next == order.size()) {
                if (settings.targetSessionAttrs() != TargetSessionAttrs.PREFER_STANDBY || secondPass) {
                    throw exhausted();
                }
                secondPass = true;
                next = 0;
            }
            HostSpec host = order.get(next++);
            ConnectSettings s = settings.forHost(host);
            ProtocolCore core = cores.get();
            try {
                if (host.hostaddr() != null && !HostResolver.isLiteral(host.hostaddr())) {
                    throw new OperationalException("could not parse network address \"" + host.hostaddr() + "\"");
                }
                Transport t = Transport.open(core, s);
                StartupOperation startup = new StartupOperation(s.startupParameters(), s.user(), s.password(),
                        s.requireAuth(), s.tls().channelBinding(), t::tlsServerEndPoint);
                t.submitStartup(startup);
                Duration timeout = s.connectTimeout();
                long deadline = 0;
                if (timeout != null) {
                    // Never 0: that means no deadline here.
                    deadline = (System.nanoTime() + timeout.toNanos()) | 1;
                    t.setDeadline(deadline);
                }
                current = new Attempt(s, core, t, startup, deadline);
                return;
            } catch (OperationalException e) {
                failed(e.getMessage(), e);
            }
        }
    }

    /** Nothing fits: the one failure as it was, or every attempt's, one a line. */
    private OperationalException exhausted() {
        if (failures.size() == 1 && lastFailure instanceof OperationalException e) {
            return e;
        }
        return new OperationalException(String.join("\n", failures), lastFailure);
    }

    /**
     * The failure that ends the connect, after the earlier attempts' (as libpq accumulates them),
     * noting a password that came from the password file when the server refused it.
     */
    private PgException finalError(Attempt a, PgException e) {
        String message = e.getMessage();
        boolean fromFile = "28P01".equals(e.sqlState()) && a.settings.passwordFile() != null;
        if (fromFile) {
            message += "\npassword retrieved from file \"" + a.settings.passwordFile() + "\"";
        }
        if (failures.isEmpty() && !fromFile) {
            return e;
        }
        var lines = new ArrayList<>(failures);
        lines.add(e.sqlState() != null ? prefix(a) + message : message);
        return new OperationalException(String.join("\n", lines), e, e.diag());
    }

    /** libpq's "connection to server at ... failed: " before a reason of the server's. */
    private static String prefix(Attempt a) {
        return "connection to " + a.transport.where() + " failed: ";
    }
}
