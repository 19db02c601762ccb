import { DefaultChatTransport, readUIMessageStream, type UIMessage } from "ai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  ChatResponseBody,
  ClearanceCompletionExtra,
  ClearanceMessageMetadata,
} from "../../src/chat/index.js";
import { DEV_TENANT_HEADER, DEV_USER_HEADER } from "../../src/tenants/index.js";
import { type DemoServer, startDemoServer } from "./helpers/demo-server.js";
import { demoQuestions } from "./helpers/questions.js";

// The demo end to end over HTTP: emulator (Sync + Permissions API) → ingest → retriever → chat endpoint.
describe("the offline demo served over HTTP", () => {
  let server: DemoServer;
  beforeAll(async () => {
    server = await startDemoServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const askAs = async (user: string, question: string, tenant = "northwind") => {
    const response = await server.ask(user, { question }, tenant);
    expect(response.status, `${user}: ${question}`).toBe(200);
    return (await response.json()) as ChatResponseBody;
  };

  it("ingested both companies of the example corpus without failures", () => {
    expect(server.demo.ingestReport.tenants.map((t) => [t.tenant, t.ok, t.failures])).toEqual([
      ["northwind", true, []],
      ["kestrel", true, []],
    ]);
    expect(server.demo.ingestReport.counts.new).toBeGreaterThan(80);
    expect(server.demo.people).toContainEqual(
      expect.objectContaining({ email: "sam@northwind.test", tenant: "northwind" }),
    );
    expect(server.demo.people).toContainEqual(
      expect.objectContaining({ email: "raj@kestrel.test", tenant: "kestrel" }),
    );
  });

  it("lists both companies and each person with their company for the page", async () => {
    const body = (await (await fetch(`${server.url}/api/people`)).json()) as {
      tenants: string[];
      companies: { tenant: string; name?: string }[];
      people: { email: string; tenant: string }[];
    };
    expect(body.tenants).toEqual(["northwind", "kestrel"]);
    expect(body.companies).toEqual([
      { tenant: "northwind", name: "Northwind Labs" },
      { tenant: "kestrel", name: "Kestrel Health" },
    ]);
    // A person of both companies is listed once per company.
    expect(
      body.people
        .filter((p) => p.email === "guest@partner.test")
        .map((p) => p.tenant)
        .sort(),
    ).toEqual(["kestrel", "northwind"]);
  });

  it("answers each company's people from that company's drive only, naming the tenant", async () => {
    const northwind = await askAs(
      "guest@partner.test",
      "What is in scope for the 2026 penetration test?",
      "northwind",
    );
    const kestrel = await askAs(
      "guest@partner.test",
      "What is in scope for the 2026 penetration test?",
      "kestrel",
    );
    expect([northwind.tenant, northwind.report.tenant, kestrel.tenant, kestrel.report.tenant]).toEqual([
      "northwind",
      "northwind",
      "kestrel",
      "kestrel",
    ]);
    const top = (body: ChatResponseBody) => body.citations[0]!;
    // The same file name, and the same record id, in both drives: the sync tells the tenants apart.
    expect(top(northwind).name).toBe("Pentest 2026 scope.md");
    expect(top(kestrel).name).toBe("Pentest 2026 scope.md");
    expect(top(northwind).recordId).toBe(top(kestrel).recordId);
    expect(top(northwind).syncId).not.toBe(top(kestrel).syncId);
    expect(JSON.stringify(northwind)).not.toMatch(/kestrel/i);
    expect(JSON.stringify(kestrel)).not.toMatch(/northwind/i);
    // A Kestrel person is not a Northwind person: naming the other company is unauthenticated.
    expect(
      (await server.ask("raj@kestrel.test", { question: "What was Q3 revenue?" }, "northwind")).status,
    ).toBe(401);
  });

  it("never cites the answer's file to anyone who may not see it, for every demo question", async () => {
    let checked = 0;
    for (const q of demoQuestions()) {
      for (const user of q.cannotSee) {
        const body = await askAs(user, q.question);
        expect(
          body.citations.map((c) => c.name),
          `${user} must not see ${q.fileName}`,
        ).not.toContain(q.fileName);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it("gives the people who may see it the answer's file, and others different sources", async () => {
    const cases = [
      {
        question: "How do we deploy to production?",
        file: "Deploy to production.md",
        can: "sam@northwind.test",
        cannot: "chloe@northwind.test",
      },
      {
        question: "What was Q3 revenue?",
        file: "Q3 2025 financial report.pdf",
        can: "daniel@northwind.test",
        cannot: "hana@northwind.test",
      },
      {
        question: "How much discount can an account executive give without approval?",
        file: "Pricing 2026.pdf",
        can: "chloe@northwind.test",
        cannot: "sam@northwind.test",
      },
    ];
    for (const c of cases) {
      const allowed = await askAs(c.can, c.question);
      const denied = await askAs(c.cannot, c.question);
      expect(allowed.citations[0]?.name, c.question).toBe(c.file);
      // The answer quotes the answer's file (any of its chunks), and says it answered.
      const fromFile = allowed.citations.filter((x) => x.name === c.file).map((x) => `[${x.n}]`);
      expect(
        fromFile.some((n) => allowed.answer.includes(n)),
        allowed.answer,
      ).toBe(true);
      expect(allowed.answered).toBe(true);
      expect(denied.citations.map((x) => x.name)).not.toContain(c.file);
      // Nothing the other person may read answers it: the answer says so instead of quoting a near miss.
      expect(denied.answered, `${c.question} as ${c.cannot}: ${denied.answer}`).toBe(false);
      expect(new Set(denied.citations.map((x) => x.recordId))).not.toEqual(
        new Set(allowed.citations.map((x) => x.recordId)),
      );
    }
  });

  it("the openai client and the AI SDK's transport: each person's own sources, a follow-up condensed, abstention, a CRM deal for its owner", async () => {
    const who = (user: string) => ({ [DEV_USER_HEADER]: user, [DEV_TENANT_HEADER]: "northwind" });
    const openaiAs = (user: string) =>
      new OpenAI({
        baseURL: `${server.url}/v1`,
        apiKey: "unused: the demo's identity is its headers",
        defaultHeaders: who(user),
        maxRetries: 0,
      });
    const extraOf = (completion: object) => (completion as { clearance: ClearanceCompletionExtra }).clearance;
    const Q3 = "What was Q3 revenue?";

    const daniel = await openaiAs("daniel@northwind.test").chat.completions.create({
      model: "clearance",
      messages: [{ role: "user", content: Q3 }],
    });
    const first = daniel.choices[0]!.message.content!;
    expect(first).toContain("912,400");
    expect(extraOf(daniel).answered).toBe(true);
    expect(extraOf(daniel).citations.map((c) => c.name)).toContain("Q3 2025 financial report.pdf");
    const followUp = await openaiAs("daniel@northwind.test").chat.completions.create({
      model: "clearance",
      messages: [
        { role: "user", content: Q3 },
        { role: "assistant", content: first },
        { role: "user", content: "and Q2?" },
      ],
    });
    expect(extraOf(followUp).query).toBe("What was Q2 revenue?");
    expect(extraOf(followUp).citations.map((c) => c.name)).toContain("Q2 2025 financial report.pdf");
    // Hana may not read either report: nothing she may read answers it, and the answer says so.
    const hana = await openaiAs("hana@northwind.test").chat.completions.create({
      model: "clearance",
      messages: [{ role: "user", content: Q3 }],
    });
    expect(extraOf(hana).answered).toBe(false);
    expect(hana.choices[0]!.message.content).not.toContain("912,400");
    expect(extraOf(hana).citations.map((c) => c.name)).not.toContain("Q3 2025 financial report.pdf");

    // useChat's transport: the Globex deal (owner policy) is a source for Chloe, its owner, only.
    type Message = UIMessage<ClearanceMessageMetadata>;
    const ask = async (user: string, text: string) => {
      const transport = new DefaultChatTransport<Message>({
        api: `${server.url}/api/ai-sdk/chat`,
        headers: who(user),
      });
      const stream = await transport.sendMessages({
        chatId: user,
        messages: [{ id: "m1", role: "user", parts: [{ type: "text", text }] }],
        trigger: "submit-message",
        messageId: undefined,
        abortSignal: undefined,
      });
      let last: Message | undefined;
      for await (const message of readUIMessageStream<Message>({ stream })) last = message;
      // A file with a link is a source-url part; a CRM or ticket record without one, a source-document.
      const sources = last!.parts.flatMap((p) =>
        p.type === "source-url" || p.type === "source-document" ? [p.title] : [],
      );
      const answer = last!.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");
      return { sources, answer, answered: last!.metadata?.answered };
    };
    const DEAL = "What payment terms did Globex ask for on the new deal?";
    const chloe = await ask("chloe@northwind.test", DEAL);
    expect(chloe.sources).toContain("Globex new business");
    expect(chloe.answer).toMatch(/net-60/i);
    expect(chloe.answered).toBe(true);
    const jordan = await ask("jordan@northwind.test", DEAL);
    expect(jordan.sources).not.toContain("Globex new business");
    expect(jordan.answer).not.toMatch(/net-60/i);
  });

  it("refuses a request without the demo identity, or with someone not in the corpus", async () => {
    expect((await server.ask(undefined, { question: "What does Northwind Labs do?" })).status).toBe(401);
    expect((await server.ask("mallory@evil.test", { question: "What does Northwind Labs do?" })).status).toBe(
      401,
    );
  });

  it("streams over real HTTP", async () => {
    const response = await server.ask("pat@partner.test", { question: "What is in scope?", stream: true });
    // Pat is listed as guest@partner.test: an unknown email is refused before anything streams.
    expect(response.status).toBe(401);
    const sse = await server.ask("guest@partner.test", {
      question: "What is in scope for the 2026 penetration test?",
      stream: true,
    });
    expect(sse.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await sse.text();
    expect(text.startsWith("event: report\n")).toBe(true);
    expect(text).toContain("event: citation\n");
    expect(text).toMatch(/event: done\n/);
  });
});
