"""Demo catalog a person can search (wired into `seed_demo`).

Real-looking brands and articles, Russian names, a category tree, four warehouses of the three
kinds (Склад Москва, two transit suppliers, a Wildberries warehouse), offers with varied prices,
stock, terms and return policies, cross-links forming chains and cycles, and a small vehicle
reference with applicability for «Подбор по параметрам».

Deterministic: the whole plan is drawn from one seeded `random.Random` before anything is
written, so the data do not depend on what is already in the database. Idempotent: everything is
found by its natural key (brand + article, category code, warehouse code, car names); existing
offers are left as they are, so a second run changes nothing. Vehicles are created with
get_or_create, so a later full import of the vehicle reference coexists with them.
"""

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from django.db import transaction

from mprating.catalog import services
from mprating.catalog.models import Applicability, Brand, Category, Offer, Product, Warehouse
from mprating.catalog.normalize import normalize_article
from mprating.catalog.search import analogs_of
from mprating.vehicles.models import Generation, Make, Modification, VehicleModel

SEED = 20260403
SOURCE = "демо-данные"

WAREHOUSES = [
    # code, name, kind, marketplace
    ("msk", "Склад Москва", Warehouse.Kind.HOME, ""),
    ("supplier-north", "Поставщик «Север»", Warehouse.Kind.TRANSIT, ""),
    ("supplier-east", "Поставщик «Восток»", Warehouse.Kind.TRANSIT, ""),
    ("wb-koledino", "Wildberries Коледино", Warehouse.Kind.MARKETPLACE, "wildberries"),
]

# code, name, parent code
CATEGORIES = [
    ("to", "ТО и фильтры", None),
    ("oil-filters", "Масляные фильтры", "to"),
    ("air-filters", "Воздушные фильтры", "to"),
    ("cabin-filters", "Салонные фильтры", "to"),
    ("brakes", "Тормозная система", None),
    ("brake-pads", "Колодки тормозные", "brakes"),
    ("brake-discs", "Диски тормозные", "brakes"),
    ("ignition", "Зажигание", None),
    ("spark-plugs", "Свечи зажигания", "ignition"),
    ("suspension", "Подвеска", None),
    ("shock-absorbers", "Амортизаторы", "suspension"),
    ("stabilizer-links", "Стойки стабилизатора", "suspension"),
    ("engine", "Двигатель", None),
    ("timing-belts", "Ремни ГРМ", "engine"),
]

# «LEMFORDER» needs no alias: brand names are compared without diacritics (normalize.py).
BRAND_ALIASES = {"LEMFÖRDER": ["LEMFOERDER"], "HYUNDAI/KIA": ["MOBIS", "HYUNDAI", "KIA"]}

# platform → make, model, generation (name, years), modifications (name, engine, l, hp, fuel,
# gearbox)
VEHICLES = {
    "lada": [
        (
            ("Lada", 1),
            "Vesta",
            ("I", 2015, None),
            [
                ("1.6 MT 106 л.с.", "ВАЗ-21129", "1.6", 106, "mt"),
                ("1.8 AMT 122 л.с.", "ВАЗ-21179", "1.8", 122, "amt"),
            ],
        ),
        (
            ("Lada", 1),
            "Granta",
            ("I рестайлинг", 2018, None),
            [
                ("1.6 MT 87 л.с.", "ВАЗ-11186", "1.6", 87, "mt"),
                ("1.6 MT 106 л.с.", "ВАЗ-21127", "1.6", 106, "mt"),
            ],
        ),
    ],
    "korean": [
        (
            ("Kia", 100),
            "Rio",
            ("IV", 2017, 2023),
            [
                ("1.4 MT 100 л.с.", "G4LC", "1.4", 100, "mt"),
                ("1.6 AT 123 л.с.", "G4FG", "1.6", 123, "at"),
            ],
        ),
        (
            ("Hyundai", 100),
            "Solaris",
            ("II", 2017, 2022),
            [
                ("1.4 MT 100 л.с.", "G4LC", "1.4", 100, "mt"),
                ("1.6 AT 123 л.с.", "G4FG", "1.6", 123, "at"),
            ],
        ),
    ],
    "vag": [
        (
            ("Volkswagen", 100),
            "Polo",
            ("V", 2010, 2020),
            [
                ("1.6 MT 90 л.с.", "CFNB", "1.6", 90, "mt"),
                ("1.6 AT 110 л.с.", "CFNA", "1.6", 110, "at"),
            ],
        ),
    ],
    "renault": [
        (
            ("Renault", 100),
            "Logan",
            ("II", 2014, 2022),
            [
                ("1.6 MT 82 л.с.", "K7M", "1.6", 82, "mt"),
                ("1.6 MT 113 л.с.", "H4M", "1.6", 113, "mt"),
            ],
        ),
    ],
    "toyota": [
        (
            ("Toyota", 100),
            "Camry",
            ("XV70", 2017, None),
            [
                ("2.0 AT 150 л.с.", "6AR-FSE", "2.0", 150, "at"),
                ("2.5 AT 181 л.с.", "2AR-FE", "2.5", 181, "at"),
            ],
        ),
    ],
}
OEM = {
    "lada": "LADA",
    "korean": "HYUNDAI/KIA",
    "vag": "VAG",
    "renault": "RENAULT",
    "toyota": "TOYOTA",
}


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _letters(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(n))


# category code → (product name, base price ₽, minimum order, {brand: article maker})
ARTICLES = {
    "oil-filters": (
        "Фильтр масляный",
        550,
        1,
        {
            "BOSCH": lambda r: f"0 986 452 {_digits(r, 3)}",
            "MANN-FILTER": lambda r: f"W {_digits(r, 3)}/{_digits(r, 2)}",
            "MAHLE": lambda r: f"OC {_digits(r, 3)}",
            "FILTRON": lambda r: f"OP {_digits(r, 3)}",
            "FEBI": lambda r: _digits(r, 5),
        },
    ),
    "air-filters": (
        "Фильтр воздушный",
        700,
        1,
        {
            "BOSCH": lambda r: f"F 026 400 {_digits(r, 3)}",
            "MANN-FILTER": lambda r: f"C {_digits(r, 5)}",
            "MAHLE": lambda r: f"LX {_digits(r, 4)}",
            "FILTRON": lambda r: f"AP {_digits(r, 3)}/{_digits(r, 1)}",
        },
    ),
    "cabin-filters": (
        "Фильтр салонный",
        650,
        1,
        {
            "BOSCH": lambda r: f"1 987 432 {_digits(r, 3)}",
            "MANN-FILTER": lambda r: f"CU {_digits(r, 4)}",
            "MAHLE": lambda r: f"LA {_digits(r, 3)}",
            "FILTRON": lambda r: f"K {_digits(r, 4)}",
        },
    ),
    "brake-pads": (
        "Колодки тормозные передние",
        2900,
        1,
        {
            "BOSCH": lambda r: f"0 986 494 {_digits(r, 3)}",
            "TRW": lambda r: f"GDB{_digits(r, 4)}",
            "ATE": lambda r: f"13.0460-{_digits(r, 4)}.2",
            "FEBI": lambda r: f"16{_digits(r, 3)}",
        },
    ),
    "brake-discs": (
        "Диск тормозной передний",
        3600,
        2,
        {
            "TRW": lambda r: f"DF{_digits(r, 4)}",
            "ATE": lambda r: f"24.0122-{_digits(r, 4)}.1",
            "BOSCH": lambda r: f"0 986 479 {_digits(r, 3)}",
            "FEBI": lambda r: _digits(r, 5),
        },
    ),
    "spark-plugs": (
        "Свеча зажигания",
        450,
        4,
        {
            "NGK": lambda r: (
                f"{r.choice(['BKR', 'ZFR', 'LFR', 'BCPR'])}{r.randint(5, 7)}"
                f"{r.choice(['E', 'EIX', 'F-11', 'EGP'])}"
            ),
            "BOSCH": lambda r: f"0 242 {_digits(r, 3)} {_digits(r, 3)}",
        },
    ),
    "shock-absorbers": (
        "Амортизатор передний газомасляный",
        5200,
        1,
        {
            "SACHS": lambda r: f"31{_digits(r, 1)} {_digits(r, 3)}",
            "KYB": lambda r: f"33{_digits(r, 4)}",
            "FEBI": lambda r: _digits(r, 5),
        },
    ),
    "stabilizer-links": (
        "Стойка стабилизатора передняя",
        1100,
        1,
        {
            "LEMFÖRDER": lambda r: f"3{_digits(r, 4)} 01",
            "TRW": lambda r: f"JTS{_digits(r, 3)}",
            "FEBI": lambda r: _digits(r, 5),
        },
    ),
    "timing-belts": (
        "Ремень ГРМ",
        2300,
        1,
        {
            "GATES": lambda r: f"5{_digits(r, 3)}XS",
            "CONTITECH": lambda r: f"CT{_digits(r, 4)}",
            "BOSCH": lambda r: f"1 987 949 {_digits(r, 3)}",
        },
    ),
}
OEM_ARTICLES = {
    "LADA": lambda r: (
        f"{r.choice(['21080', '21100', '21120', '21700', '21900', '11180'])}-"
        f"{r.randint(1000, 3900)}{_digits(r, 3)}-{r.choice(['00', '08', '10'])}"
    ),
    "HYUNDAI/KIA": lambda r: f"{_digits(r, 5)}-{_letters(r, 1)}{_digits(r, 4)}",
    "VAG": lambda r: (
        f"{_digits(r, 2)}{_letters(r, 1)} {_digits(r, 3)} {_digits(r, 3)} {_letters(r, 1)}"
    ),
    "RENAULT": lambda r: f"{_digits(r, 10)}",
    "TOYOTA": lambda r: f"{_digits(r, 5)}-{_letters(r, 2)}{_digits(r, 3)}",
}
# Timing belts only on the engines that have one (the Kia/Hyundai/Toyota engines use chains).
PLATFORMS_WITHOUT = {"timing-belts": {"korean", "toyota"}}
BRAND_PRICE = {
    "BOSCH": "1.10",
    "MANN-FILTER": "1.15",
    "MAHLE": "1.10",
    "KNECHT": "1.05",
    "LEMFÖRDER": "1.25",
    "ATE": "1.15",
    "SACHS": "1.20",
    "TRW": "1.05",
    "FILTRON": "0.85",
    "FEBI": "0.90",
    "NGK": "1.00",
    "GATES": "1.05",
    "CONTITECH": "1.00",
    "KYB": "1.00",
}
OEM_PRICE = "1.45"

# The showcase of the cross schemes: an oil filter whose analogs grow 3 → 6 → 9 with the scheme,
# with a cycle among the direct analogs, two paths to one analog of level 2, a cycle on level 3
# and a fourth level no scheme reaches. «OC 205» exists under MAHLE and KNECHT (brand choice).
SHOWCASE = [
    ("BOSCH", "0 986 452 041"),  # 0
    ("MANN-FILTER", "W 712/75"),  # 1
    ("MAHLE", "OC 205"),  # 2
    ("FILTRON", "OP 526"),  # 3
    ("KNECHT", "OC 205"),  # 4
    ("FEBI", "22532"),  # 5
    ("VAG", "030 115 561 AN"),  # 6
    ("MANN-FILTER", "W 712/73"),  # 7
    ("BOSCH", "0 451 103 079"),  # 8
    ("VAG", "03C 115 561 H"),  # 9
    ("MAHLE", "OC 264"),  # 10
]
SHOWCASE_LINKS = [
    (0, 1), (0, 2), (0, 3), (1, 2),
    (2, 4), (1, 5), (3, 6), (5, 6),
    (6, 7), (4, 8), (6, 9), (7, 9),
    (7, 10),
]  # fmt: skip


@dataclass
class PlannedProduct:
    brand: str
    article: str
    name: str
    category: str
    platform: str
    offers: list[dict] = field(default_factory=list)


@dataclass
class Plan:
    products: list[PlannedProduct] = field(default_factory=list)
    links: list[tuple[int, int]] = field(default_factory=list)


def _shop_price(value: Decimal) -> Decimal:
    """Whole roubles minus ten kopecks, as price lists look: 549,90."""
    return value.quantize(Decimal("1"), rounding=ROUND_HALF_UP) - Decimal("0.10")


def _offers(rng: random.Random, base: Decimal, min_order: int, showcase: bool) -> list[dict]:
    """0–3 offers; the showcase product gets one in every warehouse kind."""
    if showcase:
        codes = ["msk", "supplier-north", "supplier-east", "wb-koledino"]
    else:
        count = rng.choices([0, 1, 2, 3], weights=[1, 4, 4, 2])[0]
        codes = rng.sample([code for code, *_ in WAREHOUSES], count)
    offers = []
    for code in codes:
        factor, days, stock, returnable, return_days = {
            "msk": ("1.00", 0, rng.choice([0, 2, 5, 8, 12, 20]), True, 14),
            "supplier-north": ("0.93", rng.randint(1, 3), rng.randint(0, 60), True, 7),
            "supplier-east": (
                "0.86",
                rng.randint(5, 10),
                rng.randint(5, 200),
                rng.random() < 0.4,
                7,
            ),
            "wb-koledino": ("0.97", rng.randint(2, 5), rng.randint(1, 30), True, 7),
        }[code]
        if showcase and code == "msk":
            stock = rng.randint(3, 12)  # the product people search first is on the shelf
        jitter = Decimal(rng.randint(94, 106)) / 100
        offers.append(
            {
                "warehouse": code,
                "price": _shop_price(base * Decimal(factor) * jitter),
                "quantity": stock,
                "delivery_days": days,
                "min_order_quantity": min_order,
                "is_returnable": returnable,
                "return_days": return_days,
            }
        )
    return offers


def build_plan() -> Plan:
    """Every product, link and offer of the demo, drawn from the fixed seed."""
    # Demo data drawn from a fixed seed so every run is the same: nothing secret.
    rng = random.Random(SEED)  # nosec B311
    plan = Plan()
    taken: set[tuple[str, str]] = set()

    def add(product: PlannedProduct) -> int:
        taken.add((product.brand, normalize_article(product.article)))
        plan.products.append(product)
        return len(plan.products) - 1

    name, base, min_order, _ = ARTICLES["oil-filters"]
    for i, (brand, article) in enumerate(SHOWCASE):
        factor = Decimal(OEM_PRICE if brand == "VAG" else BRAND_PRICE[brand])
        product = PlannedProduct(brand, article, name, "oil-filters", "vag")
        product.offers = _offers(rng, Decimal(base) * factor, min_order, showcase=i == 0)
        add(product)
    plan.links.extend(SHOWCASE_LINKS)

    for category, (name, base, min_order, makers) in ARTICLES.items():
        for platform in VEHICLES:
            if platform in PLATFORMS_WITHOUT.get(category, set()):
                continue
            if category == "oil-filters" and platform == "vag":
                continue  # the showcase family
            brands = list(makers)
            rng.shuffle(brands)
            family_brands = [OEM[platform], *brands, *rng.sample(brands, min(2, len(brands)))]
            family: list[int] = []
            for brand in family_brands:
                maker = OEM_ARTICLES.get(brand) or makers[brand]
                article = maker(rng)
                while (brand, normalize_article(article)) in taken:
                    article = maker(rng)
                factor = Decimal(OEM_PRICE if brand in OEM_ARTICLES else BRAND_PRICE[brand])
                label = f"{name} (оригинал)" if brand in OEM_ARTICLES else name
                product = PlannedProduct(brand, article, label, category, platform)
                product.offers = _offers(rng, Decimal(base) * factor, min_order, showcase=False)
                family.append(add(product))
            # A chain through the family plus a chord or two: real cross lists are partial, so
            # the deeper schemes find more of the family.
            order = family[:]
            rng.shuffle(order)
            plan.links.extend(pairwise(order))
            for _ in range(rng.randint(0, 2)):
                first, second = rng.sample(order, 2)
                plan.links.append((first, second))
    return plan


def _vehicles() -> dict[str, list[Modification]]:
    by_platform: dict[str, list[Modification]] = {}
    for platform, cars in VEHICLES.items():
        for (make_name, sort_order), model_name, generation_data, modifications in cars:
            make, _ = Make.objects.get_or_create(
                name=make_name, defaults={"sort_order": sort_order}
            )
            model, _ = VehicleModel.objects.get_or_create(make=make, name=model_name)
            gen_name, year_from, year_to = generation_data
            generation, _ = Generation.objects.get_or_create(
                model=model, name=gen_name, defaults={"year_from": year_from, "year_to": year_to}
            )
            for mod_name, engine, volume, power, gearbox in modifications:
                modification, _ = Modification.objects.get_or_create(
                    generation=generation,
                    name=mod_name,
                    defaults={
                        "engine": engine,
                        "volume_l": Decimal(volume),
                        "power_hp": power,
                        "fuel": Modification.Fuel.PETROL,
                        "body": "седан",
                        "drive": Modification.Drive.FRONT,
                        "gearbox": gearbox,
                    },
                )
                by_platform.setdefault(platform, []).append(modification)
    return by_platform


def _categories() -> dict[str, Category]:
    categories: dict[str, Category] = {}
    for order, (code, name, parent_code) in enumerate(CATEGORIES, start=1):
        categories[code], _ = Category.objects.get_or_create(
            code=code,
            defaults={"name": name, "parent": categories.get(parent_code), "sort_order": order},
        )
    return categories


def _warehouses() -> dict[str, Warehouse]:
    return {
        code: Warehouse.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "marketplace": marketplace}
        )[0]
        for code, name, kind, marketplace in WAREHOUSES
    }


@transaction.atomic
def seed(*, stdout) -> None:
    plan = build_plan()
    warehouses = _warehouses()
    categories = _categories()
    modifications = _vehicles()

    brands: dict[str, Brand] = {}
    for name in sorted({p.brand for p in plan.products}):
        brands[name] = services.brand_get_or_create(name=name)
    for name, aliases in BRAND_ALIASES.items():
        for alias in aliases:
            services.brand_alias_add(brand=brands[name], alias=alias)

    products: list[Product] = [
        services.product_upsert(
            brand=brands[planned.brand],
            article=planned.article,
            name=planned.name,
            category=categories[planned.category],
        )
        for planned in plan.products
    ]
    for first, second in plan.links:
        services.cross_link_add(
            product_1=products[first], product_2=products[second], source=SOURCE
        )

    existing_offers = set(
        Offer.objects.filter(product__in=products).values_list("product_id", "warehouse_id")
    )
    for product, planned in zip(products, plan.products, strict=True):
        for offer in planned.offers:
            warehouse = warehouses[offer["warehouse"]]
            if (product.pk, warehouse.pk) in existing_offers:
                continue
            services.offer_upsert(
                product=product,
                warehouse=warehouse,
                price=offer["price"],
                quantity=offer["quantity"],
                delivery_days=offer["delivery_days"],
                min_order_quantity=offer["min_order_quantity"],
                is_returnable=offer["is_returnable"],
                return_days=offer["return_days"],
            )

    Applicability.objects.bulk_create(
        [
            Applicability(product=product, modification=modification)
            for product, planned in zip(products, plan.products, strict=True)
            for modification in modifications[planned.platform]
        ],
        ignore_conflicts=True,
    )

    showcase = products[0]
    lada_filter = next(
        p for p in plan.products if p.brand == "LADA" and p.category == "oil-filters"
    )
    counts = [len(analogs_of(product_id=showcase.pk, depth=d)) for d in (1, 2, 3)]
    stdout.write(
        f"Каталог: {len(products)} товаров, {len({frozenset(pair) for pair in plan.links})} "
        "кросс-связей, "
        f"{Offer.objects.filter(product__in=products).count()} предложений на "
        f"{len(warehouses)} складах.\n"
    )
    stdout.write(
        "Попробуйте найти: «0986-452-041» (аналогов по схемам 1/2/3: "
        f"{counts[0]}/{counts[1]}/{counts[2]}), «OC 205» (два бренда: KNECHT и MAHLE), "
        f"«{lada_filter.article}» (LADA, масляный фильтр); "
        "подбор по параметрам — Lada Vesta, Kia Rio, VW Polo и др.\n"
    )
