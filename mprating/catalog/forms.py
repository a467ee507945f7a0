"""Query forms of the cabinet's catalog pages (GET: search, «Подбор по параметрам»)."""

from django import forms

from mprating.catalog.selectors import SORT_CHOICES, SORT_PRICE


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Артикул",
        max_length=64,
        required=False,
        widget=forms.TextInput(
            attrs={
                "placeholder": "Например, 0 986 452 041",
                "autocomplete": "off",
                # A new article starts a new search: the brand chosen for the last one is
                # dropped (it rides in a hidden input of the results block) by
                # static/js/cabinet.js — no inline handler.
                "data-input-removes": "input[name=brand]",
            }
        ),
    )
    brand = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    sort = forms.ChoiceField(label="Сортировка", choices=SORT_CHOICES, required=False)
    in_stock = forms.BooleanField(label="Только в наличии", required=False)

    def clean_q(self) -> str:
        q = (self.cleaned_data.get("q") or "").strip()
        if not q:
            raise forms.ValidationError("Введите артикул для поиска.")
        return q

    def clean_sort(self) -> str:
        return self.cleaned_data.get("sort") or SORT_PRICE


class SelectionForm(forms.Form):
    """Ids from the dependent selects; unknown or mismatched ids are dropped by the selector."""

    make = forms.IntegerField(required=False, min_value=1)
    model = forms.IntegerField(required=False, min_value=1)
    generation = forms.IntegerField(required=False, min_value=1)
    modification = forms.IntegerField(required=False, min_value=1)
    category = forms.IntegerField(required=False, min_value=1)

    def ids(self) -> dict[str, int | None]:
        """Cleaned ids; a malformed one counts as not chosen."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}
