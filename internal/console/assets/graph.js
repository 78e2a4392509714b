// The access graph view: iamd's GetAccessGraph drawn with Cytoscape.js and its dagre layout,
// accounts as boxes, cross-account edges marked, the paths that reach a chosen resource and
// the escalation paths (ListAccessEscalations) highlighted, and every edge listed as a table
// under the drawing with the statements that grant it.
import { xmlText } from "./aws.js";
import { el, mono, table } from "./dom.js";

const KIND_COLORS = {
  user: "#2f5fd0", role: "#1f7a3a", group: "#7a4fd0", service: "#b86e00", account: "#5c6577",
  external: "#9aa3b5", federated: "#6b3fa0", secret: "#c0262d", "instance-profile": "#0f7c8c", resource: "#8c5a0f",
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

// documentOf is the JSON document an access action answers with (its Document element).
function documentOf(doc, action) {
  const json = jsonMember(doc, "Document");
  if (!json) throw new Error(`${action}: the answer holds no JSON document`);
  return json;
}

// parseGraph reads GetAccessGraph's answer: the graph JSON ({nodes, edges, truncated}).
export function parseGraph(doc) {
  const json = documentOf(doc, "GetAccessGraph");
  return { nodes: json.nodes || [], edges: json.edges || [], truncated: !!json.truncated };
}

const graphs = new WeakMap();

// loadGraph fetches the access graph once per signed-in client.
export function loadGraph(client) {
  if (!graphs.has(client)) {
    const p = client.query("iamd", "GetAccessGraph", { Format: "json" }).then(parseGraph);
    p.catch(() => graphs.delete(client));
    graphs.set(client, p);
  }
  return graphs.get(client);
}

// edgeKey names an edge as the queries' paths do.
const edgeKey = (e) => `${e.from} ${e.kind} ${e.to}`;

// loadEscalations fetches ListAccessEscalations: the principals that can reach more than they
// hold, and the edges of their paths (and of the chains that rewrite a target's policies).
async function loadEscalations(client) {
  const items = documentOf(await client.query("iamd", "ListAccessEscalations"), "ListAccessEscalations").escalations || [];
  const edges = new Set();
  const principals = new Set();
  for (const esc of items) {
    principals.add(esc.principal);
    for (const e of [...(esc.path || []), ...(esc.control || [])]) edges.add(edgeKey(e));
  }
  return { items, edges, principals, count: items.length };
}

// whoCan asks ListAccessWhoCan which principals may do the action on the resource, and by
// which paths.
async function whoCan(client, action, resource) {
  const doc = await client.query("iamd", "ListAccessWhoCan", { ActionName: action, ResourceArn: resource });
  return (documentOf(doc, "ListAccessWhoCan").principals || []).filter((a) => a.allowed !== false);
}

// defaultAction is the action "what reaches" asks about for a resource.
function defaultAction(arn) {
  if (arn.includes(":secretsmanager:")) return "secretsmanager:GetSecretValue";
  if (arn.startsWith("arn:aws:s3:::")) return "s3:GetObject";
  if (arn.includes(":iam::") && arn.includes(":role/")) return "sts:AssumeRole";
  return "";
}

// conditionsText words an edge's conditions: KEY OPERATOR VALUES, or the requirement's note.
export function conditionsText(conds) {
  return (conds || []).map((c) => (c.key ? `${c.key} ${c.operator || ""} ${(c.values || []).join(", ")}`.replace(/\s+/g, " ").trim() : c.note || ""))
    .filter(Boolean).join("; ");
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

function isTarget(n) {
  return n.kind === "secret" || n.kind === "role";
}

const STYLE = [
  { selector: "node", style: { label: "data(label)", "background-color": (n) => KIND_COLORS[n.data("kind")] || "#999",
    color: "#1d2330", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4, width: 22, height: 22 } },
  { selector: "node[kind = 'account-box']", style: { "background-color": "#f3f5f9", "border-color": "#b8c0cf", "border-width": 1,
    label: "data(label)", "text-valign": "top", "font-weight": "bold", color: "#5c6577", shape: "round-rectangle", padding: 18 } },
  { selector: "edge", style: { width: 1.6, "curve-style": "bezier", "target-arrow-shape": "triangle", "line-color": "#8a93a6",
    "target-arrow-color": "#8a93a6", label: "data(label)", "font-size": 9, color: "#5c6577", "text-rotation": "autorotate",
    "text-background-color": "#fff", "text-background-opacity": 0.8 } },
  { selector: "edge.cross", style: { "line-style": "dashed", "line-color": "#2f5fd0", "target-arrow-color": "#2f5fd0", width: 2.4 } },
  { selector: "edge.escalation", style: { "line-color": "#c0262d", "target-arrow-color": "#c0262d", width: 3 } },
  { selector: "node.escalation", style: { "border-color": "#c0262d", "border-width": 3 } },
  { selector: "edge.reaches", style: { "line-color": "#d9a400", "target-arrow-color": "#d9a400", width: 3.5, "line-style": "solid" } },
  { selector: "node.reaches", style: { "border-color": "#d9a400", "border-width": 4 } },
  { selector: ".faded", style: { opacity: 0.25 } },
];

// renderGraph draws the graph, lists its edges, and answers "what reaches" a resource.
export async function renderGraph(client, view) {
  const [graph, cytoscape] = await Promise.all([loadGraph(client), library()]);
  const escalations = await loadEscalations(client).catch((e) => ({ items: [], edges: new Set(), principals: new Set(), count: 0, error: e }));
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const e of graph.edges) for (const id of [e.from, e.to]) if (!nodes.has(id)) nodes.set(id, { id, kind: "external", account: accountOf(id) });
  const accounts = [...new Set([...nodes.values()].map((n) => n.account || accountOf(n.id)).filter(Boolean))].sort();
  const cross = (e) => accountOf(e.to) !== "" && accountOf(e.from) !== accountOf(e.to);

  const targets = el("datalist", { id: "graph-targets" }, [...nodes.values()].filter(isTarget).map((n) => el("option", { value: n.id })));
  const resourceInput = el("input", { id: "graph-resource", list: "graph-targets", size: 60, placeholder: "a secret, bucket or role ARN", spellcheck: "false" });
  const actionInput = el("input", { id: "graph-action", size: 30, placeholder: "action", spellcheck: "false" });
  resourceInput.addEventListener("input", () => { actionInput.placeholder = defaultAction(resourceInput.value) || "action"; });
  const reachForm = el("form", { id: "graph-reach", class: "toolbar" }, el("strong", {}, "What reaches "), resourceInput, actionInput,
    el("button", { type: "submit" }, "Show"), el("button", { type: "button", id: "graph-clear" }, "Clear"));
  const status = el("p", { class: "note", id: "graph-status" });
  const canvas = el("div", { id: "graph-canvas", role: "img", "aria-label": "access graph" });
  const reachList = el("div", { id: "graph-reach-answer" });
  const edgeList = el("div", { id: "graph-edges" });
  const escList = el("div", { id: "graph-escalations" });
  view.replaceChildren(
    el("h2", {}, "Access graph"), status, reachForm, targets,
    el("p", { class: "legend" }, Object.entries(KIND_COLORS).map(([k, c]) => el("span", {}, el("i", { "data-color": c }), k)),
      el("span", {}, "— blue dashed: cross-account · red: escalation path · gold: reaches the chosen resource")),
    canvas, reachList, el("h3", {}, `Escalations (${escalations.count})`), escList, el("h3", {}, "Edges"), edgeList);
  // The legend's colours, set through the CSSOM (the CSP allows no inline style attribute).
  for (const dot of view.querySelectorAll(".legend i")) dot.style.background = dot.dataset.color;

  const elements = [];
  for (const a of accounts) elements.push({ data: { id: `account:${a}`, label: `account ${a}`, kind: "account-box" } });
  for (const n of nodes.values()) {
    const acct = n.account || accountOf(n.id);
    elements.push({ data: { id: n.id, label: shortLabel(n), kind: n.kind, parent: acct ? `account:${acct}` : undefined },
      classes: escalations.principals.has(n.id) ? "escalation" : "" });
  }
  graph.edges.forEach((e, i) => {
    const keys = [...new Set((e.conditions || []).map((c) => c.key).filter(Boolean))];
    const label = keys.length ? `${e.kind} [${keys.join(", ")}]` : e.kind;
    elements.push({ data: { id: `e${i}`, source: e.from, target: e.to, label, kind: e.kind },
      classes: [cross(e) ? "cross" : "", escalations.edges.has(edgeKey(e)) ? "escalation" : ""].join(" ").trim() });
  });
  const cy = cytoscape({ container: canvas, elements, style: STYLE, wheelSensitivity: 0.3,
    layout: { name: "dagre", rankDir: "LR", nodeSep: 40, rankSep: 140, edgeSep: 16, nodeDimensionsIncludeLabels: true, padding: 20 } });

  const drawEdges = (reach) => {
    edgeList.replaceChildren(table(["From", "Edge", "To", "Action", "Granted by", "Conditions"], graph.edges.map((e) => [
      mono(e.from), el("td", {}, e.kind), mono(e.to), mono(e.action || ""), mono((e.statements || []).join("; ")), mono(conditionsText(e.conditions)),
    ]), (i) => {
      const e = graph.edges[i];
      const cls = [cross(e) ? "cross-account" : "", escalations.edges.has(edgeKey(e)) ? "escalation" : "", reach?.has(edgeKey(e)) ? "reaches" : ""];
      return { class: cls.join(" ").trim(), "data-from": e.from, "data-to": e.to, "data-kind": e.kind };
    }));
  };
  escList.replaceChildren(escalations.error ? el("p", { class: "error" }, escalations.error.message)
    : table(["Principal", "Kind", "Target", "Path"], escalations.items.map((x) => [
      mono(x.principal), el("td", {}, x.kind), mono(x.target + (x.action ? ` (${x.action})` : "")),
      mono([...(x.control || []), ...(x.path || [])].map((e) => `${e.kind} → ${e.to}`).join(" · ")),
    ]), () => ({ class: "escalation" })));

  const clear = () => {
    cy.remove(".answer");
    cy.elements().removeClass("reaches faded");
    reachList.replaceChildren();
    drawEdges(null);
  };
  reachForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear();
    const resource = resourceInput.value.trim();
    const action = actionInput.value.trim() || defaultAction(resource);
    if (!resource || !action) return;
    reachForm.dataset.ready = "false";
    try {
      const answers = await whoCan(client, action, resource);
      const onPath = new Set();
      if (cy.getElementById(resource).empty()) cy.add({ group: "nodes", data: { id: resource, label: shortLabel({ id: resource }), kind: "resource" }, classes: "answer" });
      answers.forEach((a) => {
        for (const e of [...(a.control || []), ...(a.path || [])]) onPath.add(edgeKey(e));
        cy.getElementById(a.principal).addClass("reaches");
        // The last step, the action itself: the graph's own edge when it has one, else drawn.
        const from = a.actingAs || a.principal;
        const own = graph.edges.filter((e) => e.from === from && e.to === resource);
        for (const e of own) onPath.add(edgeKey(e));
        if (own.length === 0 && !cy.getElementById(from).empty() && cy.getElementById(`answer:${from}`).empty()) {
          cy.add({ group: "edges", data: { id: `answer:${from}`, source: from, target: resource, label: action }, classes: "answer reaches" });
        }
      });
      graph.edges.forEach((e, i) => cy.getElementById(`e${i}`).addClass(onPath.has(edgeKey(e)) ? "reaches" : "faded"));
      cy.getElementById(resource).addClass("reaches");
      reachList.replaceChildren(el("h3", {}, `Who can ${action} on ${resource} (${answers.length})`),
        table(["Principal", "Acting as", "Path", "Statements", "Conditions"], answers.map((a) => [
          mono(a.principal), mono(a.actingAs || a.principal), mono([...(a.control || []), ...(a.path || [])].map((e) => `${e.kind} → ${e.to}`).join(" · ") || "itself"),
          mono((a.statements || []).join("; ")), mono(conditionsText(a.conditions)),
        ]), () => ({ class: "reaches" })));
      drawEdges(onPath);
    } catch (e) {
      reachList.replaceChildren(el("p", { class: "error" }, e.message));
    } finally {
      reachForm.dataset.ready = "true";
    }
  });
  view.querySelector("#graph-clear").addEventListener("click", clear);
  drawEdges(null);
  status.textContent = `${nodes.size} nodes, ${graph.edges.length} edges (${graph.edges.filter(cross).length} cross-account) over ${accounts.length} accounts` +
    (graph.truncated ? " — truncated at the graph's bound" : "");
  canvas.dataset.nodes = String(cy.nodes().length);
  canvas.dataset.edges = String(cy.edges().length);
}
