"""Form widgets.

:class:`FastSelect` writes the same markup as Django's ``Select`` but by joining strings:
Django renders a template for every ``<option>``, which made the lists of ~700 agencies
and ~550 regions most of a page's time (the public report list spent 70 % of its time
there).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe


def _is_group(label: Any) -> bool:
    return isinstance(label, list | tuple)


class FastSelect(forms.Select):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # Widget.get_context, not Select's: that one builds a dict for every option.
        context = forms.Widget.get_context(self, name, value, attrs)["widget"]
        selected = set(context["value"])
        parts = [f'<select name="{conditional_escape(name)}"{flatatt(context["attrs"])}>']
        found = False
        for value, label in self.choices:
            if _is_group(label):
                parts.append(f'\n  <optgroup label="{conditional_escape(value)}">')
                for option in label:
                    found = self._option(parts, *option, selected=selected, found=found)
                parts.append("\n  </optgroup>")
            else:
                found = self._option(parts, value, label, selected=selected, found=found)
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every value and label above is escaped

    def _option(
        self, parts: list[str], value: Any, label: Any, *, selected: set[str], found: bool
    ) -> bool:
        text = "" if value is None else str(value)
        if not found and text in selected:
            # As Django: only the first matching option is selected in a single select.
            found = not self.allow_multiple_selected
            parts.append(_markup(text, label, " selected"))
        else:
            parts.append(_markup(text, label, ""))
        return found


# Escaped options, memoised: the same ~1,250 reference-data options are written on every
# form page (escaping them was half of FastSelect's time). Keyed by the label's text, so
# a translated label is its own entry; bounded, dropped whole when full.
_MARKUP: dict[tuple[str, str, str, bool], str] = {}
MARKUP_MAX = 20_000


def _markup(text: str, label: Any, mark: str) -> str:
    # A label marked safe is written as it is: it must not share an entry with the same
    # text unmarked, which is escaped.
    key = (text, str(label), mark, isinstance(label, SafeData))
    html = _MARKUP.get(key)
    if html is None:
        if len(_MARKUP) >= MARKUP_MAX:
            _MARKUP.clear()
        html = _MARKUP[key] = (
            f'\n  <option value="{conditional_escape(text)}"{mark}>'
            f"{conditional_escape(label)}</option>"
        )
    return html


class CanonicalChoices(BaseChoiceIterator):
    """Choices already in Django's canonical form: ``(value, label)`` pairs, and groups
    as ``(name, [pairs])``. Django's ``normalize_choices`` passes a choice iterator
    through untouched. Given a plain list, it rebuilds every pair with a dozen abstract
    type checks, and it does so twice per field (field and widget). On the public list's
    ~1,250 reference-data options that was 13 ms of every page."""

    def __init__(self, choices: list[tuple[Any, Any]]) -> None:
        self.choices = choices

    def __iter__(self) -> Any:
        return iter(self.choices)


def set_choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    """Give a form's choice field its (canonical) choices, without re-normalising them."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = CanonicalChoices(choices)
