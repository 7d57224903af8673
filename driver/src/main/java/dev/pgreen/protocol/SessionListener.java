package dev.pgreen.protocol;

import dev.pgreen.errors.Diagnostics;

/** Receives the messages the server may send at any point of a session. */
public interface SessionListener {
    void notice(Diagnostics notice);

    void notification(int processId, String channel, String payload);

    void parameterChanged(String name, String value);
}
