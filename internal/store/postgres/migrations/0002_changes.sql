-- The change feed: one row per committed write transaction, naming the documents it wrote
-- (the three arrays are parallel: the i-th key is collections[i], accounts[i], ids[i]).
-- origin is the random id of the Store that wrote it. Rows are pruned after a while; the
-- newest row is always kept, so that max(seq) is the feed's head.
CREATE TABLE changes (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    origin      text NOT NULL,
    collections bytea[] NOT NULL,
    accounts    bytea[] NOT NULL,
    ids         bytea[] NOT NULL
);

-- The greatest seq pruned: a reader that has not seen every change up to it has missed some.
CREATE TABLE changes_pruned (
    one     boolean PRIMARY KEY DEFAULT true CHECK (one),
    through bigint NOT NULL
);
INSERT INTO changes_pruned (one, through) VALUES (true, 0);
