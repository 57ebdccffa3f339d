from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def usd(amount):
    """70000000 -> "US$70 million"; 14500000 -> "US$14.5 million", in the reader's number format."""
    if amount is None:
        return ""
    amount = Decimal(amount)
    if amount >= 1_000_000:
        millions = (amount / 1_000_000).quantize(Decimal("0.01")).normalize()
        if millions == millions.to_integral():
            millions = millions.quantize(Decimal(1))
        return _("US$%(amount)s million") % {"amount": number_format(millions)}
    return _("US$%(amount)s") % {
        "amount": number_format(amount, decimal_pos=0, force_grouping=True)
    }
