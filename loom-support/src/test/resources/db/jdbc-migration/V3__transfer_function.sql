-- A function body in dollar quotes, with semicolons inside: Flyway's parser must keep it whole.
CREATE FUNCTION transfer(from_owner text, to_owner text, amount numeric) RETURNS numeric
LANGUAGE plpgsql AS $$
DECLARE
    left_over numeric;
BEGIN
    UPDATE account SET balance = balance - amount WHERE lower(owner) = lower(from_owner)
        RETURNING balance INTO left_over;
    UPDATE account SET balance = balance + amount WHERE lower(owner) = lower(to_owner);
    RETURN left_over;
END;
$$;
