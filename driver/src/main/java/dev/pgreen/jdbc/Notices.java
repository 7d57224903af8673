package dev.pgreen.jdbc;

import java.sql.SQLWarning;
import java.util.List;

/** The server's notices (pgreen keeps them as libpq formats them) as JDBC warnings. */
final class Notices {
    private Notices() {}

    /** Takes every notice received so far off the connection: a warning chain, or null when there is none. */
    static SQLWarning drain(dev.pgreen.Connection pg) {
        List<String> notices = pg.notices();
        SQLWarning head = null;
        while (!notices.isEmpty()) {
            String notice;
            try {
                notice = notices.remove(0);
            } catch (IndexOutOfBoundsException raced) {
                break;
            }
            // "NOTICE:  text\nDETAIL:  ...": the severity says the SQLSTATE class (01 for a warning).
            int colon = notice.indexOf(":  ");
            String severity = colon < 0 ? "NOTICE" : notice.substring(0, colon);
            SQLWarning w = new SQLWarning((colon < 0 ? notice : notice.substring(colon + 3)).strip(),
                    severity.equals("WARNING") ? "01000" : "00000");
            if (head == null) {
                head = w;
            } else {
                head.setNextWarning(w);
            }
        }
        return head;
    }
}
