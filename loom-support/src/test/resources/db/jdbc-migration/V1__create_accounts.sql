-- A real migration set, run by Flyway through jdbc:pgreen: a table, an index, a function, data.
CREATE TABLE account (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner      text        NOT NULL,
    balance    numeric(12, 2) NOT NULL DEFAULT 0,
    opened_at  timestamptz NOT NULL DEFAULT now()
);
