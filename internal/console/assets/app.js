// The console's entry (each view's render replaces the view's children): sign-in, the navigation between views, sign-out. The client (and the
// key it holds) lives in this module's memory only; a reload signs out.
import { Client, xmlText } from "./aws.js";
import { el } from "./dom.js";
import * as views from "./views.js";
import { renderGraph } from "./graph.js";

const routes = {
  accounts: views.renderAccounts,
  principals: views.renderPrincipals,
  policies: views.renderPolicies,
  audit: views.renderAudit,
  graph: renderGraph,
};

let client = null;
let identity = null;

const $ = (id) => document.getElementById(id);

async function signIn(ev) {
  ev.preventDefault();
  const form = ev.target;
  const keyId = $("key-id").value.trim();
  const secret = $("secret").value;
  const token = $("token").value.trim();
  const region = $("region").value.trim() || "us-east-1";
  // The form's copies go at once, whatever the outcome.
  $("secret").value = "";
  $("token").value = "";
  $("signin-error").textContent = "";
  try {
    const c = await Client.signIn(keyId, secret, token, region);
    const doc = await c.query("sts", "GetCallerIdentity");
    identity = { account: xmlText(doc, "Account"), arn: xmlText(doc, "Arn"), userId: xmlText(doc, "UserId") };
    client = c;
  } catch (e) {
    $("signin-error").textContent = `Sign-in failed: ${e.message}`;
    return;
  }
  form.hidden = true;
  $("nav").hidden = false;
  $("signout").hidden = false;
  $("view").hidden = false;
  $("who").textContent = identity.arn;
  if (!location.hash || location.hash === "#") location.hash = "#accounts";
  else show();
}

function signOut() {
  client = null;
  identity = null;
  location.hash = "";
  location.reload();
}

async function show() {
  if (!client) return;
  const name = location.hash.slice(1).split("?")[0] || "accounts";
  const render = routes[name] || routes.accounts;
  for (const a of $("nav").querySelectorAll("a")) a.classList.toggle("current", a.getAttribute("href") === `#${name}`);
  const view = $("view");
  view.replaceChildren(el("p", { class: "note" }, "Loading…"));
  view.dataset.view = name;
  view.dataset.ready = "false";
  try {
    await render(client, view, identity);
  } catch (e) {
    view.replaceChildren(el("p", { class: "error", role: "alert" }, e.message));
  } finally {
    view.dataset.ready = "true";
  }
}

$("signin").addEventListener("submit", signIn);
$("signout").addEventListener("click", signOut);
window.addEventListener("hashchange", show);
