package dev.pgreen.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests the run's PostgreSQL server: {@code @ExtendWith(PgServerExtension.class)}, then take a
 * {@link TestServer} parameter (test, lifecycle or constructor). The server starts once per run and is stopped
 * when the root extension context closes at the end of the run (the JVM shutdown hook is the fallback).
 *
 * <p>Tests tagged {@value #PENDING_CORE} expect driver changes that have not landed yet: they are skipped unless
 * the run sets {@code -Dpgreen.pendingCore=true}. Removing the tag makes them ordinary tests.
 */
public final class PgServerExtension implements BeforeAllCallback, ParameterResolver, ExecutionCondition {
    public static final String PENDING_CORE = "pending-core";
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PgServerExtension.class);

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (!context.getTags().contains(PENDING_CORE) || Boolean.getBoolean("pgreen.pendingCore")) {
            return ConditionEvaluationResult.enabled("not waiting for pending driver changes");
        }
        return ConditionEvaluationResult.disabled("tagged " + PENDING_CORE + ": expects driver changes not landed yet "
                + "(run it with -Dpgreen.pendingCore=true)");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
        TestWait.install();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return server(extensionContext);
    }

    /** Starts the server if needed and makes sure it is stopped when the run ends. */
    static TestServer server(ExtensionContext context) {
        TestServer server = TestServer.get();
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Stopper.class, k -> new Stopper(), Stopper.class);
        return server;
    }

    /** Closed by JUnit with the root context's store, i.e. at the end of the run. */
    static final class Stopper implements AutoCloseable {
        @Override
        public void close() {
            TestServer.shutdown();
        }
    }
}
