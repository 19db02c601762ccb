import { describe, expect, it } from "vitest";
import { renderRecord } from "../../../src/ingest/text/index.js";

describe("renderRecord", () => {
  it("renders a contact as a titled list of readable fields, ids kept, empty fields dropped", () => {
    const text = renderRecord(
      {
        id: "6f1c2d9e-0000-5000-8000-000000000001",
        externalId: "0035e00000ABCdE",
        firstName: "Ada",
        lastName: "Lovelace",
        fullName: "Ada Lovelace",
        companyName: "Analytical Engines Ltd",
        jobTitle: "Chief Mathematician",
        emails: [
          { email: "ada@example.com", type: "work" },
          { email: "ada@home.example", type: "personal" },
        ],
        phoneNumbers: [],
        addresses: [{ street: "12 St James's Square", city: "London", postalCode: null }],
        type: "customer",
        status: "active",
        tags: ["vip", "", "beta"],
        notes: "Prefers email.\nNo calls before ten.",
        website: "",
        lifecycleStage: null,
        customFields: { Region__c: "EMEA", ARR: 120000, renewal: { month: "June" } },
      },
      "contact",
    );
    expect(text.split("\n")).toEqual([
      "Contact: Ada Lovelace",
      "Id: 6f1c2d9e-0000-5000-8000-000000000001",
      "External id: 0035e00000ABCdE",
      "First name: Ada",
      "Last name: Lovelace",
      "Full name: Ada Lovelace",
      "Company name: Analytical Engines Ltd",
      "Job title: Chief Mathematician",
      "Emails 1: Email: ada@example.com; Type: work",
      "Emails 2: Email: ada@home.example; Type: personal",
      "Addresses 1: Street: 12 St James's Square; City: London",
      "Type: customer",
      "Status: active",
      "Tags: vip, beta",
      "Notes: Prefers email.",
      "No calls before ten.",
      "Custom fields > Region: EMEA",
      "Custom fields > ARR: 120000",
      "Custom fields > Renewal > Month: June",
    ]);
    expect(text).not.toMatch(/Website|Lifecycle|Phone numbers|Postal/);
  });

  it("titles a contact by first and last name when there is no full name", () => {
    expect(renderRecord({ id: "c2", firstName: "Grace", lastName: "Hopper" }, "contact")).toMatch(
      /^Contact: Grace Hopper\n/,
    );
  });

  it("renders a company", () => {
    const text = renderRecord(
      { id: "co1", name: "Initech", domain: "initech.example", employeeCount: 250, isPublic: false },
      "company",
    );
    expect(text).toBe(
      "Company: Initech\nId: co1\nName: Initech\nDomain: initech.example\nEmployee count: 250\nIs public: no",
    );
  });

  it("renders a deal with its amount, stage and dates", () => {
    const text = renderRecord(
      {
        id: "d1",
        name: "Initech renewal 2025",
        amount: 48000,
        currency: "EUR",
        stage: "negotiation",
        closeDate: "2025-03-31",
        companyId: "co1",
      },
      "deal",
    );
    expect(text.split("\n")[0]).toBe("Deal: Initech renewal 2025");
    expect(text).toContain(
      "Amount: 48000\nCurrency: EUR\nStage: negotiation\nClose date: 2025-03-31\nCompany id: co1",
    );
  });

  it("renders a custom object under its object type", () => {
    const text = renderRecord(
      {
        id: "x1",
        externalId: "a015e000001",
        objectType: "Invoice",
        createdAt: "2024-01-02T03:04:05Z",
        customFields: { Invoice_Number__c: "INV-0042", Total__c: 1999.5, Paid__c: true },
      },
      "custom_object",
    );
    expect(text).toBe(
      [
        "Invoice",
        "Id: x1",
        "External id: a015e000001",
        "Object type: Invoice",
        "Created at: 2024-01-02T03:04:05Z",
        "Custom fields > Invoice number: INV-0042",
        "Custom fields > Total: 1999.5",
        "Custom fields > Paid: yes",
      ].join("\n"),
    );
  });

  it("titles a custom object by the name in its custom fields", () => {
    const text = renderRecord(
      { id: "x2", objectType: "Project__c", customFields: { Name: "Apollo", Budget__c: 5 } },
      "custom_objects",
    );
    expect(text.split("\n")[0]).toBe("Project: Apollo");
  });

  it("renders a ticket by its subject", () => {
    const text = renderRecord(
      {
        id: "INC0010001",
        subject: "VPN drops every hour",
        description: "Users in Lyon lose the VPN at the top of every hour.",
        priority: "P2",
        assignee: { name: "Sam Ops", email: "sam@example.com" },
        comments: [{ author: "Sam Ops", body: "Looking at the gateway logs." }],
      },
      "ticket",
    );
    expect(text).toContain("Ticket: VPN drops every hour");
    expect(text).toContain("Description: Users in Lyon lose the VPN at the top of every hour.");
    expect(text).toContain("Assignee > Name: Sam Ops");
    expect(text).toContain("Comments 1: Author: Sam Ops; Body: Looking at the gateway logs.");
  });

  it("says a deal's company and owner in words, ahead of the raw ids", () => {
    const text = renderRecord(
      {
        id: "d2",
        externalId: "006Nw00000AcmeRenAAA",
        name: "ACME renewal 2026",
        amount: 240000,
        statusType: "open",
        status: "Negotiation",
        accountId: "001Nw00000AcmeCoAAA",
        ownerId: "005Nw000001MayaAAA",
        closeDate: "2026-03-31",
      },
      "deals",
      { company: "ACME Corporation", owner: { email: "maya@northwind.test", name: "Maya Patel" } },
    );
    expect(text.split("\n").slice(0, 3)).toEqual([
      "Deal: ACME renewal 2026",
      "Company: ACME Corporation",
      "Owner: Maya Patel <maya@northwind.test>",
    ]);
    expect(text).toContain("Account id: 001Nw00000AcmeCoAAA\nOwner id: 005Nw000001MayaAAA");
  });

  it("renders a ticket in Paragon's shape with its requester, assignees and status, without originalRecord", () => {
    const text = renderRecord(
      {
        id: "t1",
        title: "INC0012345: checkout API outage",
        status: { name: "Resolved", type: "closed" },
        priority: "urgent",
        type: "incident",
        assignees: [{ id: "u-leo", name: "Leo Park", email: "leo@northwind.test" }, { name: "Ana Lima" }],
        createdBy: { id: "u-ana", name: "Ana Lima", email: "ana@northwind.test" },
        project: { id: "p1", name: "Payments" },
        originalRecord: { sys_id: "abc", short_description: "checkout API outage" },
      },
      "tickets",
    );
    expect(text.split("\n")).toEqual([
      "Ticket: INC0012345: checkout API outage",
      "Requester: Ana Lima <ana@northwind.test>",
      "Assignees: Leo Park <leo@northwind.test>, Ana Lima",
      "Status: Resolved (closed)",
      "Project: Payments",
      "Id: t1",
      "Title: INC0012345: checkout API outage",
      "Priority: urgent",
      "Type: incident",
    ]);
  });

  it("labels an unknown kind from its name", () => {
    expect(renderRecord({ id: "m1", title: "Kickoff" }, "calendar_event")).toBe(
      "Calendar event: Kickoff\nId: m1\nTitle: Kickoff",
    );
  });
});
