package dev.pgreen.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The session's byte stream over the socket, plaintext or TLS, with the non-blocking
 * semantics of {@link SocketChannel}: a read of 0 or a write of 0 means "wait for the socket".
 */
public interface Wire {
    /** Reads what is available into {@code dst}: the bytes read, 0 when the socket has nothing yet, -1 at the end. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes what the socket takes now: the bytes of {@code src} consumed, 0 when the socket is full. */
    int write(ByteBuffer src) throws IOException;

    /** Sends what {@link #write} consumed but still holds (TLS records); true once nothing is left. */
    default boolean flush() throws IOException {
        return true;
    }

    /** Whether bytes already received wait inside the wire, so that the socket may not turn readable for them. */
    default boolean hasBufferedInput() {
        return false;
    }

    /** Says goodbye without waiting (TLS close_notify); the caller closes the socket. */
    default void closeQuietly() {
    }

    /** The plaintext wire: the socket itself. */
    static Wire plain(SocketChannel channel) {
        return new Wire() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                return channel.read(dst);
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                return channel.write(src);
            }
        };
    }
}
