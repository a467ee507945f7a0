"""Reads of the vehicle reference: the dependent lists make → model → generation → modification,
and the car of the reference a decoded VIN points at.

Seed 004: the garage's car form («все поля … являются селективными») and the catalog's «Подбор по
параметрам» both narrow these four lists select by select; each list is one query.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from mprating.vehicles.models import Generation, Make, Modification, VehicleModel
from mprating.vehicles.vin import VinDecoded, make_name_keys, name_key

# ---- the dependent lists ----------------------------------------------------------------------


def makes_list() -> list[Make]:
    return list(Make.objects.order_by("sort_order", "name"))


def models_for_make(make_id: int | None) -> list[VehicleModel]:
    if not make_id:
        return []
    return list(VehicleModel.objects.filter(make_id=make_id).order_by("name"))


def generations_for_model(model_id: int | None) -> list[Generation]:
    if not model_id:
        return []
    return list(Generation.objects.filter(model_id=model_id).order_by("year_from", "name"))


def modifications_for_generation(generation_id: int | None) -> list[Modification]:
    if not generation_id:
        return []
    return list(Modification.objects.filter(generation_id=generation_id).order_by("name"))


def generation_years(generation_id: int | None) -> list[int]:
    """Years a car of this generation can have, newest first (the «Год выпуска» select)."""
    generation = Generation.objects.filter(pk=generation_id).first() if generation_id else None
    if generation is None:
        return []
    last = generation.year_to or timezone.localdate().year
    return list(range(last, generation.year_from - 1, -1))


@dataclass(frozen=True)
class VehicleChoice:
    """The four dependent lists of a selection form and what is chosen in them.

    A chosen modification fixes its generation, model and make (the garage links to «Подбор по
    параметрам» with `?modification=<id>`); ids that do not belong together are dropped from
    the right.
    """

    makes: list[Make]
    models: list[VehicleModel] = field(default_factory=list)
    generations: list[Generation] = field(default_factory=list)
    modifications: list[Modification] = field(default_factory=list)
    make_id: int | None = None
    model_id: int | None = None
    generation_id: int | None = None
    modification: Modification | None = None


def vehicle_choice(
    *,
    make_id: int | None = None,
    model_id: int | None = None,
    generation_id: int | None = None,
    modification_id: int | None = None,
) -> VehicleChoice:
    """At most five queries: the modification with its chain, then the four lists."""
    modification = None
    if modification_id:
        modification = (
            Modification.objects.select_related("generation__model__make")
            .filter(pk=modification_id)
            .first()
        )
    if modification is not None:
        generation_id = modification.generation_id
        model_id = modification.generation.model_id
        make_id = modification.generation.model.make_id
    makes = makes_list()
    if make_id not in {m.pk for m in makes}:
        make_id = None
    models = models_for_make(make_id)
    if model_id not in {m.pk for m in models}:
        model_id = None
    generations = generations_for_model(model_id)
    if generation_id not in {g.pk for g in generations}:
        generation_id = None
    return VehicleChoice(
        makes=makes,
        models=models,
        generations=generations,
        modifications=modifications_for_generation(generation_id),
        make_id=make_id,
        model_id=model_id,
        generation_id=generation_id,
        modification=modification,
    )


# ---- a decoded VIN in the reference -------------------------------------------------------------


@dataclass(frozen=True)
class VinMatch:
    """The make, model, generation and modification of our reference a decoded VIN fixes.

    Rules (issue 5), applied to what `vininfo` decodes (`vin.decode_vin`):

    1. Make: a make of our reference whose name — or a part of it, «Lada (ВАЗ)» → «Lada»,
       «ВАЗ» — is a known spelling of the decoded manufacturer or brand (`vin.MAKE_SYNONYMS`:
       «AvtoVAZ» = «Lada» = «ВАЗ»). Exactly one make must match.
    2. Model: vininfo names the model for a few makers only (AvtoVAZ: Vesta, XRAY; Renault,
       Nissan: a list of candidates). The model is fixed when exactly one of the decoded names
       is a model of that make.
    3. Generation: the 10th character gives candidate model years (every 30 years); the
       generation is fixed when exactly one generation of the model covers one of them; `year`
       is that model year.
    4. Modification: the modifications whose engine contains the decoded engine code
       («21129» → «ВАЗ-21129»; «21129 CNG» keeps only gas ones), narrowed by the decoded gearbox
       (manual → MT, semi-automatic → AMT…); fixed when exactly one remains.

    Each level is fixed only when the one above it is.
    """

    make: Make | None = None
    model: VehicleModel | None = None
    generation: Generation | None = None
    modification: Modification | None = None
    year: int | None = None


def _match_make(names: list[str]) -> Make | None:
    wanted: set[str] = set()
    for name in names:
        wanted |= make_name_keys(name)
    if not wanted:
        return None
    matches = [make for make in Make.objects.all() if make_name_keys(make.name) & wanted]
    return matches[0] if len(matches) == 1 else None


def _match_model(make: Make, names: list[str]) -> VehicleModel | None:
    keys = {name_key(name) for name in names if name_key(name)}
    if not keys:
        return None
    matches = [model for model in make.models.all() if name_key(model.name) in keys]
    return matches[0] if len(matches) == 1 else None


def _match_generation(
    model: VehicleModel, years: list[int]
) -> tuple[Generation | None, int | None]:
    this_year = timezone.localdate().year
    hits = []
    for generation in model.generations.all():
        last = generation.year_to or this_year
        covered = [year for year in years if generation.year_from <= year <= last]
        if covered:
            hits.append((generation, covered[0]))
    return hits[0] if len(hits) == 1 else (None, None)


_GEARBOX_WORDS = (
    ("semi-automatic", Modification.Gearbox.ROBOT),
    ("automatic", Modification.Gearbox.AUTOMATIC),
    ("cvt", Modification.Gearbox.CVT),
    ("manual", Modification.Gearbox.MANUAL),
)


def _gearbox(transmission: str) -> str:
    text = transmission.lower()
    return next((code for word, code in _GEARBOX_WORDS if word in text), "")


def _match_modification(generation: Generation, decoded: VinDecoded) -> Modification | None:
    """By the engine code, then the gearbox and gas equipment vininfo reads (AvtoVAZ)."""
    candidates = list(generation.modifications.all())
    engine_key = name_key(decoded.engine.replace("CNG", ""))
    if engine_key:
        candidates = [m for m in candidates if m.engine and engine_key in name_key(m.engine)]
        is_gas = "CNG" in decoded.engine
        candidates = [m for m in candidates if (m.fuel == Modification.Fuel.GAS) == is_gas]
    gearbox = _gearbox(decoded.transmission)
    if gearbox and len(candidates) > 1:
        candidates = [m for m in candidates if m.gearbox == gearbox] or candidates
    return candidates[0] if len(candidates) == 1 else None


def vin_match(decoded: VinDecoded) -> VinMatch:
    """What of our reference the decoded VIN fixes; see `VinMatch` for the rules."""
    make = _match_make(decoded.make_names)
    model = _match_model(make, decoded.models) if make is not None else None
    generation, year = (
        _match_generation(model, decoded.years) if model is not None else (None, None)
    )
    modification = _match_modification(generation, decoded) if generation is not None else None
    return VinMatch(
        make=make, model=model, generation=generation, modification=modification, year=year
    )
