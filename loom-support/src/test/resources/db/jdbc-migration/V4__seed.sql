INSERT INTO account (owner, balance) VALUES ('alice', 100.00), ('bob', 50.00);
SELECT transfer('alice', 'bob', 25.50);
