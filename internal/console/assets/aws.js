// The console's AWS client: Query-protocol calls (IAM, STS, iamd's own API) and JSON-protocol
// calls (CloudTrail), each signed in the page with SigV4 and sent to the origin that served
// the console, which is iamd's API listener.
import { Signer } from "./sigv4.js";

const API_VERSIONS = { iam: "2010-05-08", sts: "2011-06-15", iamd: "2026-11-01" };

// AWSError is an error answer: its code and message as the service sent them.
export class AWSError extends Error {
  constructor(code, message, status) {
    super(`${code}: ${message}`);
    this.code = code;
    this.status = status;
  }
}

// Client calls the APIs with one signer. Nothing in it is ever stored outside the page.
export class Client {
  #signer;
  constructor(signer, region) {
    this.#signer = signer;
    this.region = region;
  }

  static async signIn(accessKeyId, secretAccessKey, sessionToken, region) {
    return new Client(await Signer.create(accessKeyId, secretAccessKey, sessionToken), region);
  }

  get accessKeyId() {
    return this.#signer.accessKeyId;
  }

  async #send(service, headers, body) {
    const req = { method: "POST", host: location.host, path: "/", headers, body };
    const signed = await this.#signer.sign(req, this.region, service);
    const res = await fetch("/", { method: "POST", headers: signed, body, credentials: "omit", cache: "no-store" });
    return { res, text: await res.text() };
  }

  // query calls a Query-protocol action and returns its answer's XML document.
  async query(service, action, params = {}) {
    const form = new URLSearchParams({ Action: action, Version: API_VERSIONS[service] });
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") form.append(k, v);
    const body = form.toString();
    const { res, text } = await this.#send(service, { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, body);
    const doc = new DOMParser().parseFromString(text, "application/xml");
    if (!res.ok) {
      throw new AWSError(xmlText(doc, "Code") || String(res.status), xmlText(doc, "Message") || text.slice(0, 200), res.status);
    }
    if (doc.querySelector("parsererror")) throw new AWSError("BadResponse", `${action}: the answer is not XML`, res.status);
    return doc;
  }

  // json calls a JSON-protocol action (X-Amz-Target prefix.action) and returns its answer.
  async json(service, targetPrefix, action, input = {}) {
    const headers = { "content-type": "application/x-amz-json-1.1", "x-amz-target": targetPrefix + action };
    const { res, text } = await this.#send(service, headers, JSON.stringify(input));
    let out = {};
    try {
      out = text ? JSON.parse(text) : {};
    } catch {
      throw new AWSError("BadResponse", `${action}: the answer is not JSON`, res.status);
    }
    if (!res.ok) {
      const code = String(out.__type || res.status).split("#").pop();
      throw new AWSError(code, out.message || out.Message || "", res.status);
    }
    return out;
  }

  // pages calls a paged Query action until it is done (at most max pages of 1000) and returns
  // every member element under listName.
  async pages(service, action, params, listName, max = 20) {
    const all = [];
    let marker = "";
    for (let i = 0; i < max; i++) {
      const doc = await this.query(service, action, { MaxItems: 1000, ...params, Marker: marker });
      const list = doc.getElementsByTagName(listName)[0];
      if (list) for (const m of list.children) if (m.localName === "member") all.push(m);
      if (xmlText(doc, "IsTruncated") !== "true") break;
      marker = xmlText(doc, "Marker");
      if (!marker) break;
    }
    return all;
  }
}

// xmlText is the text of the first element named name under node ("" when none).
export function xmlText(node, name) {
  const el = node.getElementsByTagName(name)[0];
  return el ? el.textContent : "";
}

// childText is the text of node's direct child named name ("" when none).
export function childText(node, name) {
  for (const c of node.children) if (c.localName === name) return c.textContent;
  return "";
}
