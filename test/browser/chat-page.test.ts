import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoServer, startDemoServer } from "../server/helpers/demo-server.js";

const CHROMIUM = process.env.CLEARANCE_CHROMIUM ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
const required = process.env.CLEARANCE_REQUIRE_BROWSER === "1";
const SKIP_REASON = `${CHROMIUM} is not installed: run scripts/install-system-deps.sh (as root) to run the browser test`;
/** Where the screenshots go, for a person to look at (`test-results/` is not committed). */
const SCREENSHOTS = join(import.meta.dirname, "../../test-results/chat-page");
const VIEWPORT = { width: 1280, height: 900 };

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
  const problems: string[] = [];

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
    page = await browser.newPage({ viewport: VIEWPORT });
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    await page.goto(server.url);
    await page.waitForSelector("main[data-state=idle]");
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    expect(problems).toEqual([]);
    await browser?.close();
    await server?.close();
  });

  /** Waits until every conversation on the page has finished its last turn. */
  async function settled() {
    await page.waitForFunction(() => document.getElementById("main")?.dataset.state === "done");
  }

  /** What one turn shows: its answer, source cards, verdict, and the report behind "details". */
  async function readTurn(turn: Locator) {
    const details = turn.locator("[data-testid=details]");
    await details.locator("summary").click();
    return {
      state: await turn.getAttribute("data-state"),
      answered: await turn.getAttribute("data-answered"),
      answer: (await turn.locator("[data-testid=answer]").textContent()) ?? "",
      sources: await turn.locator(".source-name").allTextContents(),
      meta: await turn.locator(".source-meta").allTextContents(),
      searched: await details.locator("dd[data-field=Searched]").textContent(),
      report: Object.fromEntries(
        await details
          .locator("dd")
          .evaluateAll((cells) =>
            cells.map((cell) => [(cell as HTMLElement).dataset.field, cell.textContent]),
          ),
      ) as Record<string, string>,
    };
  }

  async function ask(question: string) {
    await page.fill("[data-testid=question]", question);
    await page.click("[data-testid=ask]");
    await settled();
  }

  it("offers the company, then its people, and its demo questions; a suggestion is asked at once", async () => {
    expect(await page.locator("[data-testid=company] option").allTextContents()).toEqual([
      "Northwind Labs",
      "Kestrel Health",
    ]);
    const people = await page.locator("[data-testid=person] option").allTextContents();
    expect(people[0]).toBe("Sam Rivera — Senior Software Engineer");
    expect(people).toContain("Chloe Martin — Account Executive");
    // Another company: its own people only.
    await page.selectOption("[data-testid=company]", { label: "Kestrel Health" });
    const kestrel = await page.locator("[data-testid=person] option").allTextContents();
    expect(kestrel.some((p) => p.startsWith("Sam Rivera"))).toBe(false);
    expect(kestrel.length).toBeGreaterThan(0);
    await page.selectOption("[data-testid=company]", { label: "Northwind Labs" });

    await page.click("[data-testid=suggestions] >> text=What was Q3 revenue?");
    await settled();
    const turn = page.locator("[data-testid=turn]").last();
    expect(await turn.locator(".asked-text").textContent()).toBe("What was Q3 revenue?");
    // Sam is an engineer: nothing he may read gives the figure, and the page says so.
    const sam = await readTurn(turn);
    expect(sam.state).toBe("done");
    expect(sam.answered).toBe("false");
    expect(sam.sources).not.toContain("Q3 2025 financial report.pdf");
    expect(await turn.locator(".verdict").isVisible()).toBe(true);
  });

  it("holds a two-turn conversation: the follow-up is searched with the first question's subject", async () => {
    await page.selectOption("[data-testid=person]", { label: "Daniel Okafor — CFO" });
    expect(await page.locator("[data-testid=turn]").count()).toBe(0);

    await ask("What was Q3 revenue?");
    const first = page.locator("[data-testid=turn]").nth(0);
    // The report stays behind the details toggle until asked for.
    expect(await first.locator("[data-testid=report]").isVisible()).toBe(false);
    const q3 = await readTurn(first);
    expect(q3.answered).toBe("true");
    expect(q3.answer).toContain("912,400");
    expect(q3.sources[0]).toBe("Q3 2025 financial report.pdf");
    // One card per document, however many of its chunks were retrieved; PDFs name their pages.
    expect(new Set(q3.sources).size).toBe(q3.sources.length);
    expect(q3.meta[0]).toMatch(/page/);
    expect(q3.report.Strategy).toMatch(/\b(post|pre)\b/);
    expect(Number(q3.report["Permission calls"])).toBeGreaterThan(0);
    const targets = await first
      .locator("[data-testid=answer] a.cite")
      .evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).getAttribute("href")));
    expect(targets.length).toBeGreaterThan(0);
    for (const href of targets) expect(await page.locator(href!).count()).toBe(1);

    await ask("and Q2?");
    const second = page.locator("[data-testid=turn]").nth(1);
    // The latest answer is in view without scrolling.
    const box = await second.locator("[data-testid=answer]").boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + 20).toBeLessThan(VIEWPORT.height);
    await page.screenshot({ path: join(SCREENSHOTS, "conversation.png") });
    const q2 = await readTurn(second);
    expect(q2.searched).toBe("What was Q2 revenue?");
    expect(q2.sources).toContain("Q2 2025 financial report.pdf");
  });

  it("compares two people asking the same thing, side by side", async () => {
    await page.selectOption("[data-testid=person]", { label: "Sam Rivera — Senior Software Engineer" });
    await page.check("[data-testid=compare]");
    await page.selectOption("[data-testid=person-b]", { label: "Chloe Martin — Account Executive" });
    const columns = page.locator("[data-testid=conversation]");
    expect(await columns.count()).toBe(2);
    expect(await columns.locator(".column-head").allTextContents()).toEqual([
      "Sam Rivera — Senior Software Engineer",
      "Chloe Martin — Account Executive",
    ]);

    await ask("How do we deploy to production?");
    await page.screenshot({ path: join(SCREENSHOTS, "compare.png") });
    const sam = await readTurn(columns.nth(0).locator("[data-testid=turn]").last());
    const chloe = await readTurn(columns.nth(1).locator("[data-testid=turn]").last());
    expect(sam.sources[0]).toBe("Deploy to production.md");
    expect(sam.answered).toBe("true");
    expect(sam.answer).toMatch(/deploy/i);
    expect(chloe.sources).not.toContain("Deploy to production.md");
    expect(chloe.answered).toBe("false");
    // Side by side: the second column starts to the right of the first, on the same row.
    const [a, b] = [await columns.nth(0).boundingBox(), await columns.nth(1).boundingBox()];
    expect(b!.x).toBeGreaterThan(a!.x + a!.width - 1);
    expect(Math.abs(b!.y - a!.y)).toBeLessThan(2);
    expect(existsSync(join(SCREENSHOTS, "compare.png"))).toBe(true);
  });
});
