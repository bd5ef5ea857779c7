// The dashboard: the events the filters find on a map and in a list kept in step, a
// dated timeline of events per day that chooses dates by dragging, an event's evidence
// and toll history in a panel, and new versions as the API streams them. The filters
// live in the address (a link reproduces the view; back and forward move between
// views); the map fits what they find. "Alert me" turns the view into a subscription,
// "Download" exports it. Everything it loads comes from this server.
"use strict";

const TYPE_COLOURS = {
  battles: "#c0392b",
  explosions_remote_violence: "#e67e22",
  violence_against_civilians: "#8e44ad",
  protests: "#2980b9",
  riots: "#16a085",
  strategic_developments: "#7f8c8d",
};
const TYPE_LABELS = {
  battles: "Battles",
  explosions_remote_violence: "Explosions/Remote violence",
  violence_against_civilians: "Violence against civilians",
  protests: "Protests",
  riots: "Riots",
  strategic_developments: "Strategic developments",
};
// what the coordinates stand for (the event's location.precision)
const PRECISION = {
  locality: "the town itself",
  area: "the area's centre",
  admin2: "district centroid",
  admin1: "region centroid",
  country: "country centroid",
};
const COARSE = new Set(["admin2", "admin1", "country"]);
const PAGE = 1000;
const FILTERS = ["country", "type", "date_from", "date_to", "min_killed", "q"];
// the bundled outlines (Natural Earth 1:50m) hold up to about this zoom; tiles go closer
const OFFLINE_MAX_ZOOM = 7;
const TILES_MAX_ZOOM = 14;
const FIT_MAX_ZOOM = 6; // fitting a single place never zooms in further than this

const state = {
  events: new Map(), markers: new Map(), fresh: 0, outside: 0, stream: null, load: 0, recount: null,
  countries: [], codeToName: new Map(), nameToCode: new Map(), days: [],
};
const map = L.map("map", { worldCopyJump: true, minZoom: 1, maxZoom: OFFLINE_MAX_ZOOM }).setView([25, 30], 2);
// close in, only markers nearly on top of each other are grouped
const cluster = L.markerClusterGroup({
  chunkedLoading: true, showCoverageOnHover: false,
  maxClusterRadius: (zoom) => (zoom >= FIT_MAX_ZOOM ? 16 : zoom >= 4 ? 40 : 60),
});
map.addLayer(cluster);

const $ = (selector) => document.querySelector(selector);
const text = (value) => (value === null || value === undefined ? "–" : String(value));
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const SVG = "http://www.w3.org/2000/svg";

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
}

function svgElement(tag, attributes = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

async function baseMap() {
  const config = await (await fetch("/dashboard/config.json")).json();
  if (config.tile_url) {
    map.setMaxZoom(TILES_MAX_ZOOM);
    L.tileLayer(config.tile_url, { attribution: config.tile_attribution || "", maxZoom: TILES_MAX_ZOOM }).addTo(map);
    return;
  }
  // offline: Natural Earth country outlines (public domain), from the world-atlas package
  const atlas = await (await fetch("/static/vendor/world-atlas/countries-50m.json")).json();
  L.geoJSON(topojson.feature(atlas, atlas.objects.countries), {
    style: { color: "#8a9ba8", weight: 0.6, fillColor: "#f2efe6", fillOpacity: 1 },
    interactive: false,
  }).addTo(map);
}

async function loadCountries() {
  // the names the country filter offers; a failure leaves ISO codes, which still work
  try {
    const response = await fetch("/api/countries");
    if (!response.ok) return;
    state.countries = (await response.json()).countries;
  } catch (error) {
    return;
  }
  const options = state.countries.map((c) => element("option", { value: c.name }));
  $("#country-names").replaceChildren(...options);
  for (const { code, name } of state.countries) {
    state.codeToName.set(code, name);
    state.nameToCode.set(name.toLowerCase(), code);
  }
}

// --- the filters, the form and the address ---------------------------------------

function countryCodes(typed) {
  // "Azerbaijan, UA" -> ["AZ", "UA"]; a name may hold a comma itself ("Bonaire, Saint
  // Eustatius and Saba"): the longest run of parts that names a country wins
  const parts = typed.split(",").map((p) => p.trim()).filter(Boolean);
  const codes = [];
  for (let i = 0; i < parts.length;) {
    let found = null;
    for (let j = parts.length; j > i && !found; j -= 1) {
      const code = state.nameToCode.get(parts.slice(i, j).join(", ").toLowerCase());
      if (code) found = [code, j];
    }
    if (!found && /^[A-Za-z]{2}$/.test(parts[i])) found = [parts[i].toUpperCase(), i + 1];
    if (!found) {
      const start = parts[i].toLowerCase().slice(0, 4);
      const near = state.countries.filter((c) => c.name.toLowerCase().includes(start)).slice(0, 3).map((c) => c.name);
      throw new Error(`country: no country "${parts[i]}"${near.length ? ` (did you mean ${near.join(", ")}?)` : ""}`);
    }
    if (!codes.includes(found[0])) codes.push(found[0]);
    i = found[1];
  }
  return codes;
}

function formParams() {
  // the form as the API's parameters, countries as ISO codes
  const form = $("#filters");
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = String(form.elements[name].value).trim();
    if (!value) continue;
    params.set(name, name === "country" ? countryCodes(value).join(",") : value);
  }
  return params;
}

function fillForm(params) {
  const form = $("#filters");
  for (const name of FILTERS) {
    let value = params.get(name) || "";
    if (name === "country" && value) {
      value = value.split(",").map((code) => state.codeToName.get(code.toUpperCase()) || code).join(", ");
    }
    form.elements[name].value = value;
  }
}

function urlParams() {
  const given = new URLSearchParams(location.search);
  const params = new URLSearchParams();
  for (const name of FILTERS) if (given.get(name)) params.set(name, given.get(name));
  return params;
}

function apply() {
  // the form's view: put in the address (a new history entry when it changed), shown
  let params;
  try {
    params = formParams();
  } catch (error) {
    status(error.message);
    return;
  }
  if (params.toString() !== urlParams().toString()) {
    history.pushState(null, "", params.toString() ? `?${params}` : location.pathname);
  }
  load(params);
}

// --- markers, list, legend ---------------------------------------------------------

function radius(event) {
  return 5 + 2.5 * Math.sqrt(event.fatalities || 0);
}

function placeText(event) {
  if (!event.location) return `somewhere in ${event.country} (place unknown)`;
  return `${event.location.name} (${PRECISION[event.location.precision] || event.location.precision})`;
}

function marker(event) {
  const colour = TYPE_COLOURS[event.event_type] || "#555";
  const coarse = COARSE.has(event.location.precision);
  const point = L.circleMarker([event.location.lat, event.location.lon], {
    radius: radius(event), color: colour, fillColor: colour, weight: coarse ? 2 : 1,
    fillOpacity: coarse ? 0.25 : 0.6, dashArray: coarse ? "3 3" : null,
  });
  // as a text node: Leaflet would read a string as HTML
  point.bindTooltip(element("span", {}, `${placeText(event)}: ${event.sub_event_type.replaceAll("_", " ")}, ${text(event.fatalities)} killed`));
  point.on("click", () => show(event.event_id));
  point.eventId = event.event_id;
  return point;
}

function listItem(event) {
  const place = event.location ? event.location.name : "place unknown";
  const precision = event.location ? PRECISION[event.location.precision] : null;
  const button = element("button", { type: "button", "data-id": event.event_id },
    element("span", { class: "dot", style: `background:${TYPE_COLOURS[event.event_type] || "#555"}` }),
    `${event.event_date} · ${place} (${event.country})`, element("br"),
    element("span", { class: "meta" },
      `${event.sub_event_type.replaceAll("_", " ")} · ${text(event.fatalities)} killed · ${plural(event.sources.length, "source")}`
      + (precision && COARSE.has(event.location.precision) ? ` · placed at the ${precision}` : "")));
  button.addEventListener("click", () => show(event.event_id));
  return element("li", { "data-id": event.event_id }, button);
}

function legend() {
  // a strip along the map's foot: colours by type, sizes by toll, the dashed centroids
  const control = L.control({ position: "bottomleft" });
  control.onAdd = () => {
    // folded on a narrow screen, where it would hide half the map
    const strip = element("details", { class: "legend" }, element("summary", {}, "Legend"));
    strip.open = window.matchMedia("(min-width: 800px)").matches;
    strip.addEventListener("toggle", () => { if (strip.open) fitToResults(); });
    const body = element("div", { class: "legend-body" });
    for (const [type, colour] of Object.entries(TYPE_COLOURS)) {
      body.append(element("span", { class: "entry" }, element("span", { class: "dot", style: `background:${colour}` }), TYPE_LABELS[type]));
    }
    const sizes = element("span", { class: "entry sizes" });
    for (const killed of [0, 10, 50]) {
      const r = radius({ fatalities: killed });
      sizes.append(element("span", { class: "ring", style: `width:${2 * r}px;height:${2 * r}px` }));
    }
    sizes.append("0, 10, 50 killed");
    body.append(sizes,
      element("span", { class: "entry" }, element("span", { class: "ring dashed" }), "placed at a district, region or country centroid"),
      element("span", { class: "entry meta" }, "green numbers: events grouped nearby"));
    strip.append(body);
    L.DomEvent.disableClickPropagation(strip);
    state.legend = strip;
    return strip;
  };
  control.addTo(map);
}

function put(event, fresh = false) {
  const shown = state.events.get(event.event_id);
  if (shown && shown.version > event.version) return false; // a late, older version
  const old = state.markers.get(event.event_id);
  if (old) cluster.removeLayer(old);
  state.events.set(event.event_id, event);
  if (event.location) {
    const point = marker(event);
    state.markers.set(event.event_id, point);
    cluster.addLayer(point);
    if (fresh) point.on("add", () => point.getElement && point.getElement()?.classList.add("fresh"));
  } else {
    state.markers.delete(event.event_id);
  }
  const item = listItem(event);
  const existing = $(`#list li[data-id="${CSS.escape(event.event_id)}"]`);
  if (fresh) item.classList.add("fresh");
  if (existing) existing.replaceWith(item);
  else if (fresh) $("#list").prepend(item);
  else $("#list").append(item);
  return true;
}

function fitToResults() {
  // every marker in view: one place at a regional zoom, several fitted, none the world
  // (the legend's strip is kept clear: no marker is fitted under it)
  const points = [...state.markers.values()].map((m) => m.getLatLng());
  if (!points.length) {
    map.setView([20, 10], map.getMinZoom() + 1);
    return;
  }
  const foot = (state.legend ? state.legend.offsetHeight : 0) + 30;
  map.fitBounds(L.latLngBounds(points), {
    paddingTopLeft: [40, 30], paddingBottomRight: [30, foot],
    maxZoom: Math.min(FIT_MAX_ZOOM, map.getMaxZoom()),
  });
}

async function load(params) {
  const generation = ++state.load; // a later load wins over an earlier one still running
  $("#status").textContent = "loading…";
  updateDownloads(params);
  let page, body;
  try {
    page = await fetch(`/api/events?${params}${params.toString() ? "&" : ""}limit=${PAGE}`);
    body = await page.json();
  } catch (error) {
    if (generation === state.load) status("the server did not answer: try again in a moment");
    return;
  }
  if (generation !== state.load) return;
  cluster.clearLayers();
  state.events.clear();
  state.markers.clear();
  $("#list").replaceChildren();
  if (!page.ok) {
    status(`${body.parameter}: ${body.problem}`);
    return;
  }
  for (const event of body.events) put(event);
  fitToResults();
  const more = body.next_cursor ? ` (the first ${PAGE}; narrow the filters for the rest)` : "";
  state.fresh = 0;
  state.outside = 0;
  status(`${plural(body.events.length, "event")}${more}`);
  timeline(params, generation);
  listen(params, body.stream_position);
}

function updateDownloads(params) {
  for (const format of ["csv", "geojson"]) {
    const query = new URLSearchParams(params);
    query.set("format", format);
    $(`#download-${format}`).href = `/api/events/export?${query}`;
  }
}

function status(message) {
  const line = $("#status");
  line.replaceChildren(message);
  if (state.fresh) line.append(" ", element("span", { class: "new" }, `${state.fresh} new since loaded`));
  if (state.outside) {
    const button = element("button", { type: "button", class: "outside" }, `${state.outside} outside the map: show`);
    button.addEventListener("click", () => { state.outside = 0; fitToResults(); status(plural(state.events.size, "event")); });
    line.append(" ", button);
  }
}

function fitControl() {
  // a button under the zoom buttons: back to every result in view
  const control = L.control({ position: "topleft" });
  control.onAdd = () => {
    const box = element("div", { class: "leaflet-bar" });
    const button = element("a", { href: "#", role: "button", title: "Fit the map to the results", "aria-label": "Fit the map to the results", class: "fit" }, "⤢");
    button.addEventListener("click", (clicked) => { clicked.preventDefault(); state.outside = 0; fitToResults(); });
    L.DomEvent.disableClickPropagation(box);
    box.append(button);
    return box;
  };
  control.addTo(map);
}

// --- the timeline ------------------------------------------------------------------

const DAY_MS = 86400000;
const dayNumber = (iso) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
const isoOf = (number) => new Date(number * DAY_MS).toISOString().slice(0, 10);

async function timeline(params, generation) {
  // counts per day over the other filters: a date range chosen stays shown in context
  const context = new URLSearchParams(params);
  context.delete("date_from");
  context.delete("date_to");
  const response = await fetch(`/api/stats?${context}`);
  if (!response.ok || generation !== state.load) return;
  state.days = ((await response.json()).by_day || []).filter((d) => d.day);
  drawTimeline();
}

function drawTimeline() {
  const holder = $("#timeline-chart");
  const days = state.days;
  if (!days.length) {
    holder.replaceChildren();
    $("#timeline-caption").textContent = "No dated events.";
    return;
  }
  const first = Math.min(...days.map((d) => dayNumber(d.day)));
  const last = Math.max(...days.map((d) => dayNumber(d.day)));
  const span = last - first + 1;
  const width = Math.max(200, holder.clientWidth || 360);
  const height = 96;
  const left = 28, right = width - 8, top = 6, bottom = 66;
  const x = (number) => left + ((number - first) / span) * (right - left);
  const most = Math.max(...days.map((d) => d.events));
  const svg = svgElement("svg", {
    viewBox: `0 0 ${width} ${height}`, width, height, role: "img",
    "aria-label": `events per day from ${isoOf(first)} to ${isoOf(last)}; drag across to choose dates`,
  });
  svg.dataset.first = isoOf(first);
  svg.dataset.last = isoOf(last);
  const chosen = selectedRange();
  if (chosen) {
    const from = Math.max(first, chosen[0]), to = Math.min(last, chosen[1]);
    if (from <= to) svg.append(svgElement("rect", { class: "chosen", x: x(from), y: top, width: Math.max(2, x(to + 1) - x(from)), height: bottom - top }));
  }
  const barWidth = Math.max(2, (right - left) / span - 0.5);
  for (const day of days) {
    const n = dayNumber(day.day);
    const tall = Math.max(2, (day.events / most) * (bottom - top));
    const bar = svgElement("rect", { class: "bar", x: x(n), y: bottom - tall, width: barWidth, height: tall });
    bar.dataset.day = day.day;
    bar.dataset.events = day.events;
    const title = svgElement("title");
    title.textContent = `${day.day}: ${plural(day.events, "event")}, ${text(day.fatalities)} killed`;
    bar.append(title);
    svg.append(bar);
  }
  // axes: counts up the side, dates along the bottom
  svg.append(svgElement("line", { class: "axis", x1: left, x2: right, y1: bottom + 0.5, y2: bottom + 0.5 }));
  svg.append(svgElement("line", { class: "axis", x1: left - 0.5, x2: left - 0.5, y1: top, y2: bottom }));
  for (const [value, y] of [[most, top + 8], [0, bottom]]) {
    const label = svgElement("text", { class: "count", x: left - 4, y, "text-anchor": "end" });
    label.textContent = value;
    svg.append(label);
  }
  const ticks = Math.max(2, Math.min(4, Math.floor((right - left) / 110) + 1));
  for (let i = 0; i < ticks; i += 1) {
    const n = span === 1 ? first : Math.round(first + (i / (ticks - 1)) * (span - 1));
    const tick = svgElement("line", { class: "axis", x1: x(n + 0.5), x2: x(n + 0.5), y1: bottom, y2: bottom + 4 });
    const anchor = i === 0 ? "start" : i === ticks - 1 ? "end" : "middle";
    const label = svgElement("text", { class: "date", x: i === 0 ? left : i === ticks - 1 ? right : x(n + 0.5), y: bottom + 16, "text-anchor": anchor });
    label.textContent = isoOf(n);
    svg.append(tick, label);
    if (span === 1) break;
  }
  const total = days.reduce((sum, d) => sum + d.events, 0);
  $("#timeline-caption").textContent = `${plural(total, "event")} by day, ${isoOf(first)} to ${isoOf(last)}. `
    + (chosen ? `Showing ${isoOf(chosen[0])} to ${isoOf(chosen[1])}. ` : "")
    + "Drag across the chart to choose dates.";
  brush(svg, (px) => first + Math.floor(((px - left) / (right - left)) * span), first, last);
  holder.replaceChildren(svg);
}

function selectedRange() {
  const form = $("#filters");
  const from = form.elements.date_from.value, to = form.elements.date_to.value;
  if (!from && !to) return null;
  return [from ? dayNumber(from) : -Infinity, to ? dayNumber(to) : Infinity];
}

function brush(svg, dayAt, first, last) {
  // press, drag and let go: the days under the stroke become the date filter
  let start = null;
  let band = null;
  const at = (pointer) => {
    const box = svg.getBoundingClientRect();
    return ((pointer.clientX - box.left) / box.width) * svg.viewBox.baseVal.width;
  };
  svg.addEventListener("pointerdown", (pointer) => {
    start = at(pointer);
    band = svgElement("rect", { class: "band", x: start, y: 0, width: 1, height: 66 });
    svg.append(band);
    svg.setPointerCapture(pointer.pointerId);
    pointer.preventDefault();
  });
  svg.addEventListener("pointermove", (pointer) => {
    if (start === null) return;
    const now = at(pointer);
    band.setAttribute("x", Math.min(start, now));
    band.setAttribute("width", Math.max(1, Math.abs(now - start)));
  });
  svg.addEventListener("pointerup", (pointer) => {
    if (start === null) return;
    const end = at(pointer);
    const clamp = (n) => Math.min(last, Math.max(first, n));
    const from = clamp(dayAt(Math.min(start, end)));
    const to = clamp(dayAt(Math.max(start, end)));
    start = null;
    const form = $("#filters");
    form.elements.date_from.value = isoOf(from);
    form.elements.date_to.value = isoOf(to);
    apply();
  });
}

window.addEventListener("resize", () => { if (state.days.length) drawTimeline(); });

// --- live versions -------------------------------------------------------------------

function listen(params, position) {
  // from the position taken before the page was read: nothing stored since is missed
  if (state.stream) state.stream.close();
  const from = position ? `last_event_id=${encodeURIComponent(position)}` : "";
  const query = [params.toString(), from].filter(Boolean).join("&");
  state.stream = new EventSource(`/api/events/stream?${query}`);
  state.stream.addEventListener("version", (message) => {
    const event = JSON.parse(message.data);
    const known = state.events.has(event.event_id);
    if (put(event, true) && !known) {
      state.fresh += 1;
      if (event.location && !map.getBounds().contains([event.location.lat, event.location.lon])) state.outside += 1;
    }
    status(plural(state.events.size, "event"));
    // the timeline counts it too, once a burst of versions is over
    clearTimeout(state.recount);
    state.recount = setTimeout(() => timeline(params, state.load), 1000);
  });
}

// --- the event panel -----------------------------------------------------------------

function tollChart(versions) {
  // the toll each version showed: best, and the low and high the reports gave
  const points = versions.map((v) => v.event.fatalities_range
    ? [v.event.fatalities_range.low.value, v.event.fatalities_range.best.value, v.event.fatalities_range.high.value]
    : [v.fatalities, v.fatalities, v.fatalities]);
  const top = Math.max(1, ...points.flat().filter((n) => n !== null));
  const svg = svgElement("svg", {
    class: "toll", viewBox: "0 0 100 40", preserveAspectRatio: "none", role: "img",
    "aria-label": "killed, version by version",
  });
  [["#bbb", 0], ["#c0392b", 1], ["#bbb", 2]].forEach(([colour, which]) => {
    const step = 100 / (points.length - 1);
    svg.append(svgElement("polyline", {
      points: points.map((p, i) => `${i * step},${40 - ((p[which] || 0) / top) * 38}`).join(" "),
      stroke: colour,
    }));
  });
  return svg;
}

function safeLink(url) {
  // an address from a feed is untrusted: only http(s) becomes a link
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch (error) {
    return null;
  }
}

function sourceItems(event) {
  const reports = event.reports && event.reports.length ? event.reports
    : event.sources.map((source) => ({ source, url: null, republished: !event.independent_sources.includes(source) }));
  return reports.map((report) => {
    const href = report.url ? safeLink(report.url) : null;
    const name = href
      ? element("a", { href, target: "_blank", rel: "noopener noreferrer" }, report.source)
      : report.source;
    return element("li", {}, name, report.republished ? " (republished)" : "",
      report.published ? element("span", { class: "meta" }, ` ${report.published.slice(0, 16).replace("T", " ")}`) : "");
  });
}

async function show(eventId) {
  const response = await fetch(`/api/events/${encodeURIComponent(eventId)}`);
  if (!response.ok) return;
  const { event, versions } = await response.json();
  const rows = versions.map((v) => element("tr", {},
    element("td", {}, `v${v.version}`), element("td", {}, v.stored_at.slice(0, 16).replace("T", " ")),
    element("td", {}, text(v.fatalities)), element("td", {}, text(v.injured)), element("td", {}, v.sources.join(", "))));
  const tollPart = versions.length > 1
    ? [element("h3", {}, "Toll over time"), tollChart(versions)]
    : [element("h3", {}, "Versions"), element("p", { class: "meta one-version" }, "One report so far: no toll history yet.")];
  $("#detail").replaceChildren(
    element("h2", {}, `${event.sub_event_type.replaceAll("_", " ")} in ${event.location ? event.location.name : "an unknown place"}, ${event.country}`),
    element("p", { class: "precision" }, `Placed at: ${placeText(event)}`),
    element("p", {}, `${event.event_date} · killed ${text(event.fatalities)} · injured ${text(event.injured)} · ${event.actor1 || "?"} against ${event.actor2 || "?"}`),
    element("h3", {}, "Evidence"),
    ...event.evidence.map((sentence) => element("blockquote", { class: "evidence" }, sentence)),
    element("h3", {}, "Sources"),
    element("ul", { class: "sources" }, ...sourceItems(event)),
    ...tollPart,
    element("table", { class: "versions" },
      element("thead", {}, element("tr", {}, ...["version", "stored", "killed", "injured", "sources"].map((h) => element("th", {}, h)))),
      element("tbody", {}, ...rows)),
  );
  $("#panel").hidden = false;
  $("#close").focus();
  const point = state.markers.get(eventId);
  if (point) cluster.zoomToShowLayer(point, () => point.openTooltip());
}

// --- "Alert me about this view" ---------------------------------------------------------

const wrap = (lon) => ((((lon + 180) % 360) + 360) % 360) - 180;

function mapBox() {
  // the map's area as west,south,east,north, or null when it shows every longitude
  const bounds = map.getBounds();
  const south = Math.max(-90, bounds.getSouth()), north = Math.min(90, bounds.getNorth());
  if (bounds.getEast() - bounds.getWest() >= 360) {
    return south <= -85 && north >= 85 ? null : { west: -180, south, east: 180, north };
  }
  const round = (n) => Math.round(n * 10000) / 10000;
  return { west: round(wrap(bounds.getWest())), south: round(south), east: round(wrap(bounds.getEast())), north: round(north) };
}

function subscriptionOfView() {
  // the view's filters as a subscription's: dates stay out (an alert is about what comes)
  const params = formParams();
  const watch = {};
  const lines = [];
  if (params.get("country")) {
    watch.countries = params.get("country").split(",");
    lines.push(`in ${watch.countries.map((c) => state.codeToName.get(c) || c).join(", ")}`);
  }
  if (params.get("type")) {
    watch.event_types = [params.get("type")];
    lines.push(`of type ${TYPE_LABELS[params.get("type")] || params.get("type")}`);
  }
  if (params.get("min_killed")) {
    watch.min_fatalities = Number(params.get("min_killed"));
    lines.push(`with at least ${plural(watch.min_fatalities, "person", "people")} killed`);
  }
  if (params.get("q")) {
    watch.keywords = [params.get("q")];
    lines.push(`whose evidence or place says "${params.get("q")}"`);
  }
  if (!lines.length) lines.push("every event (no filter set)");
  return { watch, lines };
}

function openAlert() {
  let view;
  try {
    view = subscriptionOfView();
  } catch (error) {
    status(error.message);
    return;
  }
  const box = mapBox();
  $("#alert-watch").replaceChildren(...view.lines.map((line) => element("li", {}, line)));
  $("#alert-box").textContent = box ? `(${box.west}, ${box.south}, ${box.east}, ${box.north}: west, south, east, north)` : "(the whole world)";
  $("#alert-result").textContent = "";
  const form = $("#alert-form");
  if (!form.elements.name.value) {
    const place = view.watch.countries ? view.watch.countries.join("-") : "world";
    form.elements.name.value = `${place} ${new Date().toISOString().slice(0, 16).replace("T", " ").replace(":", "")}`;
  }
  $("#alert-dialog").showModal();
}

function targetHints() {
  const form = $("#alert-form");
  const kind = form.elements.kind.value;
  form.elements.target.placeholder = { file: "alerts.jsonl", webhook: "https://hooks.example.org/wirewatch", email: "desk@example.org" }[kind];
  form.elements.target.type = kind === "email" ? "email" : kind === "webhook" ? "url" : "text";
  $("#alert-secret").hidden = kind !== "webhook";
}

async function createAlert(submitted) {
  submitted.preventDefault();
  const form = $("#alert-form");
  if (!form.reportValidity()) return;
  const result = $("#alert-result");
  let watch;
  try {
    ({ watch } = subscriptionOfView());
  } catch (error) {
    result.className = "error";
    result.textContent = error.message;
    return;
  }
  const name = form.elements.name.value.trim();
  const body = {
    id: name.replace(/\s+/g, "-"),
    name,
    ...watch,
    delivery: { kind: form.elements.kind.value, target: form.elements.target.value.trim() },
  };
  if (form.elements.kind.value === "webhook" && form.elements.secret.value) body.delivery.secret = form.elements.secret.value;
  const box = form.elements.in_box.checked ? mapBox() : null;
  if (box) body.bbox = box;
  result.className = "";
  result.textContent = "saving…";
  let response, answer;
  try {
    response = await fetch("/api/subscriptions", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    answer = await response.json();
  } catch (error) {
    result.className = "error";
    result.textContent = "the server did not answer: nothing was saved";
    return;
  }
  if (!response.ok) {
    result.className = "error";
    result.textContent = answer.problem ? `${answer.parameter}: ${answer.problem}`
      : `refused: ${answer.detail || response.status}`;
    return;
  }
  const saved = answer.subscription;
  result.className = "saved";
  result.textContent = `Saved "${saved.id}": alerts go to ${saved.delivery.kind} ${saved.delivery.target}.`
    + (answer.warning ? ` Note: ${answer.warning}.` : "");
  form.elements.name.value = "";
}

// --- wiring ----------------------------------------------------------------------------

$("#close").addEventListener("click", () => { $("#panel").hidden = true; });
document.addEventListener("keydown", (key) => { if (key.key === "Escape") $("#panel").hidden = true; });
$("#filters").addEventListener("submit", (submitted) => { submitted.preventDefault(); apply(); });
$("#filters").addEventListener("reset", () => setTimeout(apply, 0));
$("#alert-open").addEventListener("click", openAlert);
$("#alert-cancel").addEventListener("click", () => $("#alert-dialog").close());
$("#alert-form").addEventListener("submit", createAlert);
$("#alert-form").elements.kind.addEventListener("change", targetHints);
window.addEventListener("popstate", () => {
  const params = urlParams();
  fillForm(params);
  load(params);
});

// for tests and for the curious: what the map holds and shows
window.wirewatch = {
  markerCount: () => cluster.getLayers().length,
  markersInView: () => {
    const bounds = map.getBounds();
    return cluster.getLayers().filter((m) => bounds.contains(m.getLatLng())).length;
  },
  zoom: () => map.getZoom(),
  state,
};

legend();
fitControl();
targetHints();
Promise.allSettled([baseMap(), loadCountries()]).finally(() => {
  const params = urlParams();
  fillForm(params);
  load(params);
});
