"""`{% term "pod" plural=True cap=True %}`: a vocabulary word the switch can swap in place."""
from __future__ import annotations

from django import template
from django.utils.html import format_html

from dashboard.vocabulary import BY_KEY, word

register = template.Library()


@register.simple_tag
def term(key: str, plural: bool = False, cap: bool = False) -> str:
    text = word(key, plural=plural)
    if cap:
        text = text[:1].upper() + text[1:]
    # The server always renders Kubernetes words; the browser swaps them if Borg is chosen.
    return format_html('<span class="term" data-term="{}" data-plural="{}" data-cap="{}" '
                       'title="{}">{}</span>', key, int(plural), int(cap),
                       BY_KEY[key].difference, text)
