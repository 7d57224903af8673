/**
 * pgreen under Kotlin coroutines: suspending connect, execute, fetch, COPY, transactions and
 * notifications, Flows of rows and a suspending pool, none of which blocks a thread while the server
 * works; cancelling a coroutine cancels its statement on the server. The API is in the Kotlin
 * package {@code dev.pgreen.kotlin}, documented with KDoc in the sources jar.
 */
module dev.pgreen.kotlin {
    // The API extends the driver's types, and returns the stdlib's and kotlinx.coroutines' (Flow, Job...).
    requires transitive dev.pgreen;
    requires transitive kotlin.stdlib;
    requires transitive kotlinx.coroutines.core;

    exports dev.pgreen.kotlin;
}
