"""The map of the region: country shapes and city positions from map/region.json (made once by
map/build_region_map.mjs from Natural Earth and GeoNames), offices from the database."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry

REGION_JSON = Path(__file__).resolve().parent / "map" / "region.json"
MARKER_LABEL_OFFSET = 10


@cache
def region():
    data = json.loads(REGION_JSON.read_text(encoding="utf-8"))
    for country in data["countries"]:
        # world-atlas names countries by their ISO 3166-1 numeric code; the database by alpha-2.
        found = country["id"] and pycountry.countries.get(numeric=country["id"])
        country["iso_code"] = found.alpha_2 if found else ""
    return data


@dataclass(frozen=True)
class Shape:
    d: str
    is_covered: bool


@dataclass(frozen=True)
class Marker:
    office: object
    x: float
    y: float
    label_side: str

    @property
    def is_regional(self):
        return self.office.kind == self.office.Kind.REGIONAL

    @property
    def label_x(self):
        return -MARKER_LABEL_OFFSET if self.label_side == "left" else MARKER_LABEL_OFFSET

    @property
    def label_anchor(self):
        return "end" if self.label_side == "left" else "start"


def shapes(covered_iso_codes):
    """Every country's shape, the covered ones last so that their borders are drawn on top."""
    covered = set(covered_iso_codes)
    all_shapes = [Shape(c["d"], c["iso_code"] in covered) for c in region()["countries"]]
    return sorted(all_shapes, key=lambda shape: shape.is_covered)


def markers(offices):
    """A marker for each open office whose city the map knows (by its English name)."""
    cities = region()["cities"]
    return [
        Marker(office, city["x"], city["y"], city["label_side"])
        for office in offices
        if office.is_open and (city := cities.get(office.city_en))
    ]
