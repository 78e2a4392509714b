// AWS Signature Version 4 for the browser, over WebCrypto. The secret access key is imported
// once, at sign-in, as a non-extractable HMAC key ("AWS4" + secret): the page keeps that
// CryptoKey and never the secret's text, and nothing is written to storage or cookies.

const enc = new TextEncoder();

function hex(buf) {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function sha256Hex(data) {
  const bytes = typeof data === "string" ? enc.encode(data) : data;
  return hex(await crypto.subtle.digest("SHA-256", bytes));
}

async function hmacKey(raw) {
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

async function hmac(key, text) {
  return crypto.subtle.sign("HMAC", key, enc.encode(text));
}

// uriEncode escapes as SigV4 does: everything but A-Z a-z 0-9 - _ . ~.
export function uriEncode(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

// amzDate is the time in SigV4's basic ISO 8601 form (20261203T102400Z).
export function amzDate(d) {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

// Signer signs requests with one set of credentials. Make one with Signer.create.
export class Signer {
  #accessKeyId;
  #rootKey; // CryptoKey of "AWS4" + secret, not extractable
  #sessionToken;
  #days = new Map(); // "date/region/service" -> signing CryptoKey

  constructor(accessKeyId, rootKey, sessionToken) {
    this.#accessKeyId = accessKeyId;
    this.#rootKey = rootKey;
    this.#sessionToken = sessionToken || "";
  }

  // create imports the secret and forgets its text; the caller should drop its own copy.
  static async create(accessKeyId, secretAccessKey, sessionToken) {
    const root = await hmacKey(enc.encode("AWS4" + secretAccessKey));
    return new Signer(accessKeyId, root, sessionToken);
  }

  get accessKeyId() {
    return this.#accessKeyId;
  }

  async #signingKey(date, region, service) {
    const id = `${date}/${region}/${service}`;
    let key = this.#days.get(id);
    if (!key) {
      const kDate = await hmac(this.#rootKey, date);
      const kRegion = await hmac(await hmacKey(kDate), region);
      const kService = await hmac(await hmacKey(kRegion), service);
      key = await hmacKey(await hmac(await hmacKey(kService), "aws4_request"));
      this.#days.set(id, key);
    }
    return key;
  }

  // sign returns the headers to send with a request: {method, host, path, query (object),
  // headers (object, lower- or mixed-case names), body (string)}, for the region and service.
  async sign(req, region, service, now = new Date()) {
    const stamp = amzDate(now);
    const date = stamp.slice(0, 8);
    const headers = {};
    for (const [k, v] of Object.entries(req.headers || {})) headers[k.toLowerCase()] = String(v).trim().replace(/\s+/g, " ");
    headers["host"] = req.host;
    headers["x-amz-date"] = stamp;
    if (this.#sessionToken) headers["x-amz-security-token"] = this.#sessionToken;
    const body = req.body || "";
    const payloadHash = await sha256Hex(body);
    const names = Object.keys(headers).sort();
    const canonicalHeaders = names.map((n) => `${n}:${headers[n]}\n`).join("");
    const signedHeaders = names.join(";");
    const query = Object.entries(req.query || {})
      .map(([k, v]) => [uriEncode(k), uriEncode(String(v))])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join("&");
    const path = (req.path || "/").split("/").map(uriEncode).join("/");
    const canonical = [req.method, path, query, canonicalHeaders, signedHeaders, payloadHash].join("\n");
    const scope = `${date}/${region}/${service}/aws4_request`;
    const toSign = ["AWS4-HMAC-SHA256", stamp, scope, await sha256Hex(canonical)].join("\n");
    const signature = hex(await hmac(await this.#signingKey(date, region, service), toSign));
    const out = {};
    for (const n of names) if (n !== "host") out[n] = headers[n];
    out["authorization"] =
      `AWS4-HMAC-SHA256 Credential=${this.#accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return out;
  }
}
