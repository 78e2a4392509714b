// The console's list views: accounts, principals, policies with their lint findings, and the
// audit log's recent decisions with the statements that decided them.
import { childText, xmlText } from "./aws.js";
import { badge, el, mono, prettyJSON, table } from "./dom.js";
import { loadGraph } from "./graph.js";

// mapLimit maps items through an async function, at most limit calls at a time, in order.
async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

// settle runs a call and returns its result, or the error as a value.
async function settle(p) {
  try {
    return await p;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

function errorNode(e) {
  return el("p", { class: "error" }, e.message);
}

// renderAccounts shows the caller's account (identity, alias, summary) and the accounts the
// access graph spans.
export async function renderAccounts(client, view, who) {
  const [aliases, summary, graph] = await Promise.all([
    settle(client.pages("iam", "ListAccountAliases", {}, "AccountAliases")),
    settle(client.query("iam", "GetAccountSummary")),
    settle(loadGraph(client)),
  ]);
  const out = [el("h2", {}, "Accounts"), el("h3", {}, "Signed in as")];
  out.push(table(["Account", "ARN", "User id", "Alias"], [[
    mono(who.account), mono(who.arn), mono(who.userId),
    aliases instanceof Error ? aliases.message : aliases.map((a) => a.textContent).join(", ") || "—",
  ]]));
  out.push(el("h3", {}, "Accounts in the access graph"));
  if (graph instanceof Error) {
    out.push(errorNode(graph));
  } else {
    const counts = new Map();
    for (const n of graph.nodes) {
      if (!n.account) continue;
      const c = counts.get(n.account) || { principals: 0, resources: 0 };
      if (["user", "role", "group"].includes(n.kind)) c.principals++;
      else if (n.kind !== "account") c.resources++;
      counts.set(n.account, c);
    }
    out.push(table(["Account", "Principals", "Other nodes"],
      [...counts.entries()].sort().map(([a, c]) => [mono(a), String(c.principals), String(c.resources)])));
  }
  out.push(el("h3", {}, "Account summary"));
  if (summary instanceof Error) {
    out.push(errorNode(summary));
  } else {
    const entries = [...summary.getElementsByTagName("entry")].map((e) => [childText(e, "key"), childText(e, "value")]);
    out.push(table(["Quota or usage", "Value"], entries.filter(([, v]) => v !== "0").map(([k, v]) => [k, v])));
  }
  view.replaceChildren(...out);
}

// findingsNode shows a policy's lint findings (LintPolicy).
function findingsNode(result) {
  if (result instanceof Error) return errorNode(result);
  const findings = [...result.getElementsByTagName("Findings")[0]?.children || []];
  if (findings.length === 0) return el("p", { class: "note" }, "No findings.");
  return table(["Type", "Code", "Details", "Fix"], findings.map((f) => [
    badge(childText(f, "FindingType")), mono(childText(f, "IssueCode")), childText(f, "FindingDetails"), childText(f, "Fix"),
  ]));
}

function lintStored(client, params) {
  return settle(client.query("iamd", "LintPolicy", params));
}

function lintDocument(client, doc, type) {
  return settle(client.query("iamd", "LintPolicy", { PolicyDocument: doc, PolicyType: type }));
}

// policyBlock is a policy document with its findings, folded.
function policyBlock(title, doc, findings) {
  return el("details", {}, el("summary", {}, title), el("pre", {}, prettyJSON(doc)), findingsNode(findings));
}

// principalDetails loads what a user, role or group holds: its inline and attached policies
// (and a role's trust policy), each with its findings.
async function principalDetails(client, kind, name, trustDoc) {
  const cap = { user: "User", role: "Role", group: "Group" }[kind];
  const out = [];
  if (kind === "role") {
    out.push(policyBlock("Trust policy", trustDoc, await lintStored(client, { RoleName: name })));
  }
  const inline = await settle(client.pages("iam", `List${cap}Policies`, { [`${cap}Name`]: name }, "PolicyNames"));
  if (inline instanceof Error) out.push(errorNode(inline));
  else {
    for (const m of inline) {
      const got = await settle(client.query("iam", `Get${cap}Policy`, { [`${cap}Name`]: name, PolicyName: m.textContent }));
      if (got instanceof Error) { out.push(errorNode(got)); continue; }
      const doc = decodeURIComponent(xmlText(got, "PolicyDocument"));
      out.push(policyBlock(`Inline policy ${m.textContent}`, doc, await lintDocument(client, doc, "identity")));
    }
  }
  const attached = await settle(client.pages("iam", `ListAttached${cap}Policies`, { [`${cap}Name`]: name }, "AttachedPolicies"));
  if (attached instanceof Error) out.push(errorNode(attached));
  else if (attached.length) out.push(el("p", {}, "Attached: ", attached.map((a) => childText(a, "PolicyArn")).join(", ")));
  if (out.length === 0) out.push(el("p", { class: "note" }, "No policies."));
  return out;
}

// renderPrincipals lists the account's users, roles and groups; each opens onto its policies.
export async function renderPrincipals(client, view) {
  const [users, roles, groups] = await Promise.all([
    settle(client.pages("iam", "ListUsers", {}, "Users")),
    settle(client.pages("iam", "ListRoles", {}, "Roles")),
    settle(client.pages("iam", "ListGroups", {}, "Groups")),
  ]);
  const out = [el("h2", {}, "Principals")];
  const section = (title, kind, list, nameTag) => {
    out.push(el("h3", {}, `${title} (${list instanceof Error ? "?" : list.length})`));
    if (list instanceof Error) { out.push(errorNode(list)); return; }
    const rows = list.map((m) => {
      const name = childText(m, nameTag);
      const trust = kind === "role" ? decodeURIComponent(childText(m, "AssumeRolePolicyDocument")) : "";
      const holder = el("td", {});
      const open = el("button", { type: "button", onclick: async () => {
        open.disabled = true;
        holder.replaceChildren(el("p", { class: "note" }, "Loading…"));
        holder.replaceChildren(...(await principalDetails(client, kind, name, trust)));
      } }, "Policies");
      return [el("td", {}, name), mono(childText(m, "Arn")), el("td", {}, childText(m, "CreateDate").slice(0, 19)), el("td", {}, open), holder];
    });
    out.push(table(["Name", "ARN", "Created", "", "Policies and findings"], rows));
  };
  section("Users", "user", users, "UserName");
  section("Roles", "role", roles, "RoleName");
  section("Groups", "group", groups, "GroupName");
  view.replaceChildren(...out);
}

// renderPolicies lists the account's customer managed policies, each with its default
// version's document and its lint findings.
export async function renderPolicies(client, view) {
  const list = await client.pages("iam", "ListPolicies", { Scope: "Local" }, "Policies");
  const out = [el("h2", {}, `Customer managed policies (${list.length})`)];
  if (list.length === 0) out.push(el("p", { class: "note" }, "This account has no customer managed policies; inline policies are under Principals."));
  const blocks = await mapLimit(list, 6, async (m) => {
    const arn = childText(m, "Arn");
    const [version, findings] = await Promise.all([
      settle(client.query("iam", "GetPolicyVersion", { PolicyArn: arn, VersionId: childText(m, "DefaultVersionId") })),
      lintStored(client, { PolicyArn: arn }),
    ]);
    const doc = version instanceof Error ? version.message : decodeURIComponent(xmlText(version, "Document"));
    return el("section", { class: "policy", "data-arn": arn }, el("h3", { class: "mono" }, arn),
      el("p", {}, `Attached ${childText(m, "AttachmentCount")} times; default version ${childText(m, "DefaultVersionId")}`),
      findingsNode(findings), el("details", {}, el("summary", {}, "Document"), el("pre", {}, prettyJSON(doc))));
  });
  out.push(...blocks);
  view.replaceChildren(...out);
}

// statementsOf names the statements that decided a call: those that denied it, or, where
// the record keeps them, those that allowed it.
export function statementsOf(facts) {
  const reason = facts.denial || facts.allowed;
  if (!reason) return "";
  const parts = (reason.statements || []).map((s) => `${s.effect} ${s.layer} ${s.policy || "(unnamed)"} #${s.index}${s.sid ? ` (${s.sid})` : ""}`);
  if (reason.missingKeys?.length) parts.push(`missing keys: ${reason.missingKeys.join(", ")}`);
  if (reason.entityGone) parts.push("the caller's user or role is gone");
  if (facts.denial && parts.length === 0) parts.push(reason.layer ? `nothing allowed it (${reason.layer})` : "nothing allowed it");
  return parts.join("; ");
}

// renderAudit shows the latest decisions of the audit log (CloudTrail LookupEvents over
// iamd's audit records), with the statements that decided each.
export async function renderAudit(client, view) {
  const out = await client.json("cloudtrail", "CloudTrail_20131101.", "LookupEvents", { MaxResults: 50 });
  const events = (out.Events || []).map((e) => {
    let rec = {};
    try { rec = JSON.parse(e.CloudTrailEvent); } catch { /* shown without its facts */ }
    return { e, rec, facts: rec.additionalEventData?.iamd || {} };
  });
  const filter = el("select", { id: "audit-filter" }, ["all", "allowed", "denied", "would-be-denied", "failed"].map((d) => el("option", { value: d }, d)));
  const holder = el("div", {});
  const draw = () => {
    const shown = events.filter(({ facts }) => filter.value === "all" || facts.decision === filter.value);
    holder.replaceChildren(table(["Time", "Caller", "Call", "Decision", "Resource", "Decided by", "Error"], shown.map(({ e, rec, facts }) => [
      el("td", {}, (rec.eventTime || "").replace("T", " ").replace("Z", "")), mono(rec.userIdentity?.arn || e.Username || ""),
      mono(facts.action || `${e.EventSource}:${e.EventName}`), el("td", {}, facts.decision ? badge(facts.decision) : ""),
      mono(facts.resource || ""), mono(statementsOf(facts)), el("td", {}, rec.errorCode || ""),
    ])));
  };
  filter.addEventListener("change", draw);
  draw();
  view.replaceChildren(el("h2", {}, "Recent decisions"), el("div", { class: "toolbar" }, el("label", {}, "Decision ", filter),
    el("span", { class: "note" }, `${events.length} latest calls of this account`)), holder);
}
