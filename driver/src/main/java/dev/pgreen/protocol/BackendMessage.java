package dev.pgreen.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** One record per message the server sends (protocol 3.0). */
public sealed interface BackendMessage {

    /** 'R' with code 0. */
    record AuthenticationOk() implements BackendMessage {}

    /** 'R' with code 3: send the password in clear text. */
    record AuthenticationCleartextPassword() implements BackendMessage {}

    /** 'R' with code 5: send md5(md5(password + user) + salt). */
    record AuthenticationMd5Password(byte[] salt) implements BackendMessage {}

    /** 'R' with code 10: the SASL mechanisms the server offers. */
    record AuthenticationSasl(List<String> mechanisms) implements BackendMessage {}

    /** 'R' with code 11. */
    record AuthenticationSaslContinue(byte[] data) implements BackendMessage {}

    /** 'R' with code 12. */
    record AuthenticationSaslFinal(byte[] data) implements BackendMessage {}

    /** 'R' with a method pgreen does not speak (Kerberos, GSSAPI, SSPI). */
    record AuthenticationUnsupported(int code) implements BackendMessage {}

    record ParameterStatus(String name, String value) implements BackendMessage {}

    record BackendKeyData(int processId, int secretKey) implements BackendMessage {}

    /** 'Z'; status is 'I' (idle), 'T' (in transaction) or 'E' (failed transaction). */
    record ReadyForQuery(char status) implements BackendMessage {}

    record RowDescription(List<Field> fields) implements BackendMessage {}

    record Field(String name, int tableOid, short columnNumber, int typeOid, short typeSize,
                 int typeModifier, short format) {}

    /**
     * 'D': the row's body kept as received; {@code bounds} holds each column's
     * start and length (length -1 for NULL), so decoding a row allocates one array.
     */
    record DataRow(byte[] body, int[] bounds) implements BackendMessage {
        public int size() {
            return bounds.length / 2;
        }

        public boolean isNull(int column) {
            return bounds[2 * column + 1] < 0;
        }

        public int start(int column) {
            return bounds[2 * column];
        }

        public int length(int column) {
            return bounds[2 * column + 1];
        }

        public String text(int column) {
            int len = length(column);
            return len < 0 ? null : new String(body, start(column), len, StandardCharsets.UTF_8);
        }
    }

    record CommandComplete(String tag) implements BackendMessage {}

    record EmptyQueryResponse() implements BackendMessage {}

    /** 'E'; fields keyed by their type byte. */
    record ErrorResponse(Map<Character, String> fields) implements BackendMessage {}

    /** 'N'; fields keyed by their type byte. */
    record NoticeResponse(Map<Character, String> fields) implements BackendMessage {}

    record NotificationResponse(int processId, String channel, String payload) implements BackendMessage {}

    /** 'G', 'H' and 'W'. */
    record CopyResponse(char kind, short format, short[] columnFormats) implements BackendMessage {}

    record CopyData(byte[] data) implements BackendMessage {}

    record CopyDone() implements BackendMessage {}

    record ParseComplete() implements BackendMessage {}

    record BindComplete() implements BackendMessage {}

    record CloseComplete() implements BackendMessage {}

    record NoData() implements BackendMessage {}

    record PortalSuspended() implements BackendMessage {}

    record ParameterDescription(int[] typeOids) implements BackendMessage {}

    record NegotiateProtocolVersion(int newestMinor, List<String> unrecognized) implements BackendMessage {}
}
