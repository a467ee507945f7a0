"""The cross links of each product as one array, for the search's walk (issue 13, target 4).

`CrossLink` stores a pair once (`product_a_id < product_b_id`), so each step of the walk probed two
indexes and merged them: at scheme 3 ~16,000 index entries for ~800 products. On PostgreSQL,
`catalog_crossneighbours` holds, per product, the ids of all the products it is linked with (both
columns of the pairs); a step of the walk reads one row per product of the frontier.

It is derived data, like an index, and the database keeps it so: statement triggers on
`catalog_crosslink` recompute the rows of every product a statement touched, in the same
transaction, whatever wrote the links (the service, the import's bulk insert, the back office's
add / change / delete and bulk delete, a product's deletion, `loaddata`, raw SQL; TRUNCATE empties
it). A recomputation locks the products' rows in id order first, then reads the links with a new
snapshot, so two transactions linking the same product cannot lose each other's link. A product
whose links are all gone keeps a row with an empty array (deleting it would race with a concurrent
recomputation). `catalog_crossneighbours_rebuild()` refills the whole table (this migration, bulk
loads with the triggers disabled: `bench/generate_catalog.py`).

SQLite (the embedded default and the tests) has no arrays: the search walks `catalog_crosslink`
there, and this migration does nothing.
"""

from django.db import migrations

CREATE = """
CREATE TABLE catalog_crossneighbours (
    product_id bigint PRIMARY KEY,
    neighbour_ids bigint[] NOT NULL
);

CREATE FUNCTION catalog_crossneighbours_refresh(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO catalog_crossneighbours (product_id, neighbour_ids)
    SELECT id, '{}' FROM unnest(ids) AS id ORDER BY id
    ON CONFLICT (product_id) DO NOTHING;
    PERFORM 1 FROM catalog_crossneighbours
    WHERE product_id = ANY(ids) ORDER BY product_id FOR UPDATE;
    -- A new statement, a new snapshot: it sees the links committed while we waited for the locks.
    UPDATE catalog_crossneighbours n SET neighbour_ids = ARRAY(
        SELECT product_b_id FROM catalog_crosslink WHERE product_a_id = n.product_id
        UNION ALL
        SELECT product_a_id FROM catalog_crosslink WHERE product_b_id = n.product_id
        ORDER BY 1
    )
    WHERE n.product_id = ANY(ids);
END
$$;

CREATE FUNCTION catalog_crossneighbours_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE catalog_crossneighbours;
    INSERT INTO catalog_crossneighbours (product_id, neighbour_ids)
    SELECT product_id, array_agg(neighbour_id ORDER BY neighbour_id)
    FROM (
        SELECT product_a_id AS product_id, product_b_id AS neighbour_id FROM catalog_crosslink
        UNION ALL
        SELECT product_b_id, product_a_id FROM catalog_crosslink
    ) pairs
    GROUP BY product_id
    ORDER BY product_id;
END
$$;

CREATE FUNCTION catalog_crosslink_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM catalog_crossneighbours_refresh(ARRAY(
            SELECT product_a_id FROM new_links UNION SELECT product_b_id FROM new_links
        ));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM catalog_crossneighbours_refresh(ARRAY(
            SELECT product_a_id FROM old_links UNION SELECT product_b_id FROM old_links
        ));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM catalog_crossneighbours_refresh(ARRAY(
            SELECT product_a_id FROM new_links UNION SELECT product_b_id FROM new_links
            UNION SELECT product_a_id FROM old_links UNION SELECT product_b_id FROM old_links
        ));
    ELSIF TG_OP = 'TRUNCATE' THEN
        TRUNCATE catalog_crossneighbours;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER catalog_crosslink_inserted AFTER INSERT ON catalog_crosslink
    REFERENCING NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_crosslink_changed();
CREATE TRIGGER catalog_crosslink_deleted AFTER DELETE ON catalog_crosslink
    REFERENCING OLD TABLE AS old_links
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_crosslink_changed();
CREATE TRIGGER catalog_crosslink_updated AFTER UPDATE ON catalog_crosslink
    REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_crosslink_changed();
CREATE TRIGGER catalog_crosslink_truncated AFTER TRUNCATE ON catalog_crosslink
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_crosslink_changed();

SELECT catalog_crossneighbours_rebuild();
ANALYZE catalog_crossneighbours;
"""

DROP = """
DROP TRIGGER catalog_crosslink_inserted ON catalog_crosslink;
DROP TRIGGER catalog_crosslink_deleted ON catalog_crosslink;
DROP TRIGGER catalog_crosslink_updated ON catalog_crosslink;
DROP TRIGGER catalog_crosslink_truncated ON catalog_crosslink;
DROP FUNCTION catalog_crosslink_changed();
DROP FUNCTION catalog_crossneighbours_rebuild();
DROP FUNCTION catalog_crossneighbours_refresh(bigint[]);
DROP TABLE catalog_crossneighbours;
"""


def create(apps, schema_editor):
    # `schema_editor` is None when the tests' conftest re-runs our data migrations after a flush:
    # nothing to do then (the table and its triggers are schema, not data).
    if schema_editor is not None and schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_import_job_lease"),
    ]

    operations = [migrations.RunPython(create, drop)]
