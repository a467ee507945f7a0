"""Three single-column foreign-key indexes that other indexes already cover (issue 13).

`catalog_offer.product_id` is the first column of the unique `catalog_offer_unique`,
`catalog_offer.warehouse_id` had `catalog_offer_warehouse` twice over, and
`catalog_crosslink.product_b_id` is the first column of `catalog_cross_b_a`. Every offer and cross
link written paid for them (58 MB for the cross links alone at 6M pairs).

Django's AlterField would drop each foreign key, drop its index and add the key back, re-checking
every row under a lock; only the index has to go. The names are Django's (the same on SQLite and
PostgreSQL), and the reverse creates each index as Django did.
"""

import django.db.models.deletion
from django.db import migrations, models

from mprating.core.migration_ops import drop_covered_indexes

COVERED_INDEXES = [
    ("catalog_offer", "product_id", "catalog_offer_product_id_24aa325e"),
    ("catalog_offer", "warehouse_id", "catalog_offer_warehouse_id_32bf1bf7"),
    ("catalog_crosslink", "product_b_id", "catalog_crosslink_product_b_id_09569b6b"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_cross_neighbours"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=drop_covered_indexes(COVERED_INDEXES),
            state_operations=[
                migrations.AlterField(
                    model_name="offer",
                    name="product",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="offers",
                        to="catalog.product",
                    ),
                ),
                migrations.AlterField(
                    model_name="offer",
                    name="warehouse",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="offers",
                        to="catalog.warehouse",
                    ),
                ),
                migrations.AlterField(
                    model_name="crosslink",
                    name="product_b",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="catalog.product",
                    ),
                ),
            ],
        ),
    ]
