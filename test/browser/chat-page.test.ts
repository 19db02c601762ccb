import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoServer, startDemoServer } from "../server/helpers/demo-server.js";

const CHROMIUM = process.env.CLEARANCE_CHROMIUM ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
const required = process.env.CLEARANCE_REQUIRE_BROWSER === "1";
const SKIP_REASON = `${CHROMIUM} is not installed: run scripts/install-system-deps.sh (as root) to run the browser test`;

if (!available && !required) console.warn(`test/browser/chat-page.test.ts skipped: ${SKIP_REASON}`);

describe.runIf(!available && required)("the chat page (browser required)", () => {
  it("needs Chromium because CLEARANCE_REQUIRE_BROWSER=1", () => {
    throw new Error(SKIP_REASON);
  });
});

describe.skipIf(!available)("the chat page in headless Chromium", () => {
  let server: DemoServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startDemoServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
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
    page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    await page.goto(server.url);
    await page.waitForSelector("main[data-state=idle]");
    expect(problems).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Picks the person, asks, waits for the streamed answer to finish, and reads what the page shows. */
  async function askAs(email: string, question: string) {
    await page.selectOption("[data-testid=person]", email);
    await page.fill("[data-testid=question]", question);
    await page.click("[data-testid=ask]");
    await page.waitForFunction(
      (who) =>
        document.getElementById("asked-as")?.textContent === `as ${who}` &&
        ["done", "error"].includes(document.getElementById("main")?.dataset.state ?? ""),
      email,
    );
    expect(await page.getAttribute("#main", "data-state")).toBe("done");
    return {
      sources: await page.locator("[data-testid=citations] .citation-name").allTextContents(),
      answer: (await page.textContent("[data-testid=answer]")) ?? "",
      report: Object.fromEntries(
        await page
          .locator("[data-testid=report] dd")
          .evaluateAll((cells) =>
            cells.map((cell) => [(cell as HTMLElement).dataset.field, cell.textContent]),
          ),
      ) as Record<string, string>,
    };
  }

  it("offers the corpus's people and its demo questions", async () => {
    const options = await page.locator("[data-testid=person] option").allTextContents();
    expect(options[0]).toBe("Sam Rivera — Senior Software Engineer");
    expect(options).toContain("Chloe Martin — Account Executive");
    await page.click("text=What was Q3 revenue?");
    expect(await page.inputValue("[data-testid=question]")).toBe("What was Q3 revenue?");
  });

  it("shows two people different sources for the same question", async () => {
    const question = "How do we deploy to production?";
    const sam = await askAs("sam@northwind.test", question);
    const chloe = await askAs("chloe@northwind.test", question);

    expect(sam.sources[0]).toBe("Deploy to production.md");
    expect(chloe.sources).not.toContain("Deploy to production.md");
    expect(chloe.sources).not.toEqual(sam.sources);
    expect(sam.answer).toMatch(/\[1\]/);
    expect(sam.answer).toMatch(/production/i);

    for (const report of [sam, chloe].map((r) => r.report)) {
      expect(report.Strategy).toMatch(/^(post|pre)/);
      expect(report["Returned / k"]).toMatch(/^\d+ \/ \d+$/);
      expect(Number(report["Candidates scanned"])).toBeGreaterThan(0);
      expect(Number(report["Permission calls"])).toBeGreaterThan(0);
    }
  });

  it("links each [n] in the answer to its source", async () => {
    const { sources } = await askAs("daniel@northwind.test", "What was Q3 revenue?");
    expect(sources).toContain("Q3 2025 financial report.pdf");
    const targets = await page
      .locator("[data-testid=answer] a.cite")
      .evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).getAttribute("href")));
    expect(targets.length).toBeGreaterThan(0);
    for (const href of targets) expect(await page.locator(href!).count()).toBe(1);
  });
});
