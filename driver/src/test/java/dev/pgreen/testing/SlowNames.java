package dev.pgreen.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.stream.Stream;

/**
 * A name resolver for the tests (installed through the JDK's resolver SPI):
 * {@code slow-N.pgreen.test} resolves to 127.0.0.1 after N milliseconds, and
 * every other name goes to the JDK's own resolver. It lets a test make name
 * resolution as slow as a faraway DNS server without one.
 */
public final class SlowNames extends InetAddressResolverProvider {
    public static final String SUFFIX = ".pgreen.test";

    /** A host name that takes {@code millis} to resolve to 127.0.0.1. */
    public static String slowHost(long millis) {
        return "slow-" + millis + SUFFIX;
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (host.startsWith("slow-") && host.endsWith(SUFFIX)) {
                    long millis = Long.parseLong(host.substring(5, host.length() - SUFFIX.length()));
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new UnknownHostException(host + ": interrupted");
                    }
                    return Stream.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
                }
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "pgreen-test-slow-names";
    }
}
