"""What an economy update is searched and filed under, computed from its saved fields and
relations: both the Editors' pages and the feed import call ``index_update`` after they change
an update (its sectors and city-regions set first)."""

from core.search import segment
from economy.models import EconomyUpdate
from economy.selectors import language_token


def tokens_of(update: EconomyUpdate) -> str:
    """``s12`` for each sector, ``k5`` for each city-region, ``g`` and the language (``gfr``,
    ``gzhhans``): what the list's filters and the digests ask for in one index lookup."""
    tokens = [f"s{pk}" for pk in sorted(sector.pk for sector in update.sectors.all())]
    tokens += [f"k{pk}" for pk in sorted(region.pk for region in update.city_regions.all())]
    tokens.append(language_token(update.language))
    return " ".join(tokens)


def index_update(update: EconomyUpdate) -> None:
    update.search_text = segment(" ".join((update.title, update.summary, update.body)))
    update.tokens = tokens_of(update)
    EconomyUpdate.objects.filter(pk=update.pk).update(
        search_text=update.search_text, tokens=update.tokens
    )
