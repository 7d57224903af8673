package dev.pgreen.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback proxy to a server for fault tests: what the client sends goes through as is; what the
 * server sends is forwarded message by message (type, length, body), minus the ParameterStatus
 * messages it is told to hide (a server before 14 does not send in_hot_standby, say).
 * {@link #reset()} makes every connection through it vanish with a TCP reset.
 */
public final class LoopbackProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final Set<String> hiddenParameters;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger hidden = new AtomicInteger();

    /** A proxy to 127.0.0.1:{@code target} that hides the ParameterStatus messages of {@code hiddenParameters}. */
    public LoopbackProxy(int target, Set<String> hiddenParameters) throws IOException {
        this.target = target;
        this.hiddenParameters = hiddenParameters;
        this.listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread.ofPlatform().daemon().name("pgreen-proxy-accept").start(this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** How many ParameterStatus messages were hidden so far. */
    public int hidden() {
        return hidden.get();
    }

    /** Resets every connection through the proxy (SO_LINGER 0): the client sees its server vanish. */
    public void reset() {
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // Already closed.
            }
            close(s);
        }
    }

    private void accept() {
        try {
            while (true) {
                Socket client = listener.accept();
                Socket upstream = new Socket("127.0.0.1", target);
                sockets.add(client);
                sockets.add(upstream);
                Thread.ofPlatform().daemon().start(() -> copy(client, upstream));
                Thread.ofPlatform().daemon().start(() -> filter(upstream, client));
            }
        } catch (IOException closed) {
            // The proxy was closed.
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException ignored) {
            // Either side closed.
        } finally {
            close(to);
        }
    }

    private void filter(Socket from, Socket to) {
        try (DataInputStream in = new DataInputStream(from.getInputStream())) {
            OutputStream out = to.getOutputStream();
            while (true) {
                int type = in.read();
                if (type < 0) {
                    break;
                }
                int length = in.readInt();
                byte[] body = in.readNBytes(length - 4);
                if (type == 'S' && hiddenParameters.contains(parameterName(body))) {
                    hidden.incrementAndGet();
                    continue;
                }
                out.write(type);
                out.write(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
                out.write(body);
                out.flush();
            }
        } catch (IOException ignored) {
            // Either side closed.
        } finally {
            close(to);
        }
    }

    private static String parameterName(byte[] body) {
        int end = 0;
        while (end < body.length && body[end] != 0) {
            end++;
        }
        return new String(body, 0, end, StandardCharsets.UTF_8);
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Nothing to do.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(LoopbackProxy::close);
    }
}
