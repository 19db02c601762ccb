import { describe, expect, it } from "vitest";
import { EmbeddingError, HashingEmbeddings, stem, tokenize } from "../../src/embeddings/index.js";

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe("HashingEmbeddings", () => {
  const embeddings = new HashingEmbeddings();

  it("is deterministic, 384-dimensional and unit length", async () => {
    const [a, b] = await embeddings.embedDocuments(["Quarterly revenue grew", "Quarterly revenue grew"]);
    expect(a).toHaveLength(384);
    expect(a).toEqual(b);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 10);
    expect(await new HashingEmbeddings().embedQuery("Quarterly revenue grew")).toEqual(a);
  });

  it("gives empty text a unit vector, not NaN", () => {
    const v = embeddings.embed("");
    expect(v.every(Number.isFinite)).toBe(true);
    expect(Math.hypot(...v)).toBeCloseTo(1, 10);
  });

  it("honours a custom size and refuses a useless one", () => {
    expect(new HashingEmbeddings({ dimensions: 64 }).embed("x")).toHaveLength(64);
    expect(() => new HashingEmbeddings({ dimensions: 2 })).toThrow(EmbeddingError);
  });

  it("puts paraphrases close and unrelated text far", () => {
    const a = embeddings.embed("The employee handbook describes vacation policy.");
    const b = embeddings.embed("Vacation policies for employees are in the handbook.");
    const c = embeddings.embed("Quarterly revenue grew by twelve percent.");
    expect(cosine(a, b)).toBeGreaterThan(0.6);
    expect(cosine(a, c)).toBeLessThan(0.15);
    expect(cosine(b, c)).toBeLessThan(0.15);
  });

  it("retrieves the right document for a question among a few", () => {
    const docs = [
      "Employees accrue 25 vacation days per year; unused days carry over until March.",
      "The Q3 board deck: revenue grew 12 percent, churn fell, and hiring slowed.",
      "Incident postmortem: the database failover took 14 minutes because of DNS caching.",
      "Onboarding checklist for new engineers: laptop, accounts, first pull request.",
    ];
    const questions: [string, number][] = [
      ["How many vacation days do employees get?", 0],
      ["What was the revenue growth last quarter?", 1],
      ["Why was the database failover slow?", 2],
      ["What should a new engineer do when onboarding?", 3],
    ];
    const vectors = docs.map((d) => embeddings.embed(d));
    for (const [question, expected] of questions) {
      const q = embeddings.embed(question);
      const scores = vectors.map((v) => cosine(q, v));
      expect(scores.indexOf(Math.max(...scores)), question).toBe(expected);
    }
  });

  it("tokenizes with accent folding, stopwords and stemming", () => {
    expect(tokenize("The Policies of Café employees, vacationing!")).toEqual([
      "policy",
      "caf",
      "employe",
      "vacation",
    ]);
    expect(tokenize("employee policy")).toEqual(tokenize("employees policies"));
    expect(stem("running")).toBe("run");
    expect(stem("boxes")).toBe("box");
    expect(stem("status")).toBe("status");
    expect(stem("2024s")).toBe("2024s");
  });
});
