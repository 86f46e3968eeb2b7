// preview.test.mjs — `nutgraf serve` in a real browser: Debian's chromium,
// headless, driven by playwright-core. Serves a copy of the sample site,
// checks the highlights and their tooltips, follows a related link and an
// entity page, edits an article and sees the open page reload, breaks a
// rule and sees the overlay, and saves screenshots.
// Run by tests/e2e/test_browser.sh; env: NUTGRAF (the command), ROOT (the
// repository), SHOTS (where screenshots go, default ROOT/build).
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const ROOT = process.env.ROOT;
const NUTGRAF = process.env.NUTGRAF;
const SHOTS = process.env.SHOTS || join(ROOT, "build");
const tmp = mkdtempSync(join(tmpdir(), "nutgraf-browser-"));
const site = join(tmp, "site");
cpSync(join(ROOT, "sample-site"), site, { recursive: true });
rmSync(join(site, "public-content"), { recursive: true, force: true });

let failures = 0;
function check(ok, what) {
  if (ok) console.log(`ok   ${what}`);
  else {
    failures++;
    console.log(`FAIL ${what}`);
  }
}

const server = spawn(NUTGRAF, ["serve", site, "--port", "0"], {
  env: { ...process.env, NUTGRAF_TEMPLATES_DIR: join(ROOT, "templates"), NO_COLOR: "1" },
  stdio: ["ignore", "ignore", "pipe"],
});
let log = "";
const base = await new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error("server did not start:\n" + log)), 15000);
  server.stderr.on("data", (d) => {
    log += d;
    const m = /serving .* at (http:\/\/127\.0\.0\.1:\d+)\//.exec(log);
    if (m) {
      clearTimeout(t);
      resolve(m[1]);
    }
  });
  server.on("exit", (code) => reject(new Error(`server exited ${code}:\n${log}`)));
});

const profile = join(tmp, "profile");
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const page = context.pages()[0] || (await context.newPage());
page.setDefaultTimeout(10000);
const consoleErrors = [];
page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
page.on("pageerror", (e) => consoleErrors.push(String(e)));

try {
  // Index: newest first, with tags.
  await page.goto(base + "/");
  const items = await page.locator(".article-item").count();
  check(items === 28, `index lists the 28 sample articles (${items})`);
  const chips = await page.locator(".article-item .chip").count();
  check(chips > 28, `index shows top tags (${chips} chips)`);
  await page.waitForSelector("#nutgraf-live.on");
  check(true, "the live-reload script runs (CSP nonce) and the event stream connects");

  // Article: highlights by type, tooltips naming entity and rule.
  await page.goto(base + "/article/science/rubin-observatory-first-images");
  const marks = await page.locator(".body mark.ent").count();
  check(marks >= 15, `article mentions highlighted (${marks} marks)`);
  const persons = await page.locator(".body mark.ent-person").count();
  const places = await page.locator(".body mark.ent-place").count();
  check(persons >= 3 && places >= 3, `marks typed (person ${persons}, place ${places})`);
  const title = await page.locator('.body mark[data-entity="Vera Rubin"]').first().getAttribute("title");
  check(/^Vera Rubin — rule: names, mentions$/.test(title || ""), `tooltip: "${title}"`);
  const bars = await page.locator(".side .entities .bar .fill").count();
  check(bars >= 10, `salience bars in the side panel (${bars})`);
  await page.screenshot({ path: join(SHOTS, "preview.png") });

  // A related story, followed.
  await page.goto(base + "/article/business/nvidia-h20-sales-resume");
  const rel = page.locator(".related a.related-link").first();
  const relTitle = (await rel.textContent()).trim();
  const why = await page.locator(".related .why").first().textContent();
  check(/shared: /.test(why || ""), `related story shows its reasons (${(why || "").trim()})`);
  await Promise.all([page.waitForURL(/\/article\//), rel.click()]);
  const h1 = (await page.locator("h1.headline").textContent()).trim();
  check(h1 === relTitle, `related link leads to "${relTitle}"`);

  // An entity page, followed, with its chart.
  const ent = page.locator(".side .entities a.name").first();
  const entName = (await ent.textContent()).trim();
  await Promise.all([page.waitForURL(/\/entity\//), ent.click()]);
  const bars2 = await page.locator("svg.chart rect.col").count();
  const rows = await page.locator("table.list tbody tr").count();
  check(bars2 >= 1 && rows >= 1, `entity page for ${entName}: ${rows} articles, ${bars2} chart bars`);
  await page.screenshot({ path: join(SHOTS, "preview-entity.png") });

  // Edit the article on screen: the page reloads by itself.
  const rel2 = "content/local/riverton-budget-proposal.md";
  await page.goto(base + "/article/local/riverton-budget-proposal");
  await page.waitForSelector("#nutgraf-live.on");
  await page.evaluate(() => (window.__stale = true));
  const file = join(site, rel2);
  writeFileSync(file, readFileSync(file, "utf8").replace(/^title: .*$/m, 'title: "Edited while open"'));
  await page.waitForFunction(
    () => !window.__stale && document.querySelector("h1.headline")?.textContent === "Edited while open",
    null,
    { timeout: 15000 },
  );
  check(true, "an edited article reloads the open page");

  // A broken rule: the overlay names the file and line; fixed, it goes.
  await page.waitForSelector("#nutgraf-live.on");
  await page.evaluate(() => (window.__stale = true));
  const bad = join(site, "rules", "zz-broken.lua");
  writeFileSync(bad, "return {\n  article = function(a)\n    a:nope(\n  end\n}\n");
  await page.waitForSelector("#nutgraf-overlay", { timeout: 15000 });
  const where = await page.locator("#nutgraf-overlay .where").first().textContent();
  check(/zz-broken\.lua:\d+/.test(where), `overlay names the rule: ${where}`);
  await page.screenshot({ path: join(SHOTS, "preview-overlay.png") });
  unlinkSync(bad);
  await page.waitForFunction(() => !document.getElementById("nutgraf-overlay"), null, {
    timeout: 15000,
  });
  check(true, "the overlay goes once the rule is fixed");

  // An article titled <script> shows as text.
  writeFileSync(
    join(site, "content/local/xss.md"),
    "---\ntitle: \"<script>window.__xss=1</script>X\"\ndate: 2030-01-01\n---\n\n<script>window.__xss=2</script> Riverton.\n",
  );
  await page.goto(base + "/");
  await page.waitForFunction(() => document.body.textContent.includes("<script>window.__xss=1</script>X"), null, {
    timeout: 15000,
  });
  await page.goto(base + "/article/local/xss");
  const xss = await page.evaluate(() => window.__xss);
  check(xss === undefined, "titles and bodies cannot run script");

  const csp = consoleErrors.filter((e) => /Content Security Policy|Refused/.test(e));
  check(csp.length === 0, `no CSP violations (${csp.join("; ")})`);
} catch (e) {
  failures++;
  console.log("FAIL " + (e.stack || e));
} finally {
  await context.close();
  server.kill("SIGINT");
  await new Promise((r) => server.on("exit", r));
  rmSync(tmp, { recursive: true, force: true });
}
console.log(failures ? `preview.test.mjs: ${failures} failed` : "preview.test.mjs: ok");
process.exit(failures ? 1 : 0);
