// Small DOM helpers: every text goes in as text (textContent), never as HTML.

// el makes an element with attributes and children (strings become text nodes).
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : String(c));
  return e;
}

// table makes a table of rows (arrays of cells) under the header names.
export function table(headers, rows, rowAttrs = () => ({})) {
  return el("table", {}, el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))),
    el("tbody", {}, rows.map((r, i) => el("tr", rowAttrs(i), r.map((c) => (c instanceof Node && c.localName === "td" ? c : el("td", {}, c)))))));
}

// mono is a cell in a fixed-width font (ARNs, ids).
export function mono(text) {
  return el("td", { class: "mono" }, text);
}

// badge is a coloured label (a finding's type, a decision).
export function badge(text) {
  return el("span", { class: `badge ${text}` }, text);
}

// prettyJSON indents a JSON document, or returns the text as it is when it is not JSON.
export function prettyJSON(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
