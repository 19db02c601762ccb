import { z } from "zod";
import type { TemplateContext } from "./template.js";

/** `finance.yaml` of a company: last year's quarters and this year's budget, in US dollars. */
export const financeSchema = z
  .object({
    priorYearRevenue: z.number(),
    quarters: z
      .array(
        z
          .object({
            q: z.number().int().min(1).max(4),
            subscription: z.number(),
            services: z.number(),
            cogs: z.number(),
            rnd: z.number(),
            snm: z.number(),
            gna: z.number(),
            arr: z.number(),
            customers: z.number().int(),
            cash: z.number(),
          })
          .strict(),
      )
      .length(4),
    budget: z
      .object({
        headcount: z.array(z.number().int()).length(4),
        lines: z.array(
          z
            .object({
              section: z.enum(["Revenue", "Cost of revenue", "R&D", "Sales & marketing", "G&A"]),
              line: z.string().min(1),
              q: z.array(z.number()).length(4),
            })
            .strict(),
        ),
      })
      .strict(),
  })
  .strict();
export type Finance = z.infer<typeof financeSchema>;
type Quarter = Finance["quarters"][number];

const usd = (n: number): string => "$" + Math.round(n).toLocaleString("en-US");
const pct = (n: number): string => `${(n * 100).toFixed(1)}%`;
const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);
const revenue = (q: Quarter): number => q.subscription + q.services;
const opex = (q: Quarter): number => q.rnd + q.snm + q.gna;

/**
 * The figures the financial documents quote: `q1`…`q4` (revenue, growth, grossMargin, incomeStatement, arr,
 * customers, cash…), `year` (revenue, growth, grossMargin, operatingLoss) and `budget` (csv, revenue,
 * operatingLoss, monthlyOperatingLoss).
 */
export function financeFigures(finance: Finance): TemplateContext {
  const figures: TemplateContext = {};
  finance.quarters.forEach((q, i) => {
    const previous = finance.quarters[i - 1];
    figures[`q${q.q}`] = {
      ...q,
      revenue: revenue(q),
      grossMargin: (revenue(q) - q.cogs) / revenue(q),
      ...(previous ? { growth: revenue(q) / revenue(previous) - 1 } : {}),
      incomeStatement: incomeStatement(q),
    };
  });
  const yearRevenue = sum(finance.quarters.map(revenue));
  figures.year = {
    revenue: yearRevenue,
    priorRevenue: finance.priorYearRevenue,
    growth: yearRevenue / finance.priorYearRevenue - 1,
    grossMargin: sum(finance.quarters.map((q) => revenue(q) - q.cogs)) / yearRevenue,
    operatingLoss: -sum(finance.quarters.map((q) => revenue(q) - q.cogs - opex(q))),
  };
  const { lines, headcount } = finance.budget;
  const byQuarter = (pick: (typeof lines)[number][]) =>
    [0, 1, 2, 3].map((i) => sum(pick.map((l) => l.q[i]!)));
  const income = byQuarter(lines.filter((l) => l.section === "Revenue"));
  const costs = byQuarter(lines.filter((l) => l.section !== "Revenue"));
  const net = income.map((r, i) => r - costs[i]!);
  figures.budget = {
    revenue: sum(income),
    operatingLoss: -sum(net),
    monthlyOperatingLoss: -sum(net) / 12,
    csv: csv([
      ["section", "line", "q1_2026", "q2_2026", "q3_2026", "q4_2026", "fy_2026"],
      ...lines.map((l) => [l.section, l.line, ...l.q, sum(l.q)]),
      ["Total", "Total revenue", ...income, sum(income)],
      ["Total", "Total costs and expenses", ...costs, sum(costs)],
      ["Total", "Operating income (loss)", ...net, sum(net)],
      ["Total", "Headcount at quarter end", ...headcount, headcount[3]!],
    ]).trimEnd(),
  };
  return figures;
}

/** The quarter's income statement as a Markdown table: only this quarter's figures. */
function incomeStatement(q: Quarter): string {
  const rev = revenue(q);
  const gross = rev - q.cogs;
  const rows: [string, number][] = [
    ["Subscription revenue", q.subscription],
    ["Services revenue", q.services],
    ["Total revenue", rev],
    ["Cost of revenue", q.cogs],
    ["Gross profit", gross],
    ["Research and development", q.rnd],
    ["Sales and marketing", q.snm],
    ["General and administrative", q.gna],
    ["Total operating expenses", opex(q)],
    ["Operating loss", gross - opex(q)],
  ];
  const money = (n: number): string => (n < 0 ? `(${usd(-n)})` : usd(n));
  return [
    `| Line | Q${q.q} 2025 | % of revenue |`,
    ...rows.map(([line, amount]) => `| ${line} | ${money(amount)} | ${pct(Math.abs(amount) / rev)} |`),
  ].join("\n");
}

/** CSV text from rows; fields are quoted only when they must be. */
function csv(rows: (string | number)[][]): string {
  const field = (v: string | number): string => {
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(field).join(",")).join("\n") + "\n";
}
