package dev.pgreen.bench;

import java.util.List;

/** A workload run over TLS: every subject connects with {@code sslmode=require}. */
final class OverTls implements Workload {
    private final Workload plain;

    OverTls(Workload plain) {
        this.plain = plain;
    }

    @Override
    public String id() {
        return plain.id() + " over TLS (sslmode=require)";
    }

    @Override
    public List<String> figures() {
        return plain.figures();
    }

    @Override
    public boolean higherIsBetter(int f) {
        return plain.higherIsBetter(f);
    }

    @Override
    public int pgreenCounterpart(int peerSubject) {
        return plain.pgreenCounterpart(peerSubject);
    }

    @Override
    public void prepare(Servers servers) throws Exception {
        plain.prepare(servers.withSslmode("require"));
    }

    @Override
    public List<Subject> subjects(Servers servers) throws Exception {
        return plain.subjects(servers.withSslmode("require"));
    }
}
