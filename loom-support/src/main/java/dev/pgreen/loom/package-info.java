/**
 * pgreen on virtual threads: {@link dev.pgreen.loom.Loom#install()} registers a
 * wait callback ({@link dev.pgreen.loom.VirtualThreadWait}) that parks a waiting
 * virtual thread with a shared poller instead of blocking its carrier, and
 * {@link dev.pgreen.loom.PgPool} is a fair, bounded connection pool for them.
 */
package dev.pgreen.loom;
