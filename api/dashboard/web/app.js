// The dashboard: the events the filters find on a map and in a list kept in step, a
// timeline of events per day, an event's evidence and toll history in a panel, and new
// versions as the API streams them. Everything it loads comes from this server.
"use strict";

const TYPE_COLOURS = {
  battles: "#c0392b",
  explosions_remote_violence: "#e67e22",
  violence_against_civilians: "#8e44ad",
  protests: "#2980b9",
  riots: "#16a085",
  strategic_developments: "#7f8c8d",
};
const PAGE = 1000;

const state = { events: new Map(), markers: new Map(), fresh: 0, stream: null };
// zoom bounds set here: without tiles the map has none, and clustering needs a maximum
const map = L.map("map", { worldCopyJump: true, minZoom: 2, maxZoom: 14 }).setView([25, 30], 3);
const cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
map.addLayer(cluster);

const $ = (selector) => document.querySelector(selector);
const text = (value) => (value === null || value === undefined ? "–" : String(value));

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
}

async function baseMap() {
  const config = await (await fetch("/dashboard/config.json")).json();
  if (config.tile_url) {
    L.tileLayer(config.tile_url, { attribution: config.tile_attribution || "" }).addTo(map);
    return;
  }
  // offline: Natural Earth country outlines (public domain), from the world-atlas package
  const atlas = await (await fetch("/static/vendor/world-atlas/countries-50m.json")).json();
  L.geoJSON(topojson.feature(atlas, atlas.objects.countries), {
    style: { color: "#8a9ba8", weight: 0.6, fillColor: "#f2efe6", fillOpacity: 1 },
    interactive: false,
  }).addTo(map);
}

function filters() {
  const form = new FormData($("#filters"));
  const params = new URLSearchParams();
  for (const [name, value] of form.entries()) if (String(value).trim()) params.set(name, String(value).trim());
  return params;
}

function radius(event) {
  return 5 + 2.5 * Math.sqrt(event.fatalities || 0);
}

function marker(event) {
  const colour = TYPE_COLOURS[event.event_type] || "#555";
  const point = L.circleMarker([event.location.lat, event.location.lon], {
    radius: radius(event), color: colour, fillColor: colour, fillOpacity: 0.6, weight: 1,
  });
  // as a text node: Leaflet would read a string as HTML
  point.bindTooltip(element("span", {}, `${event.location.name}: ${event.sub_event_type.replaceAll("_", " ")}, ${text(event.fatalities)} killed`));
  point.on("click", () => show(event.event_id));
  point.eventId = event.event_id;
  return point;
}

function listItem(event) {
  const place = event.location ? event.location.name : event.country;
  const button = element("button", { type: "button", "data-id": event.event_id },
    element("span", { class: "dot", style: `background:${TYPE_COLOURS[event.event_type] || "#555"}` }),
    `${event.event_date} · ${place} (${event.country})`, element("br"),
    element("span", { class: "meta" },
      `${event.sub_event_type.replaceAll("_", " ")} · ${text(event.fatalities)} killed · ${event.sources.length} source(s)`));
  button.addEventListener("click", () => show(event.event_id));
  return element("li", { "data-id": event.event_id }, button);
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

async function load() {
  const params = filters();
  $("#status").textContent = "loading…";
  cluster.clearLayers();
  state.events.clear();
  state.markers.clear();
  $("#list").replaceChildren();
  const page = await fetch(`/api/events?${params}&limit=${PAGE}`);
  const body = await page.json();
  if (!page.ok) {
    $("#status").textContent = `${body.parameter}: ${body.problem}`;
    return;
  }
  for (const event of body.events) put(event);
  const more = body.next_cursor ? ` (the first ${PAGE}; narrow the filters for the rest)` : "";
  state.fresh = 0;
  status(`${body.events.length} events${more}`);
  timeline(params);
  listen(params, body.stream_position);
}

function status(message) {
  const line = $("#status");
  line.replaceChildren(message);
  if (state.fresh) line.append(" ", element("span", { class: "new" }, `${state.fresh} new since loaded`));
}

async function timeline(params) {
  const stats = await (await fetch(`/api/stats?${params}`)).json();
  const days = stats.by_day || [];
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${Math.max(days.length, 1)} 60`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `events per day, ${days.length} days`);
  const top = Math.max(1, ...days.map((d) => d.events));
  days.forEach((day, index) => {
    const bar = document.createElementNS(svg.namespaceURI, "rect");
    const height = (day.events / top) * 58;
    bar.setAttribute("x", index + 0.1);
    bar.setAttribute("width", 0.8);
    bar.setAttribute("y", 60 - height);
    bar.setAttribute("height", height);
    bar.append(Object.assign(document.createElementNS(svg.namespaceURI, "title"), { textContent: `${day.day}: ${day.events}` }));
    svg.append(bar);
  });
  $("#timeline").replaceChildren(svg);
}

function listen(params, position) {
  // from the position taken before the page was read: nothing stored since is missed
  if (state.stream) state.stream.close();
  const from = position ? `&last_event_id=${encodeURIComponent(position)}` : "";
  state.stream = new EventSource(`/api/events/stream?${params}${from}`);
  state.stream.addEventListener("version", (message) => {
    const event = JSON.parse(message.data);
    const known = state.events.has(event.event_id);
    if (put(event, true) && !known) state.fresh += 1;
    status(`${state.events.size} events`);
  });
}

function tollChart(versions) {
  // the toll each version showed: best, and the low and high the reports gave
  const points = versions.map((v) => v.event.fatalities_range
    ? [v.event.fatalities_range.low.value, v.event.fatalities_range.best.value, v.event.fatalities_range.high.value]
    : [v.fatalities, v.fatalities, v.fatalities]);
  const top = Math.max(1, ...points.flat().filter((n) => n !== null));
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "toll");
  svg.setAttribute("viewBox", `0 0 100 40`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "killed, version by version");
  [["#bbb", 0], ["#c0392b", 1], ["#bbb", 2]].forEach(([colour, which]) => {
    const line = document.createElementNS(svg.namespaceURI, "polyline");
    const step = points.length > 1 ? 100 / (points.length - 1) : 0;
    line.setAttribute("points", points.map((p, i) => `${i * step},${40 - ((p[which] || 0) / top) * 38}`).join(" "));
    line.setAttribute("stroke", colour);
    svg.append(line);
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
  const place = event.location ? `${event.location.name} (${event.location.precision})` : "place unknown";
  const rows = versions.map((v) => element("tr", {},
    element("td", {}, `v${v.version}`), element("td", {}, v.stored_at.slice(0, 16).replace("T", " ")),
    element("td", {}, text(v.fatalities)), element("td", {}, text(v.injured)), element("td", {}, v.sources.join(", "))));
  $("#detail").replaceChildren(
    element("h2", {}, `${event.sub_event_type.replaceAll("_", " ")} in ${place}, ${event.country}`),
    element("p", {}, `${event.event_date} · killed ${text(event.fatalities)} · injured ${text(event.injured)} · ${event.actor1 || "?"} against ${event.actor2 || "?"}`),
    element("h3", {}, "Evidence"),
    ...event.evidence.map((sentence) => element("blockquote", { class: "evidence" }, sentence)),
    element("h3", {}, "Sources"),
    element("ul", { class: "sources" }, ...sourceItems(event)),
    element("h3", {}, "Toll over time"),
    tollChart(versions),
    element("table", { class: "versions" },
      element("thead", {}, element("tr", {}, ...["version", "stored", "killed", "injured", "sources"].map((h) => element("th", {}, h)))),
      element("tbody", {}, ...rows)),
  );
  $("#panel").hidden = false;
  $("#close").focus();
  const point = state.markers.get(eventId);
  if (point) cluster.zoomToShowLayer(point, () => point.openTooltip());
}

$("#close").addEventListener("click", () => { $("#panel").hidden = true; });
document.addEventListener("keydown", (key) => { if (key.key === "Escape") $("#panel").hidden = true; });
$("#filters").addEventListener("submit", (submitted) => { submitted.preventDefault(); load(); });
$("#filters").addEventListener("reset", () => setTimeout(load, 0));

// for tests and for the curious: what the map holds
window.wirewatch = { markerCount: () => cluster.getLayers().length, state };
baseMap().finally(load);
