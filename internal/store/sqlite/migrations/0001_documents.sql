-- Every docstore document: its key and its JSON body. Ids compare as byte strings (the
-- BINARY collation), which is the order List returns them in.
CREATE TABLE documents (
    collection TEXT NOT NULL,
    account    TEXT NOT NULL,
    id         TEXT NOT NULL,
    body       BLOB NOT NULL,
    PRIMARY KEY (collection, account, id)
) WITHOUT ROWID, STRICT;
