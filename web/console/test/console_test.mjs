// The console in a real browser (run by scripts/e2e/console.sh against an iamd set up as
// seed 002): sign in with an access key, check the page keeps nothing of it, open every
// view, and find the cross-account can-assume edge in the access graph. Exits non-zero on
// any failed check, on a page error, and on a Content-Security-Policy violation.
import { chromium } from "playwright-core";

const url = process.env.CONSOLE_URL;
const keyId = process.env.CONSOLE_KEY_ID;
const secret = process.env.CONSOLE_SECRET;
const shot = process.env.CONSOLE_SCREENSHOT || "/tmp/iamd-console.png";
const MGMT = "999999999999";
const INSTANCE_ROLE = `arn:aws:iam::${MGMT}:role/SeqeraPlatform-EC2-InstanceRole`;
const ROLE_A = "arn:aws:iam::111111111111:role/SeqeraPlatformRole-AccountA";
const ROLE_B = "arn:aws:iam::222222222222:role/SeqeraPlatformRole-AccountB";

let failures = 0;
function check(label, ok, detail = "") {
  if (ok) console.log(`ok   ${label}`);
  else {
    failures++;
    console.log(`FAIL ${label}${detail ? `: ${detail}` : ""}`);
  }
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
const problems = [];
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()} at ${m.location().url}`); });
  page.on("response", (r) => {
    if (r.status() >= 400) console.log(`note ${r.status()} for ${r.request().method()} ${r.url()} ${r.request().headers()["x-amz-target"] || ""}${(r.request().postData() || "").slice(0, 100)}`);
  });

  const res = await page.goto(url);
  check("the console loads", res.ok(), `status ${res.status()}`);
  check("it is served with a CSP", /default-src 'none'/.test((await res.allHeaders())["content-security-policy"] || ""));
  check("at /console/", new URL(page.url()).pathname === "/console/", page.url());

  // A wrong key is refused with AWS's error.
  await page.fill("#key-id", keyId);
  await page.fill("#secret", "not-the-secret");
  await page.click("#signin button[type=submit]");
  await page.waitForFunction(() => document.getElementById("signin-error").textContent !== "");
  const refused = await page.textContent("#signin-error");
  check("a wrong secret is refused", /SignatureDoesNotMatch/.test(refused), refused);
  problems.length = 0; // the refused call's 403 is logged by the browser as a failed resource

  await page.fill("#key-id", keyId);
  await page.fill("#secret", secret);
  await page.click("#signin button[type=submit]");
  await page.waitForFunction(() => document.getElementById("who").textContent.startsWith("arn:"));
  check("signed in as the account's root", (await page.textContent("#who")) === `arn:aws:iam::${MGMT}:root`, await page.textContent("#who"));

  const kept = await page.evaluate((s) => ({
    local: localStorage.length, session: sessionStorage.length, cookie: document.cookie,
    field: document.getElementById("secret").value, html: document.documentElement.outerHTML.includes(s),
  }), secret);
  check("nothing in localStorage or sessionStorage", kept.local === 0 && kept.session === 0, JSON.stringify(kept));
  check("no cookie", kept.cookie === "" && (await context.cookies()).length === 0);
  check("the secret is neither in the form nor in the page", kept.field === "" && !kept.html);

  const open = async (view) => {
    await page.evaluate((v) => { location.hash = v; }, view);
    await page.waitForFunction((v) => {
      const e = document.getElementById("view");
      return e.dataset.view === v && e.dataset.ready === "true";
    }, view);
    const shown = await page.$$eval("#view .error", (es) => es.map((e) => e.textContent));
    check(`${view}: no error shown`, shown.length === 0, shown.join("; "));
    if (process.env.CONSOLE_SHOTS_DIR) await page.screenshot({ path: `${process.env.CONSOLE_SHOTS_DIR}/${view}.png`, fullPage: true });
    return page.textContent("#view");
  };

  const accounts = await open("accounts");
  check("accounts: the caller's account", accounts.includes(MGMT));

  const principals = await open("principals");
  check("principals: the instance role", principals.includes("SeqeraPlatform-EC2-InstanceRole"), principals.slice(0, 300));
  await page.click("tr:has-text('SeqeraPlatform-EC2-InstanceRole') button");
  await page.waitForSelector("tr:has-text('SeqeraPlatform-EC2-InstanceRole') details");
  const held = await page.textContent("tr:has-text('SeqeraPlatform-EC2-InstanceRole')");
  check("principals: the role's inline policy and trust policy", held.includes("assume-targets") && held.includes("Trust policy"), held.slice(0, 300));

  const policies = await open("policies");
  check("policies: the managed policy with its lint findings",
    policies.includes("console-pass-any-role") && /SECURITY_WARNING|WARNING|ERROR/.test(policies), policies.slice(0, 400));

  const audit = await open("audit");
  check("audit: the calls of the account", audit.includes("iam:CreateRole") && audit.includes("sts:AssumeRole"), audit.slice(0, 400));
  const rows = await page.$$eval("#view tbody tr", (trs) => trs.map((r) => [...r.children].map((c) => c.textContent)));
  const denied = rows.find((r) => r[2] === "sts:AssumeRole" && r[3] === "denied" && r[4] === ROLE_A);
  check("audit: the refused AssumeRole of account A's role", !!denied, JSON.stringify(rows.slice(0, 5)));
  check("audit: with the statement that was not enough", !!denied && denied[5].includes("AllowAssumeRoleInAccountA"), denied && denied[5]);
  const allowed = rows.find((r) => r[2] === "sts:AssumeRole" && r[3] === "allowed" && r[4] === ROLE_B);
  check("audit: the allowed AssumeRole of account B's role", !!allowed);
  check("audit: with the statement that allowed it", !!allowed && allowed[5].includes("AllowAssumeRoleInAccountB"), allowed && allowed[5]);

  await open("graph");
  const edge = page.locator(`#graph-edges tr[data-kind="can-assume"][data-from="${INSTANCE_ROLE}"][data-to="${ROLE_A}"]`);
  check("graph: the instance role can assume account A's role", (await edge.count()) === 1);
  check("graph: the edge is marked cross-account", (await edge.count()) === 1 && /cross-account/.test(await edge.getAttribute("class")));
  const conditions = (await edge.count()) === 1 ? await edge.locator("td").nth(5).textContent() : "";
  check("graph: the edge carries its ExternalId condition", conditions.includes("sts:ExternalId"), conditions);
  const edgeB = page.locator(`#graph-edges tr[data-kind="can-assume"][data-from="${INSTANCE_ROLE}"][data-to="${ROLE_B}"]`);
  check("graph: and account B's role", (await edgeB.count()) === 1);
  const drawn = await page.$eval("#graph-canvas", (c) => ({ edges: Number(c.dataset.edges), canvases: c.querySelectorAll("canvas").length }));
  check("graph: drawn", drawn.edges > 0 && drawn.canvases > 0, JSON.stringify(drawn));
  await page.waitForTimeout(500); // the layout's last frame
  await page.screenshot({ path: shot, fullPage: false });
  console.log(`screenshot: ${shot}`);
  const escalation = page.locator("#graph-escalations tr.escalation", { hasText: `arn:aws:iam::${MGMT}:user/ci-deployer` });
  check("graph: the user who can rewrite its own policy is an escalation", (await escalation.count()) >= 1);

  // What reaches account A's role: the instance role, with the ExternalId it must give.
  await page.fill("#graph-resource", ROLE_A);
  await page.fill("#graph-action", "sts:AssumeRole");
  await page.click("#graph-reach button[type=submit]");
  await page.waitForFunction(() => document.getElementById("graph-reach").dataset.ready === "true");
  const reach = await page.textContent("#graph-reach-answer");
  check("graph: who can assume account A's role: the instance role", reach.includes(INSTANCE_ROLE), reach.slice(0, 300));
  check("graph: with the ExternalId condition", reach.includes("sts:ExternalId"), reach.slice(0, 300));
  const gold = page.locator(`#graph-edges tr.reaches[data-from="${INSTANCE_ROLE}"][data-to="${ROLE_A}"]`);
  check("graph: the edge is highlighted as reaching", (await gold.count()) === 1);
  // What reaches the secret in account A: role A itself, and through it the instance role and
  // 999's root, each with its chain.
  const secretArn = process.env.CONSOLE_SECRET_ARN;
  await page.click("#graph-clear");
  await page.fill("#graph-resource", secretArn);
  await page.fill("#graph-action", "");
  await page.click("#graph-reach button[type=submit]");
  await page.waitForFunction(() => document.getElementById("graph-reach").dataset.ready === "true");
  const readers = await page.$$eval("#graph-reach-answer tbody tr", (trs) => trs.map((r) => [...r.children].map((c) => c.textContent)));
  const reader = (p) => readers.find((r) => r[0] === p);
  check("graph: what reaches the secret: account A's role, itself", reader(ROLE_A)?.[2] === "itself", JSON.stringify(readers));
  check("graph: and the instance role, through role A", !!reader(INSTANCE_ROLE) && reader(INSTANCE_ROLE)[1] === ROLE_A, JSON.stringify(reader(INSTANCE_ROLE)));
  check("graph: and the management account's root, through both", !!reader(`arn:aws:iam::${MGMT}:root`) && reader(`arn:aws:iam::${MGMT}:root`)[2].includes(INSTANCE_ROLE),
    JSON.stringify(reader(`arn:aws:iam::${MGMT}:root`)));
  check("graph: and no one of account B", !readers.some((r) => r[0].includes(":222222222222:")));
  check("graph: the secret's value is nowhere in the page", !(await page.content()).includes("console-e2e-secret-value"));
  const reachShot = shot.replace(/\.png$/, "") + "-reaches.png";
  await page.screenshot({ path: reachShot, fullPage: false });
  console.log(`screenshot: ${reachShot}`);

  // Temporary credentials: the instance role's session signs in with its token, and sees
  // what its policy allows (assuming roles) and not what it does not (listing roles).
  const other = await browser.newContext();
  const second = await other.newPage();
  second.setDefaultTimeout(20_000);
  await second.goto(url);
  await second.fill("#key-id", process.env.CONSOLE_SESSION_KEY_ID);
  await second.fill("#secret", process.env.CONSOLE_SESSION_SECRET);
  await second.fill("#token", process.env.CONSOLE_SESSION_TOKEN);
  await second.click("#signin button[type=submit]");
  await second.waitForFunction(() => document.getElementById("who").textContent.startsWith("arn:"));
  check("a session signs in with its token", (await second.textContent("#who")) === `arn:aws:sts::${MGMT}:assumed-role/SeqeraPlatform-EC2-InstanceRole/console`,
    await second.textContent("#who"));
  check("the session's token is not kept in the form", (await second.inputValue("#token")) === "");
  await second.evaluate(() => { location.hash = "principals"; });
  await second.waitForFunction(() => document.getElementById("view").dataset.ready === "true" && document.getElementById("view").dataset.view === "principals");
  const refusedList = await second.textContent("#view");
  check("the session is refused what its policy does not allow", /AccessDenied/.test(refusedList), refusedList.slice(0, 200));
  await other.close();

  check("no page error and no CSP violation", problems.length === 0, problems.join("\n"));
} catch (e) {
  failures++;
  console.log(`FAIL ${e.stack || e}`);
} finally {
  await browser.close();
}
if (failures) {
  console.log(`console_test: ${failures} failed`);
  process.exit(1);
}
