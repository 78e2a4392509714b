// The access graph view: iamd's AccessGraph drawn with Cytoscape.js and its dagre layout,
// accounts as boxes, cross-account edges marked, the paths that reach a chosen resource and
// the escalation paths (AccessEscalations) highlighted, and every edge listed as a table
// under the drawing with the statements that grant it.
import { xmlText } from "./aws.js";
import { el, mono, table } from "./dom.js";

const KIND_COLORS = {
  user: "#2f5fd0", role: "#1f7a3a", group: "#7a4fd0", service: "#b86e00", account: "#5c6577",
  secret: "#c0262d", "instance-profile": "#0f7c8c", bucket: "#8c5a0f",
};

let cytoscapeLib = null;

// library loads Cytoscape.js and registers the dagre layout, once.
async function library() {
  if (!cytoscapeLib) {
    const [{ default: cytoscape }, { default: dagre }] = await Promise.all([
      import("./vendor/cytoscape.esm.min.mjs"), import("./vendor/cytoscape-dagre.min.mjs")]);
    cytoscape.use(dagre);
    cytoscapeLib = cytoscape;
  }
  return cytoscapeLib;
}

// jsonMember is the JSON document an admin API answer carries in its element named name,
// when it carries one.
function jsonMember(doc, name) {
  const text = xmlText(doc, name);
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// xmlMembers reads <name><member>…</member></name> as objects of their children's text (a
// member's own list of members as an array).
function xmlMembers(doc, name) {
  const list = doc.getElementsByTagName(name)[0];
  if (!list) return [];
  const read = (m) => {
    const o = {};
    for (const c of m.children) {
      const members = [...c.children].filter((x) => x.localName === "member");
      o[c.localName[0].toLowerCase() + c.localName.slice(1)] = members.length
        ? members.map((x) => (x.children.length ? read(x) : x.textContent))
        : c.children.length ? read(c) : c.textContent;
    }
    return o;
  };
  return [...list.children].filter((m) => m.localName === "member").map(read);
}

// parseGraph reads AccessGraph's answer: the graph JSON ({nodes, edges}) in a Graph member,
// or its nodes and edges as XML members.
export function parseGraph(doc) {
  const json = jsonMember(doc, "Graph") || jsonMember(doc, "GraphJson") || jsonMember(doc, "Document");
  if (json && Array.isArray(json.nodes)) return { nodes: json.nodes, edges: json.edges || [] };
  return { nodes: xmlMembers(doc, "Nodes"), edges: xmlMembers(doc, "Edges") };
}

const graphs = new WeakMap();

// loadGraph fetches the access graph once per signed-in client.
export function loadGraph(client) {
  if (!graphs.has(client)) {
    const p = client.query("iamd", "AccessGraph", { Format: "json" }).then(parseGraph);
    p.catch(() => graphs.delete(client));
    graphs.set(client, p);
  }
  return graphs.get(client);
}

// loadEscalations fetches AccessEscalations: each an edge path, as pairs "from to".
async function loadEscalations(client) {
  const doc = await client.query("iamd", "AccessEscalations", {});
  const json = jsonMember(doc, "Escalations");
  const items = Array.isArray(json) ? json : json?.escalations || xmlMembers(doc, "Escalations");
  const edges = new Set();
  const principals = new Set();
  for (const esc of items) {
    if (esc.principal) principals.add(esc.principal);
    for (const e of esc.path || esc.edges || []) if (e.from && e.to) edges.add(`${e.from} ${e.to}`);
  }
  return { edges, principals, count: items.length };
}

// accountOf is the account of an ARN ("" for none, as for a service principal).
function accountOf(arn) {
  return arn.split(":")[4] || "";
}

function shortLabel(n) {
  if (n.label) return n.label;
  const tail = n.id.split(":").slice(5).join(":");
  return tail || n.id;
}

// reaching is the set of edges on some path to target (and the nodes on them): who can
// reach it, directly or through a chain.
function reaching(edges, target) {
  const into = new Map();
  for (const e of edges) {
    if (!into.has(e.to)) into.set(e.to, []);
    into.get(e.to).push(e);
  }
  const seen = new Set([target]);
  const onPath = new Set();
  const queue = [target];
  while (queue.length) {
    const n = queue.shift();
    for (const e of into.get(n) || []) {
      onPath.add(e);
      if (!seen.has(e.from)) {
        seen.add(e.from);
        queue.push(e.from);
      }
    }
  }
  return { nodes: seen, edges: onPath };
}

function isResource(n) {
  return n.kind === "secret" || n.kind === "bucket" || n.id.startsWith("arn:aws:s3:::") || n.id.includes(":secretsmanager:");
}

// renderGraph draws the graph and lists its edges.
export async function renderGraph(client, view) {
  const [graph, cytoscape] = await Promise.all([loadGraph(client), library()]);
  const escalations = await loadEscalations(client).catch((e) => ({ edges: new Set(), principals: new Set(), count: 0, error: e }));
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const e of graph.edges) for (const id of [e.from, e.to]) if (!nodes.has(id)) nodes.set(id, { id, kind: "account", account: accountOf(id) });
  const accounts = [...new Set([...nodes.values()].map((n) => n.account || accountOf(n.id)).filter(Boolean))].sort();

  const targetSelect = el("select", { id: "graph-target" }, el("option", { value: "" }, "— what reaches… —"),
    [...nodes.values()].filter(isResource).map((n) => el("option", { value: n.id }, n.id)));
  const status = el("span", { class: "note", id: "graph-status" });
  const canvas = el("div", { id: "graph-canvas", role: "img", "aria-label": "access graph" });
  const edgeList = el("div", { id: "graph-edges" });
  view.replaceChildren(
    el("h2", {}, "Access graph"),
    el("div", { class: "toolbar" }, targetSelect, status),
    el("p", { class: "legend" }, Object.entries(KIND_COLORS).map(([k, c]) => el("span", {}, el("i", { "data-color": c, class: `dot-${k}` }), k)),
      el("span", {}, "— blue dashed: cross-account · red: escalation path · gold: reaches the chosen resource")),
    canvas, el("h3", {}, "Edges"), edgeList);
  // The legend's colours, set through the CSSOM (the CSP allows no inline style attribute).
  for (const dot of view.querySelectorAll(".legend i")) dot.style.background = dot.dataset.color;

  const elements = [];
  for (const a of accounts) elements.push({ data: { id: `account:${a}`, label: `account ${a}`, kind: "account-box" } });
  for (const n of nodes.values()) {
    const acct = n.account || accountOf(n.id);
    elements.push({ data: { id: n.id, label: shortLabel(n), kind: n.kind, parent: acct ? `account:${acct}` : undefined } });
  }
  graph.edges.forEach((e, i) => {
    const cross = accountOf(e.from) !== accountOf(e.to) && accountOf(e.to) !== "";
    const esc = escalations.edges.has(`${e.from} ${e.to}`);
    elements.push({ data: { id: `e${i}`, source: e.from, target: e.to, label: e.kind, kind: e.kind },
      classes: [cross ? "cross" : "", esc ? "escalation" : ""].join(" ").trim() });
  });

  const cy = cytoscape({
    container: canvas, elements, wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: { label: "data(label)", "background-color": (n) => KIND_COLORS[n.data("kind")] || "#999",
        color: "#1d2330", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4, width: 22, height: 22 } },
      { selector: "node[kind = 'account-box']", style: { "background-color": "#f3f5f9", "border-color": "#b8c0cf", "border-width": 1,
        label: "data(label)", "text-valign": "top", "font-weight": "bold", color: "#5c6577", shape: "round-rectangle", padding: 18 } },
      { selector: "edge", style: { width: 1.6, "curve-style": "bezier", "target-arrow-shape": "triangle", "line-color": "#8a93a6",
        "target-arrow-color": "#8a93a6", label: "data(label)", "font-size": 9, color: "#5c6577", "text-rotation": "autorotate",
        "text-background-color": "#fff", "text-background-opacity": 0.8 } },
      { selector: "edge.cross", style: { "line-style": "dashed", "line-color": "#2f5fd0", "target-arrow-color": "#2f5fd0", width: 2.4 } },
      { selector: "edge.escalation", style: { "line-color": "#c0262d", "target-arrow-color": "#c0262d", width: 3 } },
      { selector: ".reaches", style: { "line-color": "#d9a400", "target-arrow-color": "#d9a400", "border-color": "#d9a400", "border-width": 3, width: 3.5 } },
      { selector: ".faded", style: { opacity: 0.25 } },
    ],
    layout: { name: "dagre", rankDir: "LR", nodeSep: 30, rankSep: 110, edgeSep: 12 },
  });

  const drawEdges = (reach) => {
    edgeList.replaceChildren(table(["From", "Edge", "To", "Action", "Granted by", "Conditions"], graph.edges.map((e) => [
      mono(e.from), el("td", {}, e.kind), mono(e.to), mono(e.action || ""),
      mono((e.statements || []).map((s) => (typeof s === "string" ? s : JSON.stringify(s))).join("; ")),
      mono(e.conditions ? JSON.stringify(e.conditions) : ""),
    ]), (i) => {
      const e = graph.edges[i];
      const cls = [accountOf(e.from) !== accountOf(e.to) && accountOf(e.to) ? "cross-account" : "",
        escalations.edges.has(`${e.from} ${e.to}`) ? "escalation" : "", reach?.edges.has(e) ? "reaches" : ""];
      return { class: cls.join(" ").trim(), "data-from": e.from, "data-to": e.to, "data-kind": e.kind };
    }));
  };
  targetSelect.addEventListener("change", () => {
    cy.elements().removeClass("reaches faded");
    if (!targetSelect.value) { drawEdges(null); return; }
    const reach = reaching(graph.edges, targetSelect.value);
    graph.edges.forEach((e, i) => cy.getElementById(`e${i}`).addClass(reach.edges.has(e) ? "reaches" : "faded"));
    cy.nodes().forEach((n) => { if (n.data("kind") !== "account-box" && !reach.nodes.has(n.id())) n.addClass("faded"); });
    cy.getElementById(targetSelect.value).addClass("reaches");
    drawEdges(reach);
  });
  drawEdges(null);
  const crossCount = graph.edges.filter((e) => accountOf(e.from) !== accountOf(e.to) && accountOf(e.to)).length;
  status.textContent = `${nodes.size} nodes, ${graph.edges.length} edges (${crossCount} cross-account) over ${accounts.length} accounts; ` +
    (escalations.error ? `escalations unavailable: ${escalations.error.message}` : `${escalations.count} escalation paths`);
  canvas.dataset.nodes = String(cy.nodes().length);
  canvas.dataset.edges = String(cy.edges().length);
}
