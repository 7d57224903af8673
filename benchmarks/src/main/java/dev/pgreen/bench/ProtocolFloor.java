package dev.pgreen.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * W1's floor on the JVM: what a client that does nothing but the protocol's minimum would reach.
 * One Bind/Execute/Sync of a statement prepared once, sent as bytes encoded once, then a blocking
 * read until ReadyForQuery, checking only the message framing and the one int4 value. No wait
 * callback, no decoding into objects, no error handling beyond "stop": no driver can be faster on
 * this machine, so the ratio of a driver to it says how much of the query is the driver's own work.
 * Plaintext and trust authentication only; elsewhere the subject is left out.
 */
final class ProtocolFloor implements Subject {
    private final SocketChannel channel;
    private final ByteBuffer request;
    private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
    private final int queries;

    private ProtocolFloor(SocketChannel channel, byte[] request, int queries) {
        this.channel = channel;
        this.request = ByteBuffer.allocateDirect(request.length).put(request).flip();
        this.queries = queries;
    }

    /** The floor for {@code queries} executions of SELECT 1, where the server lets it in without TLS or password. */
    static Optional<Subject> of(Servers servers, int queries) throws IOException {
        if (!"disable".equals(servers.sslmode()) || servers.password() != null) {
            return Optional.empty();
        }
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(servers.host(), servers.port()));
        channel.socket().setTcpNoDelay(true);
        ProtocolFloor floor = new ProtocolFloor(channel, bindExecuteSync(), queries);
        ByteArrayOutputStream startup = new ByteArrayOutputStream();
        startup.writeBytes(new byte[] {0, 3, 0, 0});
        startup.writeBytes(cstrings("user", servers.user(), "database", servers.database(), ""));
        if (!floor.exchange(message(0, startup.toByteArray()))) {
            channel.close();
            return Optional.empty();
        }
        ByteArrayOutputStream parse = new ByteArrayOutputStream();
        parse.writeBytes(cstrings("floor", "SELECT 1"));
        parse.writeBytes(new byte[] {0, 0});
        ByteArrayOutputStream prepare = new ByteArrayOutputStream();
        prepare.writeBytes(message('P', parse.toByteArray()));
        prepare.writeBytes(message('S', new byte[0]));
        if (!floor.exchange(prepare.toByteArray())) {
            channel.close();
            return Optional.empty();
        }
        return Optional.of(floor);
    }

    private static byte[] bindExecuteSync() {
        ByteArrayOutputStream bind = new ByteArrayOutputStream();
        bind.writeBytes(cstrings("", "floor"));
        bind.writeBytes(new byte[] {0, 0, 0, 0, 0, 1, 0, 1}); // no parameters, one binary result column
        ByteArrayOutputStream execute = new ByteArrayOutputStream();
        execute.writeBytes(cstrings(""));
        execute.writeBytes(new byte[4]);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(message('B', bind.toByteArray()));
        all.writeBytes(message('E', execute.toByteArray()));
        all.writeBytes(message('S', new byte[0]));
        return all.toByteArray();
    }

    private static byte[] message(int type, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate((type == 0 ? 4 : 5) + body.length);
        if (type != 0) {
            b.put((byte) type);
        }
        return b.putInt(body.length + 4).put(body).array();
    }

    private static byte[] cstrings(String... strings) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String s : strings) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    /** Sends {@code bytes}, reads to ReadyForQuery: false on an error or on any authentication request. */
    private boolean exchange(byte[] bytes) throws IOException {
        channel.write(ByteBuffer.wrap(bytes));
        return readToReadyForQuery() >= 0;
    }

    /** The sum of the int4 values of the DataRows read, or -1 after an ErrorResponse or on a password request. */
    private long readToReadyForQuery() throws IOException {
        long sum = 0;
        boolean failed = false;
        while (true) {
            in.flip();
            while (in.remaining() >= 5) {
                int at = in.position();
                byte type = in.get(at);
                int length = in.getInt(at + 1);
                if (in.remaining() < length + 1) {
                    break;
                }
                if (type == 'D') {
                    sum += in.getInt(at + 11); // type, length, column count (2), value length (4), value
                } else if (type == 'R' && in.getInt(at + 5) != 0) {
                    return -1; // the server asks for a password: this client has none
                } else if (type == 'E') {
                    failed = true;
                }
                in.position(at + 1 + length);
                if (type == 'Z') {
                    in.compact();
                    return failed ? -1 : sum;
                }
            }
            in.compact();
            if (channel.read(in) < 0) {
                if (failed) {
                    return -1; // a refused startup ends with the connection closed, not ReadyForQuery
                }
                throw new IOException("the server closed the connection");
            }
        }
    }

    @Override
    public String name() {
        return "reference: JVM protocol floor";
    }

    @Override
    public boolean reference() {
        return true;
    }

    @Override
    public double[] round() throws IOException {
        long start = System.nanoTime();
        long sum = 0;
        for (int i = 0; i < queries; i++) {
            request.rewind();
            channel.write(request);
            sum += readToReadyForQuery();
        }
        if (sum != queries) {
            throw new IllegalStateException("the floor read " + sum + " for " + queries + " SELECT 1");
        }
        return new double[] {queries / ((System.nanoTime() - start) / 1e9)};
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
