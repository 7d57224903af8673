package dev.pgreen.errors;

/**
 * A statement of a pipeline that the server skipped: an earlier statement
 * failed, and the server ignores everything after an error up to the next
 * Sync (libpq's PGRES_PIPELINE_ABORTED, psycopg 3's {@code PipelineAborted}).
 */
public class PipelineAbortedException extends OperationalException {
    /**
     * A statement skipped after an earlier error of its pipeline.
     *
     * @param message names the statement and says it was not executed
     */
    public PipelineAbortedException(String message) {
        super(message);
    }
}
