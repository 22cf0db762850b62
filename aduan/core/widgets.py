"""Form widgets.

:class:`FastSelect` writes the same markup as Django's ``Select`` but by joining strings:
Django renders a template for every ``<option>``, which made the lists of ~700 agencies
and ~550 regions most of a page's time (the public report list spent 70 % of its time
there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language


def _is_group(label: Any) -> bool:
    return isinstance(label, list | tuple)


class FastSelect(forms.Select):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # Widget.get_context, not Select's: that one builds a dict for every option.
        context = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            context["attrs"]["multiple"] = True  # as Select.get_context
        head = f'<select name="{conditional_escape(name)}"{flatatt(context["attrs"])}>'
        choices = list(iter(self.choices))  # not list(): a model iterator would count first
        if self.allow_multiple_selected:
            body = _options(choices, set(context["value"]))
        else:
            body = _single_options(choices, context["value"])
        return mark_safe(f"{head}{body}\n</select>")  # every value and label is escaped


def _options(choices: list[Any], selected: set[str], mark_at: dict[str, int] | None = None) -> str:
    """Every option; those whose value is in ``selected`` marked. Given ``mark_at``, it
    is filled with where each value's first option would take the mark."""
    parts: list[str] = []
    size = 0

    def add(piece: str) -> None:
        nonlocal size
        parts.append(piece)
        size += len(piece)

    def option(value: Any, label: Any) -> None:
        text = "" if value is None else str(value)
        piece = _markup(text, label, " selected" if text in selected else "")
        if mark_at is not None and text not in mark_at:
            # Just after the escaped value's closing quote: '<option value="…"' + mark.
            mark_at[text] = size + piece.index('">') + 1
        add(piece)

    for value, label in choices:
        if _is_group(label):
            add(f'\n  <optgroup label="{conditional_escape(value)}">')
            for option_value, option_label in label:
                option(option_value, option_label)
            add("\n  </optgroup>")
        else:
            option(value, label)
    return "".join(parts)


# The options of a single select, written once per language and list of choices: the
# same ~1,250 reference-data options are on every form page, and writing them was most of
# a filter's time. A request's choices are a new list of the same pairs, so they are
# matched by value (their key costs ~0.1 ms for 700 agencies; writing them ~1 ms). The
# selected option is marked by inserting " selected" where the entry says it goes.
# Bounded (a requested work unit adds its own variant of the agencies), dropped whole when
# full.
@dataclass(frozen=True)
class _Written:
    markup: str
    mark_at: dict[str, int]  # option value → where " selected" goes (its first option)


_WRITTEN: dict[tuple[Any, ...], _Written] = {}
WRITTEN_MAX = 32


def _single_options(choices: list[Any], values: list[str]) -> str:
    key = (get_language(), *map(_choice_key, choices))
    written = _WRITTEN.get(key)
    if written is None:
        written = _write(choices)
        if len(_WRITTEN) >= WRITTEN_MAX:
            _WRITTEN.clear()
        _WRITTEN[key] = written
    marks = [written.mark_at[v] for v in values if v in written.mark_at]
    if not marks:
        return written.markup
    at = min(marks)
    return f"{written.markup[:at]} selected{written.markup[at:]}"


def _choice_key(choice: Any) -> tuple[Any, ...]:
    # A label marked safe is written as it is, unescaped: its class is part of the key.
    value, label = choice
    if _is_group(label):
        return (value, list, *((v, o, o.__class__) for v, o in label))
    return (value, label, label.__class__)


def _markup(text: str, label: Any, mark: str) -> str:
    return (
        f'\n  <option value="{conditional_escape(text)}"{mark}>{conditional_escape(label)}</option>'
    )


def _write(choices: list[Any]) -> _Written:
    mark_at: dict[str, int] = {}
    return _Written(_options(choices, set(), mark_at), mark_at)


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
