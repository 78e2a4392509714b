-- Every docstore document: its key and its JSON body. The key's parts are bytea so that ids
-- compare as byte strings (the order List returns them in) whatever the database's
-- collation, and so that any Go string can be stored.
CREATE TABLE documents (
    collection bytea NOT NULL,
    account    bytea NOT NULL,
    id         bytea NOT NULL,
    body       bytea NOT NULL,
    PRIMARY KEY (collection, account, id)
);
