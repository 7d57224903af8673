package dev.pgreen.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which streams may go over the extended protocol: certainly one query, with no parameter. */
class StreamOperationTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "SELECT * FROM w2|true",
        "select 1;|true",
        "SELECT 1 ;  ;\\n|true",
        "/* c */ (SELECT 1) UNION (SELECT 2)|true",
        "WITH x AS (SELECT 1) SELECT * FROM x|true",
        "VALUES (1), (2)|true",
        "TABLE w2|true",
        "SELECT 'a$b', $$body$$|true",
        "SELECT 1; SELECT 2|false",
        "SELECT ';'|false",
        "SELECT 1 -- ;|true",
        "SELECT 1 -- ;\\n SELECT 2|false",
        "SELECT $1|false",
        "SELECT '$1'|false",
        "INSERT INTO t VALUES (1) RETURNING *|false",
        "SHOW TimeZone|false",
        "EXPLAIN SELECT 1|false",
        "COPY t TO STDOUT|false",
        "SELECTED|false",
        "''|false",
    })
    void singleQueries(String sql, boolean single) {
        assertEquals(single, StreamOperation.isSingleQuery(sql.replace("\\n", "\n")));
    }
}
