from django import template

from programmes import region_map as regions
from programmes.models import Country

register = template.Library()


@register.inclusion_tag("programmes/includes/bar_chart.html")
def bar_chart(chart):
    return {"chart": chart}


@register.inclusion_tag("programmes/includes/region_map.html")
def region_map(offices, list_offices=True):
    """The region with the covered countries hatched and a linked marker per open office.
    One query (the covered countries); `offices` should have their country selected."""
    offices = list(offices)
    covered = Country.objects.published().covered().values_list("iso_code", flat=True)
    region = regions.region()
    return {
        "width": region["width"],
        "height": region["height"],
        "shapes": regions.shapes(covered),
        "markers": regions.markers(offices),
        "offices": [office for office in offices if office.is_open],
        "list_offices": list_offices,
    }
