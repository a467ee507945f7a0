"""Fill the bench PostgreSQL database with a large parts catalog (issue 3, «Performance»).

    .venv/bin/python bench/generate_catalog.py            # 1,000,000 products (default)
    .venv/bin/python bench/generate_catalog.py --force    # drop the bench catalog and redo it

Creates the database when missing, applies the migrations of accounts, catalog and cart, then
streams rows with PostgreSQL COPY into the real tables of `mprating/catalog/models.py`:

- ~200 brands (Zipf-sized: BOSCH has ~100k products, the tail a few hundred) with a few aliases;
- products whose articles look like part numbers of their brand («0 986 452 041», «HU 719/7 X»,
  «1K0 407 151 A», «04465-33471»), `article_normalized` by `normalize_article`; the same article
  exists under several brands now and then, as in real catalogs (the client picks the brand);
- cross-references in clusters of interchangeable parts (a hub linked to every member, the other
  members linked with probability 0.4, so the graph is full of cycles), and most products also
  crossed to a product of another cluster (so deeper schemes reach further: depth 1 / 2 / 3
  meet ~11 / ~40 / ~140 products on average, p95 ~35 / ~100 / ~310); ~5 % of products have
  no cross at all, a hub of a big cluster has ~200;
- offers over three warehouses, one of each kind (home, transit, marketplace Wildberries), a
  product on ~2.15 of them, with prices, stock (some zero), minimum order, delivery days and
  return policies.

Deterministic (fixed seed: the same ids, articles and crosses every run), idempotent (a second
run sees the data and stops; `--force` truncates the catalog tables and regenerates), memory
modest (rows are streamed into COPY chunk by chunk; the largest Python structure is an array
of one million 2-byte brand numbers; peak RSS ~80 MB with Django loaded).

Loading is fast because the secondary indexes, unique and foreign-key constraints of the three
big tables are dropped before COPY and rebuilt after it (PostgreSQL «Populating a Database»),
from their own `pg_get_indexdef` / `pg_get_constraintdef` text, and the script checks that the
schema afterwards is exactly what it was. COPY runs WITH FREEZE into tables truncated in the
same transaction, then `VACUUM (ANALYZE)` sets the visibility map and the planner statistics.
The cross links' trigger (each product's links as one array for the search, catalog migration
0004) is off during their COPY; `catalog_crossneighbours_rebuild()` then fills the arrays at once.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from array import array
from bisect import bisect_right
from contextlib import contextmanager
from math import gcd, prod
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common
from mprating.catalog.normalize import normalize_article, normalize_brand

SEED = 20261122
UPDATED_AT = "2026-11-20 09:00:00+03"
CHUNK_ROWS = 20_000

# --- article templates -------------------------------------------------------------------------
# '#' a digit, '@' a letter (no I, O, Q as in most part numbers), '?' either; the rest is literal.
DIGITS = "0123456789"
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
SLOT_ALPHABETS = {"#": DIGITS, "@": LETTERS, "?": DIGITS + LETTERS}


class Template:
    """A part-number shape and a bijection from 0..capacity-1 onto the numbers of that shape.

    Brand by brand the k-th product gets `render(k)`: an affine permutation modulo the capacity
    (a multiplier coprime with it) spreads consecutive k over the whole space, so articles look
    random yet never repeat within the brand.
    """

    def __init__(self, text: str, rng: random.Random) -> None:
        self.text = text
        self.slots = [(i, SLOT_ALPHABETS[ch]) for i, ch in enumerate(text) if ch in SLOT_ALPHABETS]
        self.capacity = prod(len(alphabet) for _, alphabet in self.slots)
        mult = rng.randrange(self.capacity // 3, self.capacity) | 1
        while gcd(mult, self.capacity) != 1:
            mult += 2
        self.mult = mult
        self.offset = rng.randrange(self.capacity)

    def render(self, k: int) -> str:
        x = (k * self.mult + self.offset) % self.capacity
        chars = list(self.text)
        for position, alphabet in reversed(self.slots):
            x, r = divmod(x, len(alphabet))
            chars[position] = alphabet[r]
        return "".join(chars)

    def shape(self) -> list[set[str]]:
        """Per position of the normalized article: which characters it can hold."""
        return [
            set(SLOT_ALPHABETS[ch]) if ch in SLOT_ALPHABETS else {ch}
            for ch in normalize_article(self.text)
        ]


def disjoint(a: Template, b: Template) -> bool:
    """True when no normalized article can come out of both templates."""
    shape_a, shape_b = a.shape(), b.shape()
    return len(shape_a) != len(shape_b) or any(
        not (x & y) for x, y in zip(shape_a, shape_b, strict=True)
    )


# Brands by rank (rank 1 is the biggest), with their part-number shapes; brands without shapes
# take one from TAIL_TEMPLATES, so tail brands share shapes and sometimes share articles.
BRANDS: list[tuple[str, list[str]]] = [
    ("BOSCH", ["0 986 ### ###", "F 026 ### ###", "1 987 ### ###"]),
    ("FEBI BILSTEIN", ["######"]),
    ("MANN-FILTER", ["W ####/#", "HU ###/# X", "C ##/###", "CU ####", "WK ####/#", "PU ####"]),
    ("MAHLE", ["OC ####", "OX ####D", "LX ####", "KL ####", "LA ####"]),
    ("LEMFÖRDER", ["##### ##"]),
    ("TRW", ["GDB####", "DF####", "JTE####", "JBU####"]),
    ("SACHS", ["### ### ###"]),
    ("VALEO", ["######"]),
    ("HELLA", ["#@@ ### ###-###"]),
    ("GATES", ["#PK####", "K0#####XS", "T#####"]),
    ("CONTITECH", ["CT####K#", "#PK####"]),
    ("SKF", ["VKBA ####", "VKMA #####", "VKPC #####"]),
    ("INA", ["### #### ##"]),
    ("LUK", ["### #### ##"]),
    ("KYB", ["######", "@##-###"]),
    ("VAG", ["#@# ### ### @", "0#@ ### ### @@"]),
    ("TOYOTA", ["#####-#####"]),
    ("MERCEDES-BENZ", ["A ### ### ## ##"]),
    ("BMW", ["## ## # ### ###"]),
    ("HYUNDAI/KIA", ["#####-#@@##"]),
    ("NISSAN", ["#####-@@##@"]),
    ("RENAULT", ["## ## ### ###"]),
    ("FORD", ["# ### ###"]),
    ("OPEL", ["## ## ###"]),
    ("AVTOVAZ", ["####-#######"]),
    ("MEYLE", ["###-### ####"]),
    ("SWAG", ["## ## ####"]),
    ("TOPRAN", ["### ###"]),
    ("BREMBO", ["##.@###.##", "P ## ###"]),
    ("ATE", ["##.####-####.#"]),
    ("NGK", ["@@@#@-##", "####"]),
    ("DENSO", ["@@@-####", "###-####"]),
    ("ELRING", ["###.###"]),
    ("VICTOR REINZ", ["##-#####-##"]),
    ("CORTECO", ["#####@"]),
    ("MONROE", ["@####"]),
    ("BILSTEIN", ["##-######"]),
    ("TEXTAR", ["#######"]),
    ("ZIMMERMANN", ["###.####.##"]),
    ("FILTRON", ["OP ###/#", "AP ###/#", "K ####"]),
]
# `_` stands for a space inside a name.
_TAIL_NAMES_TEXT = """
PAGID FERODO JURID BERU CHAMPION AJUSA GOETZE KOLBENSCHMIDT PIERBURG HEPU DAYCO OPTIMAL VAICO
VEMO ACKOJA RUVILLE FAG SNR NK BLUE_PRINT ASHIKA JAPANPARTS NIPPARTS KAVO_PARTS KNECHT UFI
SOFIMA PURFLUX HENGST_FILTER DELPHI MOOG CTR 555 GMB AISIN EXEDY NISSENS NRF BEHR VDO
MAGNETI_MARELLI METZGER FACET ERA WALKER BOSAL FISCHER LESJÖFORS EIBACH K&N TRISCAN
QUINTON_HAZELL BORG_&_BECK FIRST_LINE MINTEX DELCO_REMY LPR REMSA ICER HERTH+BUSS_ELPARTS
HERTH+BUSS_JAKOPARTS STELLOX SIDEM BIRTH LEMA OCAP DELLO AUTOMEGA FEBEST MASUMA GSP SPIDAN
LÖBRO GKN SASIC FORTUNE_LINE MAXGEAR A.B.S. KRAFT AKS_DASIS THERMOTEC POLMO DOLZ GRAF SIL
METELLI HUTCHINSON SWF TRICO OSRAM PHILIPS NARVA TUNGSRAM VARTA BANNER EXIDE TOTACHI
LIQUI_MOLY MOTUL CASTROL MOBIL SHELL TOTAL ELF ZIC LUKOIL ROSNEFT G-ENERGY SINTEC FENOX
TRIALLI LUZAR BALO BELMAG STARTVOLT PILENGA ZF STABILUS MITSUBISHI HONDA MAZDA SUBARU SUZUKI
VOLVO CHEVROLET PEUGEOT-CITROEN FIAT SSANGYONG CHERY GEELY HAVAL GREAT_WALL LIFAN UAZ GAZ
KAMAZ MAZ PATRON MANDO HSB CTR_KOREA PARTS-MALL GMB_KOREA KASHIYAMA NIBK AKEBONO SANGSIN
HI-Q VALEO_SERVICE MARSHALL ROSTAR TRODO ORIGINAL_IMPERIUM DK_SERVICE JS_ASAKASHI SAKURA
MFILTER BIG_FILTER NEVSKY_FILTER TSN LYNXAUTO MILES ZEKKERT KORTEX SAT MASTER_SPORT
FRENKIT SEINSA BGA PAYEN AUTOFREN HERZOG DEPA TYC VAN_WEZEL POLCAR
"""
TAIL_NAMES = _TAIL_NAMES_TEXT.split()
TAIL_TEMPLATES = [
    "#####",
    "@@ ####",
    "@@@-####",
    "## ### ###",
    "@####",
    "#### ###",
    "@@-### ##",
    "###.###",
    "@@@ ###",
    "@@####@",
]
BRAND_ALIASES = {
    "MANN": "MANN-FILTER",
    "FEBI": "FEBI BILSTEIN",
    "VW": "VAG",
    "VOLKSWAGEN": "VAG",
    "AUDI": "VAG",
    "MB": "MERCEDES-BENZ",
    "MERCEDES": "MERCEDES-BENZ",
    "HENGST": "HENGST FILTER",
    "CONTINENTAL": "CONTITECH",
    "REINZ": "VICTOR REINZ",
    "LADA": "AVTOVAZ",
    "ВАЗ": "AVTOVAZ",
    "HYUNDAI": "HYUNDAI/KIA",
    "KIA": "HYUNDAI/KIA",
    "MAGNETI": "MAGNETI MARELLI",
    "MARELLI": "MAGNETI MARELLI",
}

# --- categories and product names ---------------------------------------------------------------
CATEGORY_TREE: list[tuple[str, str, list[tuple[str, str, list[str]]]]] = [
    (
        "filters",
        "Фильтры",
        [
            ("oil-filter", "Фильтр масляный", [""]),
            ("air-filter", "Фильтр воздушный", [""]),
            ("cabin-filter", "Фильтр салона", ["", " угольный"]),
            ("fuel-filter", "Фильтр топливный", [""]),
        ],
    ),
    (
        "brakes",
        "Тормозная система",
        [
            ("brake-pads", "Колодки тормозные", [" передние", " задние"]),
            ("brake-discs", "Диск тормозной", [" передний", " задний"]),
            ("abs-sensor", "Датчик ABS", [" передний", " задний"]),
        ],
    ),
    (
        "suspension",
        "Подвеска и рулевое управление",
        [
            ("shock-absorbers", "Амортизатор", [" передний", " задний"]),
            ("control-arms", "Рычаг подвески", [" передний левый", " передний правый"]),
            ("ball-joints", "Шаровая опора", [""]),
            ("tie-rod-ends", "Наконечник рулевой тяги", [" левый", " правый"]),
            ("wheel-bearings", "Подшипник ступицы", [" передний", " задний"]),
            ("stabilizer-links", "Стойка стабилизатора", [""]),
        ],
    ),
    (
        "engine",
        "Двигатель",
        [
            ("timing-belt-kits", "Комплект ГРМ", ["", " с помпой"]),
            ("drive-belts", "Ремень поликлиновой", [""]),
            ("water-pumps", "Насос водяной", [""]),
            ("thermostats", "Термостат", [""]),
            ("gaskets", "Прокладка клапанной крышки", [""]),
            ("spark-plugs", "Свеча зажигания", [""]),
        ],
    ),
    (
        "electrics",
        "Электрика и освещение",
        [
            ("bulbs", "Лампа", [" H7", " H4", " W5W"]),
            ("wipers", "Щётка стеклоочистителя", [" 550 мм", " 600 мм"]),
            ("batteries", "Аккумулятор", [" 60 А·ч", " 75 А·ч"]),
        ],
    ),
]

# --- cross-reference graph ------------------------------------------------------------------------
SINGLETON_SHARE = 0.40  # of clusters: products nobody crosses
LARGE_CLUSTER_SHARE = 0.02  # of clusters: universal parts with dozens of analogs
PAIR_PROBABILITY = 0.40  # two non-hub members of one cluster are linked
BRIDGE_PROBABILITY = 0.80  # a product is also linked to a product of another cluster
MAX_CLUSTER = 200
CROSS_SOURCES = ["TecDoc", "Прайс ПартсПлюс", "Каталог OE", "Менеджер"]

WAREHOUSES = [
    # code, name, kind, marketplace, share of products with an offer there
    ("bench-home", "Домашний склад (Москва)", "home", "", 0.55),
    ("bench-transit", "Транзитный склад «ПартсПлюс»", "transit", "", 0.85),
    ("bench-wb", "Wildberries", "marketplace", "wildberries", 0.75),
]
BIG_TABLES = ["catalog_product", "catalog_offer", "catalog_crosslink"]
SMALL_TABLES = ["catalog_brand", "catalog_brandalias", "catalog_category", "catalog_warehouse"]


@contextmanager
def timed(label: str):
    print(f"{label}…", end=" ", flush=True)
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    print(f"{elapsed:.1f} s", flush=True)


class Catalog:
    """The deterministic shape of the catalog, computed once (small) and rendered row by row."""

    def __init__(self, n_products: int, seed: int) -> None:
        self.n = n_products
        self.seed = seed
        names = [name for name, _ in BRANDS] + [name.replace("_", " ") for name in TAIL_NAMES]
        normalized = {normalize_brand(name) for name in names}
        if len(normalized) != len(names) or normalized & {
            normalize_brand(a) for a in BRAND_ALIASES
        }:
            raise SystemExit("Two brands (or a brand and an alias) normalize to the same name.")
        self.brand_names = names
        rng = random.Random(f"{seed}-brands")
        self.brand_templates: list[list[Template]] = []
        for rank in range(len(names)):
            texts = BRANDS[rank][1] if rank < len(BRANDS) else [TAIL_TEMPLATES[rank % 10]]
            self.brand_templates.append([Template(text, rng) for text in texts])
        self.brand_sizes = _zipf_sizes(n_products, len(names), exponent=0.8)
        self._check_templates()

        # Which brand each product id has: exact sizes, shuffled (2 bytes a product).
        brand_of = array("H")
        for index, size in enumerate(self.brand_sizes):
            brand_of.extend([index] * size)
        random.Random(f"{seed}-brand-order").shuffle(brand_of)
        self.brand_of = brand_of

        # Clusters of interchangeable products over "positions"; product id = perm(position).
        rng = random.Random(f"{seed}-clusters")
        starts = array("l")
        position = 0
        while position < n_products:
            size = min(_cluster_size(rng), n_products - position)
            starts.append(position)
            position += size
        self.cluster_starts = starts
        self.n_clusters = len(starts)
        self.perm_mult = _coprime_near(int(n_products * 0.6180339887), n_products)
        self.perm_offset = 7919 % n_products
        self.perm_inverse = pow(self.perm_mult, -1, n_products)

        leaves = [
            (leaf_code, leaf_name, qualifiers)
            for _, _, children in CATEGORY_TREE
            for leaf_code, leaf_name, qualifiers in children
        ]
        self.leaves = leaves

    def _check_templates(self) -> None:
        for name, templates, size in zip(
            self.brand_names, self.brand_templates, self.brand_sizes, strict=True
        ):
            per_template = -(-size // len(templates))
            for i, a in enumerate(templates):
                if per_template > a.capacity:
                    raise SystemExit(f"{name}: {a.text!r} holds {a.capacity}, needs {size}")
                for b in templates[i + 1 :]:
                    if not disjoint(a, b):
                        raise SystemExit(f"{name}: {a.text!r} and {b.text!r} overlap")

    def product_id(self, position: int) -> int:
        return (position * self.perm_mult + self.perm_offset) % self.n + 1

    def cluster_of(self, product_id: int) -> int:
        position = ((product_id - 1 - self.perm_offset) * self.perm_inverse) % self.n
        return bisect_right(self.cluster_starts, position) - 1

    def cluster_span(self, cluster: int) -> tuple[int, int]:
        start = self.cluster_starts[cluster]
        end = self.cluster_starts[cluster + 1] if cluster + 1 < self.n_clusters else self.n
        return start, end - start

    def cluster_members(self, cluster: int) -> list[int]:
        start, size = self.cluster_span(cluster)
        return [self.product_id(position) for position in range(start, start + size)]

    def cluster_kind(self, cluster: int) -> tuple[int, int]:
        """(leaf category index, qualifier index): every member of a cluster is the same part."""
        mixed = (cluster * 2654435761 + self.seed) & 0xFFFFFFFF
        leaf = mixed % len(self.leaves)
        qualifier = (mixed >> 8) % len(self.leaves[leaf][2])
        return leaf, qualifier


def _zipf_sizes(total: int, count: int, *, exponent: float) -> list[int]:
    weights = [1 / (rank**exponent) for rank in range(1, count + 1)]
    scale = total / sum(weights)
    sizes = [int(w * scale) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % count] += 1
    return sizes


def _cluster_size(rng: random.Random) -> int:
    draw = rng.random()
    if draw < SINGLETON_SHARE:
        return 1
    if draw < 1 - LARGE_CLUSTER_SHARE:
        return 2 + int(rng.expovariate(1 / 9))
    return min(MAX_CLUSTER, 30 + int(rng.expovariate(1 / 30)))


def _coprime_near(value: int, modulus: int) -> int:
    value = max(1, value)
    while gcd(value, modulus) != 1:
        value += 1
    return value


def _money(kopecks: int) -> str:
    return f"{kopecks // 100}.{kopecks % 100:02d}"


# --- row streams (text COPY format: tab-separated, \N for NULL) ---------------------------------
def product_rows(catalog: Catalog, brand_ids: list[int], leaf_ids: list[int]):
    counters = [0] * len(catalog.brand_names)
    for product_id in range(1, catalog.n + 1):
        brand = catalog.brand_of[product_id - 1]
        k = counters[brand]
        counters[brand] = k + 1
        templates = catalog.brand_templates[brand]
        article = templates[k % len(templates)].render(k // len(templates))
        leaf, qualifier = catalog.cluster_kind(catalog.cluster_of(product_id))
        _, leaf_name, qualifiers = catalog.leaves[leaf]
        yield (
            f"{product_id}\t{brand_ids[brand]}\t{article}\t{normalize_article(article)}\t"
            f"{leaf_name}{qualifiers[qualifier]}\t{leaf_ids[leaf]}\n"
        )


def crosslink_rows(catalog: Catalog):
    """Pairs (a < b), unique by construction: pairs inside a cluster are enumerated once; a
    bridge joins a product to a member of a cluster 1..C/2-1 positions further on, at most one
    bridge starts from a product, so no bridge repeats another or a pair inside a cluster."""
    rng = random.Random(f"{catalog.seed}-crosses")
    n_clusters = catalog.n_clusters
    max_offset = min(50_000, n_clusters // 2 - 1)
    next_id = 1
    sources = CROSS_SOURCES
    rand = rng.random

    def row(a: int, b: int) -> str:
        nonlocal next_id
        if a > b:
            a, b = b, a
        line = f"{next_id}\t{a}\t{b}\t{sources[(a + b) % 4]}\n"
        next_id += 1
        return line

    for cluster in range(n_clusters):
        members = catalog.cluster_members(cluster)
        size = len(members)
        if size < 2:
            continue
        hub = members[0]
        for other in members[1:]:
            yield row(hub, other)
        for i in range(1, size):
            first = members[i]
            for j in range(i + 1, size):
                if rand() < PAIR_PROBABILITY:
                    yield row(first, members[j])
        if max_offset < 1:
            continue
        for member in members:
            if rand() >= BRIDGE_PROBABILITY:
                continue
            target = (cluster + rng.randint(1, max_offset)) % n_clusters
            start, target_size = catalog.cluster_span(target)
            if target_size >= 2:
                yield row(member, catalog.product_id(start + rng.randrange(target_size)))


def offer_rows(catalog: Catalog, warehouse_ids: list[int]):
    rng = random.Random(f"{catalog.seed}-offers")
    rand = rng.random
    next_id = 1
    home, transit, market = warehouse_ids
    shares = [(warehouse_ids[i], spec[4]) for i, spec in enumerate(WAREHOUSES)]
    for product_id in range(1, catalog.n + 1):
        leaf, _ = catalog.cluster_kind(catalog.cluster_of(product_id))
        # Base price in kopecks: a level per category (300 … 2,200 ₽), log-normal spread.
        base = (30_000 + (leaf * 7919) % 570_000) * rng.lognormvariate(0, 0.45)
        # Every product is on sale somewhere: the marketplace takes the ones left without offers.
        chosen = [w for w, share in shares if rand() < share] or [market]
        for warehouse in chosen:
            if warehouse == home:
                price = int(base * 1.05)
                quantity = 0 if rand() < 0.12 else rng.randint(1, 40)
                delivery, returnable, return_days, deduction = 0, "t", 14, "0.00"
            elif warehouse == transit:
                price = int(base * (0.92 + rand() * 0.1))
                quantity = 0 if rand() < 0.08 else rng.randint(1, 500)
                delivery = rng.randint(1, 10)
                returnable = "f" if rand() < 0.2 else "t"
                return_days, deduction = (0, "0.00") if returnable == "f" else (7, "10.00")
            else:
                price = int(base * (0.85 + rand() * 0.3))
                quantity = 0 if rand() < 0.15 else rng.randint(1, 120)
                delivery, returnable, return_days, deduction = rng.randint(1, 5), "t", 14, "0.00"
            min_order = 1 if rand() < 0.9 else rng.choice((2, 4, 10))
            yield (
                f"{next_id}\t{product_id}\t{warehouse}\t{_money(price)}\t{quantity}\t"
                f"{min_order}\t{delivery}\t{returnable}\t{return_days}\t{deduction}\t"
                f"{UPDATED_AT}\n"
            )
            next_id += 1


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    count = 0
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FREEZE)"
    with cursor.copy(statement) as copy:
        chunk: list[str] = []
        for line in rows:
            chunk.append(line)
            if len(chunk) >= CHUNK_ROWS:
                copy.write("".join(chunk))
                count += len(chunk)
                chunk.clear()
        if chunk:
            copy.write("".join(chunk))
            count += len(chunk)
    return count


# --- schema handling ---------------------------------------------------------------------------
def secondary_schema(cursor, tables: list[str]) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """(indexes, unique constraints, foreign keys) of `tables` that slow COPY down, with the
    exact DDL text PostgreSQL gives for them. Primary keys and CHECK constraints stay."""
    cursor.execute(
        """
        SELECT c.relname, i.relname, pg_get_indexdef(x.indexrelid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class c ON c.oid = x.indrelid
        WHERE c.relname = ANY(%s) AND NOT x.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
        ORDER BY 1, 2
        """,
        [tables],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        """
        SELECT c.relname, k.conname, pg_get_constraintdef(k.oid), k.contype
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        WHERE c.relname = ANY(%s) AND k.contype IN ('u', 'f')
        ORDER BY 1, 2
        """,
        [tables],
    )
    rows = cursor.fetchall()
    uniques = [row[:3] for row in rows if row[3] == "u"]
    foreign_keys = [row[:3] for row in rows if row[3] == "f"]
    return indexes, uniques, foreign_keys


def drop_secondary(cursor, indexes, uniques, foreign_keys) -> None:
    for table, name, _ in foreign_keys + uniques:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for _, name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')


def restore_secondary(cursor, indexes, uniques, foreign_keys) -> None:
    for table, name, definition in uniques:
        with timed(f"  unique {name} on {table}"):
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for _, name, definition in indexes:
        with timed(f"  index {name}"):
            cursor.execute(definition)
    for table, name, definition in foreign_keys:
        with timed(f"  foreign key {name} on {table}"):
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


# --- main ----------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", help=f"default: $BENCH_DATABASE_URL or {_common.DEFAULT_URL}"
    )
    parser.add_argument("--products", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--force", action="store_true", help="truncate the catalog and regenerate")
    args = parser.parse_args()

    url = _common.database_url(args.database_url)
    started = time.perf_counter()
    print(f"Bench database: {_common.database_name(url)}")
    with timed("Database and migrations"):
        if _common.ensure_database(url):
            print("(created)", end=" ")
        _common.setup_django(url, debug=True)
        _common.migrate()

    import psycopg

    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalog_product")
        existing = cursor.fetchone()[0]
        if existing and not args.force:
            counts = _common.row_counts(cursor)
            print("The bench catalog is already there (use --force to regenerate):")
            for table, count in counts.items():
                print(f"  {table:20} {count:>12,}")
            return

        with timed("Shape of the catalog (brands, clusters)"):
            catalog = Catalog(args.products, args.seed)
        print(f"  {len(catalog.brand_names)} brands, {catalog.n_clusters:,} cross clusters")

        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        indexes, uniques, foreign_keys = secondary_schema(cursor, BIG_TABLES)
        schema_before = (indexes, uniques, foreign_keys)

        with timed("Truncate the catalog"):
            # CASCADE also empties what refers to the catalog (bench carts, orders).
            cursor.execute(
                "TRUNCATE catalog_crosslink, catalog_offer, catalog_applicability, "
                "catalog_product, catalog_brandalias, catalog_brand, catalog_category, "
                "catalog_warehouse RESTART IDENTITY CASCADE"
            )
            drop_secondary(cursor, indexes, uniques, foreign_keys)

        with timed("Brands, aliases, categories, warehouses"):
            brand_ids = _insert_brands(cursor, catalog.brand_names)
            leaf_ids = _insert_categories(cursor)
            warehouse_ids = _insert_warehouses(cursor)

        with timed(f"COPY {catalog.n:,} products"):
            copy_rows(
                cursor,
                "catalog_product",
                ["id", "brand_id", "article", "article_normalized", "name", "category_id"],
                product_rows(catalog, brand_ids, leaf_ids),
            )
        with timed("COPY offers"):
            n_offers = copy_rows(
                cursor,
                "catalog_offer",
                [
                    "id",
                    "product_id",
                    "warehouse_id",
                    "price",
                    "quantity",
                    "min_order_quantity",
                    "delivery_days",
                    "is_returnable",
                    "return_days",
                    "return_deduction_percent",
                    "updated_at",
                ],
                offer_rows(catalog, warehouse_ids),
            )
        print(f"  {n_offers:,} offers")
        with timed("COPY cross-references"):
            # Its statement trigger would recompute the links of all 1M products one by one
            # (catalog migration 0004); `catalog_crossneighbours_rebuild()` fills them at once
            # below. Off in this transaction only.
            cursor.execute(
                "ALTER TABLE catalog_crosslink DISABLE TRIGGER catalog_crosslink_inserted"
            )
            n_crosses = copy_rows(
                cursor,
                "catalog_crosslink",
                ["id", "product_a_id", "product_b_id", "source"],
                crosslink_rows(catalog),
            )
            cursor.execute(
                "ALTER TABLE catalog_crosslink ENABLE TRIGGER catalog_crosslink_inserted"
            )
        print(f"  {n_crosses:,} cross-reference pairs")

        print("Rebuilding indexes and constraints:")
        rebuild_started = time.perf_counter()
        restore_secondary(cursor, indexes, uniques, foreign_keys)
        rebuild = time.perf_counter() - rebuild_started
        print(f"Indexes and constraints: {rebuild:.1f} s in all")
        for table in ["catalog_product", "catalog_offer", "catalog_crosslink", "catalog_brand"]:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        if secondary_schema(cursor, BIG_TABLES) != schema_before:
            raise SystemExit("The rebuilt indexes/constraints differ from the original ones.")
        with timed("Each product's cross links as one array (the search's walk)"):
            cursor.execute("SELECT catalog_crossneighbours_rebuild()")
        with timed("Commit"):
            conn.commit()

    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        with timed("VACUUM (ANALYZE)"):
            for table in [*BIG_TABLES, *SMALL_TABLES, "catalog_crossneighbours"]:
                cursor.execute(f"VACUUM (ANALYZE) {table}")
        counts = _common.row_counts(cursor)
        cursor.execute(
            "SELECT count(*) FROM (SELECT article_normalized FROM catalog_product "
            "GROUP BY 1 HAVING count(*) > 1) t"
        )
        shared_articles = cursor.fetchone()[0]

    print(f"Done in {time.perf_counter() - started:.1f} s.")
    for table, count in counts.items():
        print(f"  {table:20} {count:>12,}")
    print(f"  articles under several brands: {shared_articles:,}")


def _insert_brands(cursor, names: list[str]) -> list[int]:
    ids = []
    for index, name in enumerate(names, start=1):
        cursor.execute(
            "INSERT INTO catalog_brand (id, name, name_normalized) VALUES (%s, %s, %s)",
            [index, name, normalize_brand(name)],
        )
        ids.append(index)
    by_name = dict(zip(names, ids, strict=True))
    for alias, brand in BRAND_ALIASES.items():
        cursor.execute(
            "INSERT INTO catalog_brandalias (brand_id, alias, alias_normalized) "
            "VALUES (%s, %s, %s)",
            [by_name[brand], alias, normalize_brand(alias)],
        )
    return ids


def _insert_categories(cursor) -> list[int]:
    leaf_ids = []
    for order, (code, name, children) in enumerate(CATEGORY_TREE, start=1):
        cursor.execute(
            "INSERT INTO catalog_category (code, name, sort_order, parent_id) "
            "VALUES (%s, %s, %s, NULL) RETURNING id",
            [code, name, order * 10],
        )
        parent_id = cursor.fetchone()[0]
        for child_order, (child_code, child_name, _) in enumerate(children, start=1):
            cursor.execute(
                "INSERT INTO catalog_category (code, name, sort_order, parent_id) "
                "VALUES (%s, %s, %s, %s) RETURNING id",
                [child_code, child_name, child_order * 10, parent_id],
            )
            leaf_ids.append(cursor.fetchone()[0])
    return leaf_ids


def _insert_warehouses(cursor) -> list[int]:
    ids = []
    for code, name, kind, marketplace, _ in WAREHOUSES:
        cursor.execute(
            "INSERT INTO catalog_warehouse (code, name, kind, marketplace, is_active) "
            "VALUES (%s, %s, %s, %s, true) RETURNING id",
            [code, name, kind, marketplace],
        )
        ids.append(cursor.fetchone()[0])
    return ids


if __name__ == "__main__":
    main()
