package dev.pgreen.errors;

/**
 * A statement of a pipeline that the server skipped: an earlier statement
 * failed, and the server ignores everything after an error up to the next
 * Sync (libpq's PGRES_PIPELINE_ABORTED, psycopg 3's {@code PipelineAborted}).
 */
public class PipelineAbortedException extends OperationalException {
    public PipelineAbortedException(String message) {
        super(message);
    }
}
