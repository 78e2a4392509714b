// The page's SigV4 signer against AWS's published example (IAM ListUsers, the General
// Reference's signing example), run with node's test runner over node's WebCrypto.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Signer, amzDate, uriEncode } from "../src/sigv4.js";

test("signs AWS's ListUsers example to its published signature", async () => {
  const signer = await Signer.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  const headers = await signer.sign({
    method: "GET", host: "iam.amazonaws.com", path: "/", query: { Action: "ListUsers", Version: "2010-05-08" },
    headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" },
  }, "us-east-1", "iam", new Date(Date.UTC(2015, 7, 30, 12, 36, 0)));
  assert.equal(headers["x-amz-date"], "20150830T123600Z");
  assert.equal(headers.authorization,
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, " +
    "SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  assert.equal(headers.host, undefined, "the browser sends Host itself");
});

test("a session token is sent and signed", async () => {
  const signer = await Signer.create("ASIAEXAMPLE", "secret", "token-value");
  const headers = await signer.sign({ method: "POST", host: "127.0.0.1:1", body: "x" }, "us-east-1", "sts", new Date(0));
  assert.equal(headers["x-amz-security-token"], "token-value");
  assert.match(headers.authorization, /SignedHeaders=host;x-amz-date;x-amz-security-token,/);
});

test("the signer keeps no secret text", async () => {
  const signer = await Signer.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  assert.ok(!JSON.stringify(signer).includes("EXAMPLEKEY"));
  assert.ok(!Object.values(signer).some((v) => String(v).includes("EXAMPLEKEY")));
});

test("encodings", () => {
  assert.equal(uriEncode("a b*!'()~._-/"), "a%20b%2A%21%27%28%29~._-%2F");
  assert.equal(amzDate(new Date(Date.UTC(2026, 11, 3, 1, 2, 3, 456))), "20261203T010203Z");
});
