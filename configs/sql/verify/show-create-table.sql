-- verify: the CREATE statement of {db:Identifier}.{table:Identifier} (filled in the text), for the
-- TTL it carries.

SHOW CREATE TABLE {db:Identifier}.{table:Identifier}
