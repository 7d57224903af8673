CREATE UNIQUE INDEX account_owner_idx ON account (lower(owner));
