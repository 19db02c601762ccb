/**
 * Writes the example corpus in `examples/corpus/`: the Northwind Labs Google Drive (`drive/`) and SharePoint
 * Sales site (`sharepoint/`), `manifest.yaml` (format: docs/corpus-manifest.md), `README.md`, `QUESTIONS.md` and
 * `questions.yaml`.
 *
 *   npx tsx scripts/make-corpus.ts
 *
 * Everything comes from this file: the prose is written once below as light Markdown and rendered to the file's
 * format (Markdown as is, PDF with pdfkit, DOCX with docx, HTML as a Confluence or SharePoint page, plain text and
 * CSV as written, PNG drawn pixel by pixel). Output is byte-for-byte reproducible: PDF info dates, the DOCX core
 * properties and the DOCX zip entry times are pinned to each file's `updated` date, and docx's random ids come from
 * a seeded generator. Before writing, the script checks the sharing against the demo questions below (who must and
 * must not see each answer), under both readings of the two spots the manifest spec leaves open (see README).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";
import {
  AlignmentType,
  Document,
  HeadingLevel,
  LevelFormat,
  Packer,
  PageBreak,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import PDFDocument from "pdfkit";
import YAML, { parse as parseYaml } from "yaml";

const OUT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "examples", "corpus");

// ---------------------------------------------------------------------------------------------------------------
// The company: people, groups, syncs
// ---------------------------------------------------------------------------------------------------------------

const PROJECT_ID = "0c6a3c8e-5a0e-4d43-9a51-2b1f7f0e9d11";
const DOMAIN = "northwind.test";

const PEOPLE = {
  maya: { email: "maya@northwind.test", name: "Maya Patel", title: "CEO & Co-founder" },
  daniel: { email: "daniel@northwind.test", name: "Daniel Okafor", title: "CFO" },
  hana: { email: "hana@northwind.test", name: "Hana Kim", title: "Head of People" },
  leo: { email: "leo@northwind.test", name: "Leo Park", title: "Staff Engineer (Engineering Lead)" },
  ana: { email: "ana@northwind.test", name: "Ana Souza", title: "Platform Engineer" },
  sam: { email: "sam@northwind.test", name: "Sam Rivera", title: "Senior Software Engineer" },
  priya: { email: "priya@northwind.test", name: "Priya Nair", title: "Software Engineer" },
  jordan: { email: "jordan@northwind.test", name: "Jordan Lee", title: "Head of Sales" },
  chloe: { email: "chloe@northwind.test", name: "Chloe Martin", title: "Account Executive" },
  guest: {
    email: "guest@partner.test",
    name: "Pat Guest",
    title: "Contract Security Engineer, Partner Security",
  },
} as const;
type Key = keyof typeof PEOPLE;
const KEYS = Object.keys(PEOPLE) as Key[];
const email = (k: Key): string => PEOPLE[k].email;

interface Group {
  id: string;
  name: string;
  members: (Key | `group:${string}`)[];
}
const GROUPS: Group[] = [
  { id: "leadership", name: "Leadership team", members: ["maya", "daniel", "hana", "jordan", "leo"] },
  { id: "engineering", name: "Engineering", members: ["leo", "sam", "priya", "group:platform"] },
  { id: "platform", name: "Platform", members: ["ana"] },
  { id: "hr", name: "People (HR)", members: ["hana"] },
  { id: "finance", name: "Finance", members: ["daniel"] },
  { id: "sales", name: "Sales", members: ["jordan", "chloe"] },
];

/**
 * The account that connected both syncs to Paragon: a Workspace / Microsoft 365 admin account, not a person anyone
 * asks questions as. It is each sync's `owner`, and every folder and file below names its own owner, so whether or
 * not the sync root's owner is inherited (the spec leaves it open), none of the ten people gains access through it.
 */
const ADMIN = {
  email: "it-admin@northwind.test",
  name: "Northwind IT Admin",
  title: "Admin account that connected Google Drive and SharePoint",
};
const SYNCS = [
  { integration: "googledrive", root: "drive", owner: ADMIN.email },
  { integration: "sharepoint", root: "sharepoint", owner: ADMIN.email },
];

type Role = "owner" | "writer" | "reader";
type Grant =
  | { user: Key; role: Role }
  | { group: string; role: Role }
  | { domain: string; role: Role }
  | { anyone: "link" | "public"; role: Role };
const G = {
  user: (user: Key, role: Role = "reader"): Grant => ({ user, role }),
  group: (group: string, role: Role = "reader"): Grant => ({ group, role }),
  domain: (role: Role = "reader"): Grant => ({ domain: DOMAIN, role }),
  link: (): Grant => ({ anyone: "link", role: "reader" }),
  public: (): Grant => ({ anyone: "public", role: "reader" }),
};

/** Every folder, with its owner and what it grants (inherited by everything below it). */
const FOLDERS: Record<string, { owner: Key; grants?: Grant[] }> = {
  "drive/Company/": { owner: "maya", grants: [G.domain()] },
  "drive/Company/All-hands/": { owner: "maya" },
  "drive/Company/IT/": { owner: "leo" },
  "drive/Company/Press kit/": { owner: "maya", grants: [G.public()] },
  "drive/Engineering/": { owner: "leo", grants: [G.group("engineering", "writer")] },
  "drive/Engineering/Architecture/": { owner: "leo" },
  "drive/Engineering/RFCs/": { owner: "leo" },
  "drive/Engineering/Platform/": {
    owner: "leo",
    grants: [G.user("ana", "owner"), G.group("platform", "writer")],
  },
  "drive/Engineering/Platform/Runbooks/": { owner: "ana" },
  "drive/Engineering/Postmortems/": { owner: "leo" },
  "drive/Engineering/On-call/": { owner: "leo" },
  "drive/Engineering/Onboarding/": { owner: "sam" },
  "drive/Engineering/Wiki/": { owner: "priya" },
  "drive/Engineering/Security/": { owner: "leo" },
  "drive/HR/": { owner: "hana", grants: [G.group("hr", "writer")] },
  "drive/HR/Policies/": { owner: "hana", grants: [G.domain()] },
  "drive/HR/Compensation/": { owner: "hana", grants: [G.user("maya")] },
  "drive/HR/Compensation/Performance reviews/": { owner: "hana" },
  "drive/HR/Hiring/": { owner: "hana", grants: [G.group("leadership")] },
  "drive/Finance/": { owner: "daniel", grants: [G.group("finance", "writer"), G.user("maya")] },
  "drive/Finance/Reports/": { owner: "daniel" },
  "drive/Finance/Board/": { owner: "daniel", grants: [G.group("leadership")] },
  "drive/Sales/": { owner: "jordan", grants: [G.group("sales", "writer")] },
  "drive/Sales/Accounts/": { owner: "jordan" },
  "drive/Sales/Accounts/ACME Freight/": { owner: "chloe", grants: [G.user("daniel")] },
  "drive/Sales/Accounts/Globex/": { owner: "chloe" },
  "drive/Sales/Collateral/": { owner: "jordan" },
  "drive/Private - Leo Park/": { owner: "leo" },
  "drive/Private - Maya Patel/": { owner: "maya" },
  "drive/Private - Chloe Martin/": { owner: "chloe" },
  "sharepoint/Sales Site/": { owner: "jordan", grants: [G.group("sales", "writer")] },
  "sharepoint/Sales Site/Proposals/": { owner: "jordan" },
  "sharepoint/Sales Site/Battlecards/": { owner: "jordan" },
  "sharepoint/Sales Site/Enablement/": { owner: "jordan" },
  "sharepoint/Sales Site/Case studies/": { owner: "jordan", grants: [G.domain()] },
  "sharepoint/Sales Site/Reports/": { owner: "jordan" },
};

// ---------------------------------------------------------------------------------------------------------------
// The files
// ---------------------------------------------------------------------------------------------------------------

interface DocSpec {
  /** "<sync root>/<path>" */
  path: string;
  owner: Key;
  /** "YYYY-MM-DD" (17:00 UTC) or a full ISO timestamp */
  updated: string;
  /** Markdown for .md/.pdf/.docx/.html, the text itself for .txt/.csv; empty for .png */
  body: string;
  grants?: Grant[];
  /** for .png */
  image?: () => Buffer;
}
const DOCS: DocSpec[] = [];
function doc(path: string, owner: Key, updated: string, body: string, grants?: Grant[]): void {
  DOCS.push({ path, owner, updated, body, grants });
}

/** CSV text from rows; fields are quoted only when they must be. */
function csv(rows: (string | number)[][]): string {
  const field = (v: string | number): string => {
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(field).join(",")).join("\n") + "\n";
}
const usd = (n: number): string => "$" + Math.round(n).toLocaleString("en-US");

// ----- Company (domain-wide) -----------------------------------------------------------------------------------

doc(
  "drive/Company/Employee handbook.pdf",
  "hana",
  "2026-01-05",
  `# Northwind Labs Employee Handbook

Edition of January 2026. Maintained by Hana Kim, Head of People. Questions go to hana@northwind.test or the #people channel.

## Welcome to Northwind

Northwind Labs builds Beacon, the shipment tracking and delivery-ETA platform used by regional carriers and the shippers who depend on them. Maya Patel founded the company in Portland, Oregon in 2019 after a decade of watching dispatchers answer the same question all day long: where is my truck, and when will it get here? Today thirteen of us serve more than sixty customers, from grocery chains to cross-border freight brokers.

This handbook explains how we work together. It is deliberately short. The detailed rules live in the policies in the HR > Policies folder, and where the two disagree the policy wins.

## What we value

- **Customers feel the ETA, not the model.** We judge our work by whether a dispatcher or a shopper got a trustworthy answer, not by how clever the code is.
- **Write it down.** Decisions, designs and incidents are written up so that someone who was not in the room can understand them a year later.
- **Own the outcome.** If you notice a problem, you own it until you have handed it to someone who agreed to take it.
- **Be kind, be direct.** Say the hard thing early, in private, and with care.

## How we communicate

Slack is where day-to-day work happens. The channels everyone should join are #general, #announcements (read-only except for leadership), #incidents, #deploys, #sales-wins, #people and #random. Email is for people outside the company. Anything that needs a decision gets a short written document rather than a long thread.

We hold an all-hands on the first Thursday of every month at 11:00 Pacific. Maya presents the state of the company, one team presents a deep dive, and the last twenty minutes are open questions. Notes are posted in Company > All-hands the same day.

<!-- page -->

## Tools and accounts

Your Google Workspace account is your identity for almost everything: Slack, Linear, GitHub, HubSpot, Ramp and BambooHR all use single sign-on. Passwords that cannot use single sign-on belong in 1Password, never in a document or a browser. The IT setup guide in Company > IT walks you through your first day with a new laptop.

## Security basics

Every account uses multi-factor authentication with the hardware key you receive on your first day. Lock your screen when you step away, even at home. Customer data stays in the systems built for it: never download shipment data to a personal device or paste it into an unapproved tool, including AI assistants that are not on the approved list. If an email looks like phishing, forward it to security@northwind.test and delete it. We are working towards a SOC 2 Type II report, so expect short security trainings twice a year.

## Time off and leave

We want people to rest. Paid time off, sick time, company holidays and family leave are described in the Paid time off policy, the Parental leave policy and the Holiday calendar. Tell your manager early, put time off in the shared calendar, and set an out-of-office reply.

## Pay and benefits

Payroll runs twice a month, on the 15th and on the last business day, through Gusto. Health, retirement and other benefits are summarized in the Benefits summary for the current year. How we set pay is explained in the Compensation philosophy.

<!-- page -->

## Performance and growth

We run two review cycles a year: a lighter mid-year check-in in July and a full review in January that also sets merit increases. Engineers grow along the engineering career ladder; other teams have ladders maintained by their leads. Everyone has a yearly learning budget and is encouraged to use it.

## Working with each other

Managers hold a weekly or biweekly one-on-one with each person on their team. One-on-one notes belong to the two people in them and are not shared further without both agreeing. Feedback should be specific, timely and about the work. If something feels wrong, talk to your manager, to Hana, or use the anonymous Speak Up form described in the Code of conduct.

## Leaving Northwind

We ask for two weeks of notice where possible. On your last day you return your laptop and hardware key, and Hana schedules an exit conversation so we can learn from your time here. Your equity and final paycheck are explained in writing before you go.

## Acknowledgement

New employees confirm in BambooHR within their first week that they have read this handbook, the Code of conduct and the security basics above.
`,
);

doc(
  "drive/Company/Holiday calendar 2026.txt",
  "hana",
  "2025-12-01",
  `NORTHWIND LABS - COMPANY HOLIDAY CALENDAR 2026
Published by Hana Kim (People) on December 1, 2025. Applies to all employees in the United States.

The Portland office is closed and nobody is expected to work on the days below. If you are on call
during a holiday, you get a replacement day off in the same month (see the On-call handbook).

  Thursday, January 1       New Year's Day
  Monday, January 19        Martin Luther King Jr. Day
  Monday, February 16       Presidents' Day
  Monday, May 25            Memorial Day
  Friday, June 19           Juneteenth
  Friday, July 3            Independence Day (observed; July 4 falls on a Saturday)
  Friday, August 14         Summer Recharge Day (Northwind's own holiday)
  Monday, September 7       Labor Day
  Monday, October 12        Indigenous Peoples' Day
  Wednesday, November 11    Veterans Day
  Thursday, November 26     Thanksgiving Day
  Friday, November 27       Day after Thanksgiving

WINTER BREAK
  Thursday, December 24, 2026 through Friday, January 1, 2027.
  The whole company closes for winter break. These days are not taken from your PTO balance.
  Engineering keeps a reduced on-call rotation; volunteers get two replacement days each.

That is 12 paid holidays plus the winter break. Holidays do not count against paid time off.

FLOATING DAYS
  Everyone also gets two floating holidays per calendar year to use for days that matter to you
  (religious or cultural holidays, your birthday, a national day from another country).
  Book them in BambooHR like PTO, choosing the "Floating holiday" type. Unused floating days do
  not carry over.

NOTES FOR PEOPLE OUTSIDE OREGON
  Remote employees follow this same calendar. If your state has an additional legal holiday, tell
  Hana and it will be added for you.

Questions: #people or hana@northwind.test
`,
);

doc(
  "drive/Company/Office guide.html",
  "hana",
  "2026-01-12",
  `# Portland office guide

Everything you need to know about the Portland office. Maintained by Hana Kim. If something here is out of date, fix it or post in #office.

## Address and access

Northwind Labs, 410 NW Tenth Avenue, Suite 300, Portland, OR 97209. The building is open from 07:00 to 19:00 on weekdays. Your badge works through the Kisi app on your phone; ask Hana to add you before your first visit. Outside those hours the front door stays locked and the alarm is armed at 20:00, so let #office know if you plan to work late.

## Anchor days

Tuesday, Wednesday and Thursday are our anchor days, when most Portland-area people come in. Lunch is catered on Wednesdays; add dietary needs to the pinned form in #office by Monday noon.

## Wi-Fi and printing

- **Northwind** is the staff network. Sign in with your Google account; there is no shared password.
- **Northwind-Guest** is for visitors. Its password changes on the first of every month and is written on the whiteboard by the kitchen. Never post it in Slack.
- The printer, nw-printer-1, is next to the phone booths. Print from any laptop on the staff network.

## Rooms

| Room | Seats | Equipment |
| Willamette | 8 | Zoom Room, whiteboard wall |
| Columbia | 4 | Display with HDMI and USB-C |
| Phone booths (3) | 1 | Quiet, ventilated, first come first served |

Book rooms in Google Calendar. Customer meetings take priority in Willamette.

## Visitors

Visitors sign in on the iPad at the front desk and must be escorted while in the office. Customers and candidates get a visitor badge. Contractors working on site for more than a day need a Kisi pass from Hana.

## Getting here

There is no reserved car parking. The SmartPark garage at NW 10th and Everett validates visitor tickets at our front desk. Bikes go in the locked bike room in the basement; the code is in the Kisi app. The Streetcar stops at NW 10th and Glisan, one block away.

## Kitchen

Coffee, tea, fruit and snacks are free. Run the dishwasher if it is full and empty it if it is clean. Leftovers in the fridge are thrown out every Friday at 15:00.

## Safety

In an emergency, leave by the stairs at either end of the floor and meet at Jamison Square, at the corner of NW 11th and Johnson. The first aid kit and the defibrillator are in the kitchen. Hana is the office safety lead and Jordan Lee is the backup.
`,
);

doc(
  "drive/Company/All-hands/2025-10-02 All-hands notes.md",
  "maya",
  "2025-10-02",
  `# All-hands notes - October 2, 2025

Host: Maya Patel. Notes: Hana Kim. Recording in the #announcements channel.

## State of the company (Maya)

Q3 was our best quarter so far. Revenue grew again quarter over quarter, and we ended September with 61 customers after three new logos: Cascade Grocers, Pinecrest Outfitters and Harbor Line Transport. Nobody churned. Daniel will share the full financials with the board later this month; the headline for everyone here is that we are growing while spending less than planned.

Maya also talked about the September 14 ETA outage. For almost three hours on a Sunday afternoon, customers saw stale ETAs. She apologized to the team for a weekend of firefighting and thanked Priya, Sam and Ana. The postmortem is in the Engineering folder, and the follow-up work is already in progress. We issued service credits to the enterprise customers that were affected.

## Deep dive: the Kafka migration (Sam)

Sam walked through how ingestion moved from Redis Streams to Kafka in August. We can now replay a week of GPS pings instead of one day, which made the outage recovery much faster than it would have been in July. Peak traffic in September was 4,100 events per second with plenty of headroom.

## Sales update (Jordan)

Pipeline for Q4 is healthy. The ACME Freight renewal is next: their current contract ends on February 28, 2026, and Chloe is preparing it with Jordan as executive sponsor. Please route any ACME questions through Chloe.

## People update (Hana)

- We are improving parental leave starting in January. Hana will publish the updated policy in December.
- Open enrollment for 2026 benefits runs from November 3 to November 21.
- We will open a Senior Backend Engineer role in Q1. Referrals are very welcome.
- The holiday party is on Thursday, December 11 at the office.

## Questions

- *Will we keep anchor days?* Yes, Tuesday to Thursday stays the same next year.
- *Are we hiring in sales?* One more account executive next year, probably in Q2.
- *When is the next offsite?* Spring 2026, location to be decided by a vote in #general.
`,
);

doc(
  "drive/Company/All-hands/2026-01-08 All-hands notes.docx",
  "maya",
  "2026-01-08",
  `# All-hands notes - January 8, 2026

Host: Maya Patel. Notes: Hana Kim.

## 2025 in review (Maya)

Maya opened with a look back at 2025. Revenue grew 41 percent over 2024 and we finished the year with 63 customers. We shipped the Kafka migration, the new dispatcher dashboard and the first half of the webhooks rework, and we passed our SOC 2 Type I audit in August. The September outage was the low point of the year; the way the team responded, and the fixes that followed, were a high point.

## 2026 company goals

Maya presented the three company objectives for 2026. The full list with key results and owners is in Company OKRs 2026.

- Make Beacon the most trusted ETA for regional carriers.
- Grow efficiently.
- Build the team we need for the next stage.

## Customers (Jordan)

The ACME Freight renewal is in final legal review and should be signed this month. Jordan thanked Chloe and Omar, and thanked Engineering for joining two of the customer calls. Globex and Initech are the two largest new opportunities for the first quarter.

## Engineering (Leo)

- Webhooks v2 rolls out to customers during Q1. Sam leads it.
- Ana is writing an RFC on multi-region failover; comments are welcome until mid-February.
- An external security firm, Partner Security, will run our annual penetration test in February. Expect a few alerts in staging; they are planned.

## People (Hana)

The new parental leave policy took effect on January 1 and is in HR > Policies. 2026 merit increases were applied in the January 15 payroll. The mid-year check-in moves from June to July this year. Welcome to our new contractor, Pat Guest from Partner Security, who will be with us during the penetration test.

## Questions

- *Are we raising money this year?* Not before the second half. Maya will share more when there is something to share.
- *Will the winter break continue?* Yes. It is in the 2026 holiday calendar.
- *Can we get a second phone booth?* We now have three. Hana is looking at a fourth.
`,
);

doc(
  "drive/Company/Company OKRs 2026.md",
  "maya",
  "2026-01-06",
  `# Company OKRs 2026

Owner: Maya Patel. Reviewed by the leadership team on January 5, 2026. We grade key results every quarter at the all-hands: 0.0 means no progress and 1.0 means fully done. A 0.7 on an ambitious key result is a good outcome.

## Objective 1: Make Beacon the most trusted ETA for regional carriers

Trust is why customers renew. In 2025 the model got better, but a single outage did more harm to trust than a year of accuracy work did good.

- KR 1.1: Median (p50) ETA error below 9 minutes on the holdout set, down from 11.4 minutes. Owner: Sam Rivera.
- KR 1.2: 99.95% monthly API availability in every month of the year. Owner: Ana Souza.
- KR 1.3: Customer webhooks delivered within 5 seconds at p95 after the Webhooks v2 rollout. Owner: Sam Rivera.
- KR 1.4: Every SEV-1 incident has a published postmortem within five business days. Owner: Leo Park.

## Objective 2: Grow efficiently

- KR 2.1: Grow ARR from $4.02M to $5.6M by December 31. Owner: Jordan Lee.
- KR 2.2: Net revenue retention of at least 115%. Owner: Jordan Lee with Customer Success.
- KR 2.3: Close 14 new customers, at least four of them on the Enterprise plan. Owner: Jordan Lee.
- KR 2.4: Keep average monthly net burn below $150,000. Owner: Daniel Okafor.

## Objective 3: Build the team we need for the next stage

- KR 3.1: Hire the five roles in the 2026 hiring plan, each within 75 days of opening. Owner: Hana Kim.
- KR 3.2: Employee NPS of 40 or higher in both pulse surveys. Owner: Hana Kim.
- KR 3.3: Receive our SOC 2 Type II report by October 31. Owner: Leo Park with Daniel Okafor.

## What we are not doing this year

We are not building an on-premises version of Beacon, not expanding into ocean freight, and not opening a second office. Requests in those directions get a polite no, with a note in the product feedback log.

## How we track progress

Each owner posts a short update in #okrs on the last Friday of every month: the current number, the trend, and the one thing that would help most. The leadership team reviews those updates in its monthly meeting and decides whether a key result needs more people or less scope.
`,
);

doc(
  "drive/Company/Org chart.csv",
  "hana",
  "2026-01-15",
  csv([
    ["name", "title", "team", "manager", "email", "location", "start_date"],
    ["Maya Patel", "CEO & Co-founder", "Leadership", "", "maya@northwind.test", "Portland, OR", "2019-03-04"],
    ["Daniel Okafor", "CFO", "Finance", "Maya Patel", "daniel@northwind.test", "Portland, OR", "2022-06-13"],
    [
      "Hana Kim",
      "Head of People",
      "People",
      "Maya Patel",
      "hana@northwind.test",
      "Portland, OR",
      "2021-09-07",
    ],
    [
      "Leo Park",
      "Staff Engineer (Engineering Lead)",
      "Engineering",
      "Maya Patel",
      "leo@northwind.test",
      "Portland, OR",
      "2019-05-20",
    ],
    [
      "Ana Souza",
      "Platform Engineer",
      "Engineering / Platform",
      "Leo Park",
      "ana@northwind.test",
      "Remote - Denver, CO",
      "2021-02-01",
    ],
    [
      "Sam Rivera",
      "Senior Software Engineer",
      "Engineering",
      "Leo Park",
      "sam@northwind.test",
      "Portland, OR",
      "2020-08-17",
    ],
    [
      "Priya Nair",
      "Software Engineer",
      "Engineering",
      "Leo Park",
      "priya@northwind.test",
      "Remote - Seattle, WA",
      "2023-04-10",
    ],
    [
      "Nina Alvarez",
      "Product Designer",
      "Engineering",
      "Leo Park",
      "nina@northwind.test",
      "Remote - Austin, TX",
      "2022-10-03",
    ],
    [
      "Jordan Lee",
      "Head of Sales",
      "Sales",
      "Maya Patel",
      "jordan@northwind.test",
      "Portland, OR",
      "2020-11-02",
    ],
    [
      "Chloe Martin",
      "Account Executive",
      "Sales",
      "Jordan Lee",
      "chloe@northwind.test",
      "Remote - Brooklyn, NY",
      "2023-07-24",
    ],
    [
      "Omar Haddad",
      "Customer Success Manager",
      "Customer Success",
      "Jordan Lee",
      "omar@northwind.test",
      "Portland, OR",
      "2023-01-09",
    ],
    [
      "Tom Becker",
      "Support Engineer",
      "Customer Success",
      "Jordan Lee",
      "tom@northwind.test",
      "Portland, OR",
      "2022-01-18",
    ],
    [
      "Grace Liu",
      "Marketing Manager",
      "Marketing",
      "Jordan Lee",
      "grace@northwind.test",
      "Remote - Oakland, CA",
      "2024-03-04",
    ],
  ]),
);

doc(
  "drive/Company/Press kit/Northwind boilerplate.md",
  "maya",
  "2025-11-10",
  `# Northwind Labs press kit: boilerplate and fast facts

Approved for public use by Maya Patel. Use this text as written in press releases, partner announcements and event programs. For anything else, email press@northwind.test.

## Boilerplate (short)

Northwind Labs makes Beacon, a real-time shipment tracking and delivery-ETA platform for regional carriers and shippers. Beacon combines live GPS data, carrier status messages and machine-learned ETAs so that dispatchers, customers and shoppers know when a delivery will arrive. Northwind Labs is based in Portland, Oregon.

## Boilerplate (long)

Northwind Labs helps regional freight move with fewer surprises. Its platform, Beacon, ingests live GPS pings and carrier status updates, predicts arrival times with a model trained on millions of completed deliveries, and pushes updates to the systems and people who need them through an API, webhooks and a dispatcher dashboard. Grocery chains, retailers and regional carriers across North America use Beacon to cut "where is my delivery?" calls, plan dock schedules and keep promises to their own customers. Founded in 2019 by Maya Patel and backed by Ridgeline Ventures, Northwind Labs is headquartered in Portland, Oregon.

## Fast facts

- Founded: 2019, Portland, Oregon
- Founder and CEO: Maya Patel
- Product: Beacon (API, webhooks and dispatcher dashboard)
- Customers: more than 60 regional carriers, shippers and retailers
- Investors: Ridgeline Ventures (Series A, 2022)
- Website: www.northwind.test

## Logo use

The logo file is northwind-logo.png in this folder. Keep clear space around the logo equal to the height of the N. Do not recolor, stretch or add effects. On dark backgrounds use the white version, which press@northwind.test can send on request.

## Spokespeople

Maya Patel speaks on the company, logistics technology and entrepreneurship. Leo Park speaks on engineering and machine learning for ETAs. Please route all interview requests through press@northwind.test rather than contacting them directly.
`,
);

DOCS.push({
  path: "drive/Company/Press kit/northwind-logo.png",
  owner: "maya",
  updated: "2025-11-10",
  body: "",
  image: () => logoPng(),
});

doc(
  "drive/Company/IT/IT setup guide.txt",
  "leo",
  "2025-08-20",
  `IT SETUP GUIDE - YOUR FIRST DAY WITH A NORTHWIND LAPTOP
Owner: Leo Park. Last reviewed August 20, 2025. Help: #it-help or it@northwind.test

Northwind has no IT department, so engineering looks after laptops and accounts. This guide takes
about two hours. Do it in order.

1. UNBOX AND ENROLL
   Your laptop is a 14-inch MacBook Pro. On first boot, connect to Wi-Fi and sign in with your
   Google account when asked. The laptop enrolls itself in Jamf, our device management, and
   installs Chrome, Slack, Zoom, 1Password and the Google Drive app within about twenty minutes.
   Do not create a separate local admin account.

2. HARDWARE KEY
   You received a YubiKey 5C in your welcome box. Go to your Google account security page and add
   it as your second factor, then remove any SMS second factor. Keep the key on your keychain.
   Losing it is not a disaster, but report it the same day.

3. PASSWORD MANAGER
   Accept the 1Password invitation in your email. Store every password that cannot use Google
   sign-in there. Shared credentials live in team vaults; ask your manager for access.

4. SLACK AND CALENDAR
   Sign in to Slack with Google. Join #general, #announcements, #people, #it-help and your team
   channels. Set your working hours in Google Calendar so people in other time zones know when to
   expect an answer.

5. ENGINEERS ONLY
   Install Homebrew, then follow the Engineering onboarding checklist. Access to staging goes through
   Tailscale; production access is granted only after your first month and only through the
   break-glass process described in the On-call handbook.

6. UPDATES
   Jamf installs macOS updates within seven days of release. If you postpone an update, the laptop
   will restart itself on day eight, usually at the worst possible moment. Update early.

LOST OR STOLEN DEVICE
   Report it within one hour to it@northwind.test and in #it-help, even at night. We can lock and
   wipe the laptop remotely. There is no penalty for reporting; there is one for not reporting.

SOFTWARE REQUESTS
   Free tools that do not touch customer data can be installed without asking. Anything paid, or
   anything that will see customer or employee data, needs a request in #it-help so we can check its
   security and add it to the vendor list.

LAPTOP REFRESH
   Laptops are replaced every three years, or sooner if they fail. Return the old one within two
   weeks of receiving the new one.
`,
);

// ----- Engineering (group engineering, which contains platform) ------------------------------------------------

doc(
  "drive/Engineering/Architecture/Architecture overview.md",
  "leo",
  "2025-12-02",
  `# Beacon architecture overview

Owner: Leo Park. Last reviewed December 2, 2025. This is the map; each service's README in GitHub has the street-level detail.

## What Beacon does

Beacon answers one question for carriers and shippers: where is this shipment, and when will it arrive? Carriers send us GPS pings from telematics providers (Samsara, Motive, Geotab) and status messages from their transport management systems. We turn that stream into a current position and a predicted arrival time for every open shipment, and we push changes to customers through webhooks, the public API and the dispatcher dashboard.

## Services

| Service | Language | What it does |
| beacon-gateway | Go | Public REST API at api.beacon.northwind.test: API keys, rate limits, request routing |
| beacon-ingest | Go | Receives GPS pings and carrier status messages, validates them, writes them to Kafka |
| beacon-tracker | Go | Consumes Kafka, keeps the latest position and status of every open shipment in Postgres and Redis |
| beacon-eta | Python | Serves ETA predictions from the LightGBM model; recomputes when a shipment moves |
| beacon-notify | TypeScript | Sends customer webhooks and email alerts when an ETA or status changes |
| beacon-dashboard | TypeScript (React) | The dispatcher web app at app.beacon.northwind.test |

## Data flow

A ping arrives at beacon-ingest, which writes it to the \`pings.v1\` topic keyed by shipment id. beacon-tracker consumes the topic, updates the shipment's position and publishes a \`position.changed\` event. beacon-eta listens for those events, computes a new ETA and writes it to \`eta.v1\`. beacon-notify reads \`eta.v1\` and \`status.v1\`, decides which customers care, and sends webhooks. The gateway reads current state from Postgres, with Redis in front for the hot paths.

Raw events are archived to S3 (bucket \`nw-events-archive\`) for model training and replay. Kafka keeps seven days of history, which is enough to rebuild tracker state after a bad deploy.

## Storage

- PostgreSQL 16 on Amazon RDS (\`beacon-prod\`): shipments, customers, API keys, webhook subscriptions. Multi-AZ, automated backups.
- Redis on ElastiCache: latest positions and ETAs, rate-limit counters.
- Amazon MSK (Kafka): the event backbone since the RFC-012 migration in August 2025.
- S3: event archive and model artifacts (\`nw-models\`).

## Infrastructure

Everything runs in AWS us-west-2 on one EKS cluster per environment: \`nw-prod-usw2\` and \`nw-staging-usw2\`. Infrastructure is defined in Terraform in the \`northwind/infra\` repository. Services are deployed by Argo CD from the \`northwind/deploy\` repository; the procedure for shipping to production is in the Platform runbooks. A second region is being discussed in RFC-015.

## Observability

Metrics, logs and traces go to Datadog. Errors go to Sentry. PagerDuty pages the on-call engineer from Datadog monitors; the monitors that page are listed in the On-call handbook. Our service level objectives are 99.9% monthly availability for the public API and ETA freshness under 60 seconds for 99% of open shipments.

## Known weak spots

- Single region: an outage of us-west-2 takes Beacon down.
- beacon-notify still uses one shared worker pool; Webhooks v2 (RFC-017) replaces it.
- The ETA model is retrained weekly by a cron job that nobody loves. See the ETA model design document.
`,
);

DOCS.push({
  path: "drive/Engineering/Architecture/architecture-diagram.png",
  owner: "leo",
  updated: "2025-12-02",
  body: "",
  image: () => diagramPng(),
});

doc(
  "drive/Engineering/Architecture/ETA model design.pdf",
  "sam",
  "2025-10-20",
  `# ETA model design

Author: Sam Rivera. Reviewers: Leo Park, Ana Souza. Revised October 20, 2025 after the September 14 incident.

## Problem

For every open shipment, Beacon predicts when it will arrive at its next stop. Customers use the prediction to staff docks, warn shoppers and plan the next load. A prediction that is usually right but occasionally wildly wrong is worse than one that is a little less sharp and honest about its uncertainty, so we predict a range, not just a point.

## Model

We train a LightGBM gradient-boosted tree model with quantile loss at three quantiles: p10, p50 and p90. The p50 is shown as the ETA; p10 and p90 form the "likely window" in the dashboard and in the API's \`eta_window\` field. Trees were chosen over neural networks because they train in minutes, handle missing telematics well and are easy to explain to customers.

## Features

- Remaining road distance to the next stop, from our routing service.
- Historical median speed on the lane for the same hour of the week.
- Time of day and day of week, in the stop's local time zone.
- Carrier and equipment type.
- Number of stops remaining on the route.
- Weather severity index along the remaining route (from the NOAA feed).
- Dock dwell minutes: how long trucks have recently waited at the destination dock. Added in September 2025.

<!-- page -->

## Training

The model is retrained every Sunday at 02:00 UTC on the last 18 months of completed legs, about 41 million examples. Training runs as a Kubernetes job in the production cluster and takes about 25 minutes. The job writes the model and its feature schema to \`s3://nw-models/eta/<version>/\`, where the version is the training date, for example \`eta-2025-10-19\`.

## Evaluation

Every candidate is evaluated on the most recent four weeks, which are held out from training. The current production model (\`eta-2025-10-19\`) has a median absolute error of 11.4 minutes at p50, and 87% of actual arrivals fall inside the p10 to p90 window, against a target of 80%. A candidate is promoted only if its p50 error is no worse than the current model's and the schema check passes.

## Serving

beacon-eta loads one pinned model version at start-up, named in its configuration. It validates the artifact's feature schema against the features the service computes; a mismatch stops the rollout instead of crashing the service. If the model cannot produce a prediction for a shipment, beacon-eta falls back to the lane's historical average travel time and marks the ETA as \`fallback: true\`.

## What changed after September 14

Before the incident, beacon-eta loaded whatever the \`latest\` pointer in S3 named, there was no schema check, and the fallback was switched off in production by a forgotten flag. All three are fixed: versions are pinned, the schema is checked in the training pipeline and at load time, and the fallback is on by default with an alert when more than 2% of ETAs use it. New model versions also go through a canary, like code.

## Next steps

Our 2026 goal is a p50 error below 9 minutes. The two biggest opportunities are a live traffic feed for the last 30 miles and better dwell estimates at large distribution centers. Both need the data scientist we plan to hire in Q3.
`,
);

doc(
  "drive/Engineering/RFCs/RFC-012 Move ingestion to Kafka.md",
  "sam",
  "2025-06-10",
  `# RFC-012: Move ingestion from Redis Streams to Kafka

- Author: Sam Rivera
- Reviewers: Leo Park, Ana Souza
- Status: Accepted (June 24, 2025). Implemented; cut over on August 12, 2025.

## Context

beacon-ingest writes every GPS ping and status message to Redis Streams, and beacon-tracker and beacon-eta consume from there. That was the right call in 2020, when we had a dozen customers. It is not the right call at 3,000 events per second:

- Redis holds the streams in memory. We trim them to 24 hours to keep the cluster affordable, so we cannot replay more than a day after a bug.
- Consumer groups in Redis Streams have no good story for rebalancing when a consumer pod dies mid-batch; we have lost events twice this year.
- Memory use peaks at 78% on the largest node during Monday mornings. Another large customer would push us over.

## Proposal

Move the event backbone to Amazon MSK (managed Kafka):

- Three brokers, kafka.m5.large, across three availability zones, with replication factor 3.
- Topics \`pings.v1\` (24 partitions), \`status.v1\` (12 partitions) and \`eta.v1\` (12 partitions), all keyed by shipment id so events for one shipment stay in order.
- Seven days of retention on every topic.
- Consumers use the standard Kafka consumer group protocol with manual commits after a batch is durably processed.

## Alternatives considered

- **Kinesis Data Streams.** Cheaper at our size, but shard management is manual and local development is awkward.
- **Redpanda Cloud.** Attractive performance, but a new vendor for a small team and no private networking in our region at the time.
- **Bigger Redis.** Buys a year at most and does not fix replay.

## Cost

MSK adds about $1,150 per month. We save about $400 per month by shrinking the Redis cluster back to caching only.

## Rollout

1. Dual-write from beacon-ingest to Redis and Kafka for two weeks, comparing counts per minute.
2. Move beacon-tracker to Kafka, then beacon-eta, one week apart.
3. Stop writing to Redis Streams and remove the code.

## Outcome (added August 20, 2025)

We cut over on August 12 without customer impact. Peak throughput since then is 4,100 events per second with consumer lag under two seconds. The seven-day replay paid for itself during the September 14 outage.
`,
);

doc(
  "drive/Engineering/RFCs/RFC-015 Multi-region failover.docx",
  "ana",
  "2026-01-21",
  `# RFC-015: Multi-region failover for Beacon

Author: Ana Souza. Reviewers: Leo Park, Sam Rivera. Status: In review. Comments close on February 13, 2026; decision at the February 20 engineering meeting.

## Summary

Beacon runs only in AWS us-west-2. If that region has a serious outage, every customer loses tracking until it comes back. This RFC proposes a warm standby in us-east-2 that we can switch to by hand within 30 minutes, losing at most 5 minutes of data.

## Goals

- Recovery time objective (RTO) of 30 minutes for a full regional outage.
- Recovery point objective (RPO) of 5 minutes for shipment state.
- Practice the failover every quarter, so that it works when we need it.

## Non-goals

Active-active serving from two regions is out of scope. It would double the hardest parts of our system for a failure that AWS's own history suggests happens less than once a year.

## Design

- **Database.** An RDS cross-region read replica of beacon-prod in us-east-2. Replication lag is typically under a second. During failover we promote the replica.
- **Kafka.** MirrorMaker 2 copies the pings.v1, status.v1 and eta.v1 topics to a small MSK cluster in us-east-2. Consumers there stay scaled to zero until failover.
- **Compute.** A second EKS cluster, nw-dr-use2, with every service deployed by Argo CD at one replica. Failover scales it to production size with a single Terraform variable.
- **Traffic.** Route 53 failover records for api.beacon.northwind.test and app.beacon.northwind.test, switched by hand, never automatically.
- **Model artifacts and archive.** S3 cross-region replication for nw-models and nw-events-archive.

## Cost

About $4,800 per month, most of it the read replica and the standby MSK cluster. Daniel has provisionally included it in the 2026 budget under Platform infrastructure.

## Failover procedure (outline)

1. Incident lead declares a regional outage and names a failover driver.
2. Promote the RDS replica; confirm writes succeed.
3. Scale nw-dr-use2 to production size.
4. Switch the Route 53 records; watch the gateway error rate in Datadog.
5. Post on the status page and tell Customer Success.

## Open questions

- Do we need a second PagerDuty integration, or can Datadog in us-east-2 reuse the same one?
- Should webhooks pause for the first five minutes after failover to avoid sending stale ETAs?
- Which customers have contracts that require us to notify them of a region change?
`,
);

doc(
  "drive/Engineering/RFCs/RFC-017 Webhooks v2.md",
  "sam",
  "2025-11-24",
  `# RFC-017: Webhooks v2

- Author: Sam Rivera
- Reviewers: Leo Park, Priya Nair, Ana Souza
- Status: Accepted (December 3, 2025). Rollout during Q1 2026.

## Why

On November 3, one customer's slow endpoint held up webhook delivery for everyone for 96 minutes (see the postmortem). The root problem is that beacon-notify sends all webhooks through a single shared pool of 32 workers, retries in the same pool, and has no idea which customer is slow. Customers also keep asking for three things we do not have: signed payloads, a delivery log, and a way to replay missed events.

## Proposal

1. **A queue per customer.** Deliveries go to a per-customer queue in Kafka (\`webhooks.<customer>\` partitions of one topic), and each customer gets at most four concurrent deliveries. A slow customer only slows itself down.
2. **Timeouts and retries.** A delivery times out after 10 seconds. Failed deliveries are retried with exponential backoff (30 seconds, 2 minutes, 10 minutes, 1 hour, then hourly) for up to 24 hours, then dropped into a dead-letter list visible to the customer.
3. **Signatures.** Every request carries an \`X-Beacon-Signature\` header: an HMAC-SHA256 of the timestamp and body with the customer's signing secret. Secrets can be rotated with a 24-hour overlap.
4. **Delivery log.** The dashboard shows the last 30 days of deliveries per endpoint, with response codes and latency, and a "redeliver" button.
5. **Ordering.** Events for one shipment are delivered in order. Events for different shipments are not ordered relative to each other.

## Targets

- p95 delivery latency under 5 seconds from the event being produced (the company OKR for 2026).
- No customer's failures affect another customer's latency.

## Rollout

We run v1 and v2 side by side. Customers move to v2 in waves of about ten, starting with the customers who volunteered in the January customer calls, and the last wave moves by March 31, 2026. The v1 code is deleted in April.

## Risks

- Kafka partitions per customer: with 63 customers this is fine; at 500 we would need to group small customers.
- Customers who verify nothing today will need to add signature checks; the old unsigned format stays available until the end of 2026.
`,
);

doc(
  "drive/Engineering/Platform/Runbooks/Deploy to production.md",
  "ana",
  "2026-01-14",
  `# Runbook: Deploy to production

Owner: Ana Souza (Platform). Last reviewed January 14, 2026. If a step here is wrong, fix the runbook in the same week.

This is the only supported way to ship a Beacon service to production. It applies to every service in the \`northwind/deploy\` repository: gateway, ingest, tracker, eta, notify and dashboard.

## Before you start

- Your change is merged to \`main\` and the CI workflow is green.
- It has been running on staging for at least 30 minutes. Merges to \`main\` deploy to staging automatically through Argo CD, so check the service's staging dashboard in Datadog.
- You are inside a deploy window: Monday to Thursday, 09:00 to 16:00 Pacific. No production deploys on Fridays, weekends or company holidays, except hotfixes approved by the incident lead.
- Database migrations have shipped in a separate, earlier deploy and are backward compatible.
- Post in #deploys: what you are shipping, the pull requests, and that you are starting.

## Steps

1. In GitHub, open the \`northwind/deploy\` repository, go to Actions and run the **Release** workflow. Choose the service and the image tag from staging (it looks like \`sha-3f9c2e1\`).
2. The workflow opens a pull request that bumps the production image tag and creates a release tag named \`release-YYYYMMDD.N\`. Another engineer must approve the pull request and the \`production\` environment in GitHub. You cannot approve your own release.
3. When the pull request merges, Argo CD syncs the change to the \`nw-prod-usw2\` cluster and Argo Rollouts starts a canary:
   - 10% of traffic for 15 minutes,
   - then 50% for 10 minutes,
   - then 100%.
4. During each step the rollout checks two Datadog monitors automatically: "Beacon API 5xx rate" must stay below 1% and "Beacon API p95 latency" below 400 ms. If either fails, the rollout aborts and traffic returns to the old version by itself.
5. Watch the canary in the Argo CD UI or with \`kubectl argo rollouts get rollout <service> -n beacon --watch\`.
6. When the rollout reports Healthy at 100%, post "done" in #deploys with the release tag.

## Rolling back

If something looks wrong after the rollout finished, do not wait for a monitor:

- Run the **Rollback** workflow in GitHub Actions with the service name. It reverts the image tag to the previous release and Argo CD syncs it within two minutes.
- In an emergency, \`kubectl argo rollouts undo <service> -n beacon\` is faster, but you must then run the Rollback workflow so Git matches the cluster, or Argo CD will roll your fix back.

Then say in #incidents what happened, even if no customer noticed.

## Model deploys

New ETA model versions are deployed the same way, by changing the pinned \`ETA_MODEL_VERSION\` for beacon-eta. The canary compares the fallback rate as well as errors.

## Change freeze

Production is frozen from December 19 to January 2 every year and during announced customer events. During a freeze only hotfixes approved by Leo Park ship.
`,
);

doc(
  "drive/Engineering/Platform/Runbooks/Rotate database credentials.md",
  "ana",
  "2026-01-06",
  `# Runbook: Rotate database credentials

Owner: Ana Souza (Platform). Applies to the \`beacon-prod\` and \`beacon-staging\` PostgreSQL databases on RDS.

We rotate every database password every 90 days, and immediately if a credential may have been exposed (a laptop was lost, a secret was pasted into Slack, someone with access left). The last scheduled rotation of production was on January 6, 2026; the next one is due on April 6, 2026.

## How credentials are stored

Each service has its own database user (\`svc_gateway\`, \`svc_tracker\`, \`svc_eta\`, \`svc_notify\`). Passwords live in AWS Secrets Manager under \`beacon/prod/db/<service>\`. Pods read them at start-up through the External Secrets operator, which refreshes the Kubernetes secret every hour. Humans never see the production passwords.

## Scheduled rotation

1. Announce it in #deploys the day before. Rotation is safe during a deploy window.
2. In the AWS console, open Secrets Manager, select \`beacon/prod/db/svc_gateway\` and choose **Rotate secret immediately**. The rotation Lambda uses the alternating-users strategy: it creates or updates the inactive twin user (\`svc_gateway_b\`), sets the new password and switches the secret to it. The old user keeps working until the next rotation.
3. Force the pods to pick up the new secret: \`kubectl rollout restart deployment/beacon-gateway -n beacon\`.
4. Check the service's Datadog dashboard for database connection errors for ten minutes.
5. Repeat for tracker, eta and notify, one service at a time.
6. Record the date in the rotation log at the bottom of this page.

## Emergency rotation

If a credential may be exposed, rotate that service first, then revoke the old twin user by hand: \`ALTER USER svc_gateway_a NOLOGIN;\`. Do this as the \`platform_admin\` role through the break-glass procedure in the On-call handbook. Tell Leo Park, because an exposed production credential is a security incident under the Security incident response plan.

## Rotation log

- 2026-01-06: production, all four services (Ana Souza)
- 2025-10-07: production, all four services (Ana Souza)
- 2025-07-08: production, all four services (Sam Rivera)
`,
);

doc(
  "drive/Engineering/Platform/Runbooks/Restore Postgres from backup.txt",
  "ana",
  "2025-12-05",
  `RUNBOOK: RESTORE POSTGRES FROM BACKUP
Owner: Ana Souza (Platform). Last tested in the restore drill on December 4, 2025.

WHEN TO USE THIS
  - Data was deleted or corrupted by a bug or a bad migration and must be recovered.
  - The production instance is lost and Multi-AZ failover did not bring it back.
  Do not use this for a slow database; that is a performance incident, not a restore.

WHAT BACKUPS EXIST
  - Automated RDS backups with point-in-time recovery, retained for 14 days.
  - A daily snapshot at 03:00 UTC, retained for 14 days.
  - A manual snapshot taken by the migration job before every schema migration, retained for
    30 days and named beacon-prod-pre-migration-<date>.

STEPS
  1. Declare an incident in #incidents and name yourself restore driver. Restores are always at
     least SEV-2.
  2. Pick the restore point: the last moment before the damage, in UTC. Write it in the incident
     channel.
  3. Restore to a NEW instance; never overwrite production:
       aws rds restore-db-instance-to-point-in-time \\
         --source-db-instance-identifier beacon-prod \\
         --target-db-instance-identifier beacon-prod-restore-<date> \\
         --restore-time <timestamp> --db-subnet-group-name beacon-prod-private
  4. Wait for the instance to be available (usually 20 to 30 minutes).
  5. If you only need some rows back, copy them from the restored instance with psql into
     production inside a transaction, and have a second engineer review the SQL.
  6. If production itself is lost, point the services at the restored instance by updating
     beacon/prod/db/host in Secrets Manager and restarting the deployments.
  7. Delete the restored instance when the incident is closed, unless the postmortem needs it.

RESTORE DRILL
  We practice a full restore every quarter on a copy of production.
  Last drill: December 4, 2025, restored to beacon-prod-restore-test. Total time 38 minutes
  from command to verified row counts. Previous drill: September 3, 2025, 44 minutes.
  Next drill: first week of March 2026.
`,
);

doc(
  "drive/Engineering/Platform/Infrastructure inventory.csv",
  "ana",
  "2026-01-20",
  csv([
    ["component", "kind", "environment", "region", "cluster_or_account", "owner", "tier", "monthly_cost_usd"],
    ["beacon-gateway", "service", "production", "us-west-2", "nw-prod-usw2", "Leo Park", "1", 1450],
    ["beacon-ingest", "service", "production", "us-west-2", "nw-prod-usw2", "Sam Rivera", "1", 1320],
    ["beacon-tracker", "service", "production", "us-west-2", "nw-prod-usw2", "Sam Rivera", "1", 1180],
    ["beacon-eta", "service", "production", "us-west-2", "nw-prod-usw2", "Sam Rivera", "1", 2240],
    ["beacon-notify", "service", "production", "us-west-2", "nw-prod-usw2", "Sam Rivera", "2", 640],
    ["beacon-dashboard", "service", "production", "us-west-2", "nw-prod-usw2", "Priya Nair", "2", 310],
    [
      "beacon-prod",
      "postgres (RDS, Multi-AZ)",
      "production",
      "us-west-2",
      "aws-prod",
      "Ana Souza",
      "1",
      3900,
    ],
    ["beacon-cache", "redis (ElastiCache)", "production", "us-west-2", "aws-prod", "Ana Souza", "1", 860],
    [
      "beacon-events",
      "kafka (MSK, 3 brokers)",
      "production",
      "us-west-2",
      "aws-prod",
      "Ana Souza",
      "1",
      1150,
    ],
    ["nw-prod-usw2", "eks cluster", "production", "us-west-2", "aws-prod", "Ana Souza", "1", 2100],
    ["nw-events-archive", "s3 bucket", "production", "us-west-2", "aws-prod", "Ana Souza", "3", 420],
    ["nw-models", "s3 bucket", "production", "us-west-2", "aws-prod", "Sam Rivera", "2", 35],
    ["nw-staging-usw2", "eks cluster", "staging", "us-west-2", "aws-staging", "Ana Souza", "3", 1250],
    ["beacon-staging", "postgres (RDS)", "staging", "us-west-2", "aws-staging", "Ana Souza", "3", 480],
    ["datadog", "saas", "all", "", "northwind", "Ana Souza", "1", 2600],
    ["pagerduty", "saas", "all", "", "northwind", "Leo Park", "1", 210],
    ["sentry", "saas", "all", "", "northwind", "Priya Nair", "2", 160],
    ["github", "saas", "all", "", "northwind", "Leo Park", "1", 380],
  ]),
);

doc(
  "drive/Engineering/Postmortems/2025-09-14 ETA service outage.pdf",
  "leo",
  "2025-09-19",
  `# Postmortem: ETA service outage, September 14, 2025

Severity: SEV-1. Incident lead: Sam Rivera. Author: Leo Park. Status: final, reviewed on September 19, 2025. Blameless format: we describe what the system and the process allowed, not who to blame.

## Summary

From 14:05 to 16:52 Pacific time on Sunday, September 14, 2025 (2 hours 47 minutes), beacon-eta could not produce predictions. Customers saw ETAs frozen at their last value, and no eta.updated webhooks were sent. 41 customers were affected; about 310,000 API requests returned stale ETAs. Tracking positions were correct throughout.

## Root cause

The weekly training job published a new model, eta-2025-09-14, trained with a new feature, dock_dwell_minutes. beacon-eta loaded whatever model the "latest" pointer in S3 named, without checking the model's feature schema. The running service computed the old feature vector, so every prediction raised an exception, and the pods went into a crash loop. The fallback to historical lane averages, which would have kept ETAs reasonable, was disabled in production by a configuration flag (ETA_FALLBACK_ENABLED=false) left over from a load test in June.

## Timeline (Pacific time)

- 13:58 The training job finishes and moves the "latest" pointer to eta-2025-09-14.
- 14:05 beacon-eta pods reload the model on their hourly refresh and start failing.
- 14:09 The Datadog monitor "ETA freshness above 5 minutes" fires and pages Priya Nair, the primary on-call.
- 14:19 No acknowledgement after 10 minutes; PagerDuty escalates to the secondary, Sam Rivera. (Priya's phone was on silent at a family event; the push notification did not break through.)
- 14:22 Sam acknowledges and opens #inc-2025-09-14. Priya joins at 14:26.
- 14:40 Sam and Priya connect the crash loop to the new model version.
- 14:55 A rollback of the beacon-eta deployment does not help, because the old code also reads "latest".
- 15:30 Ana Souza, called in, finds the fallback flag switched off in production.
- 15:41 Fallback enabled; ETAs start updating with historical averages.
- 16:10 The "latest" pointer is moved back to eta-2025-09-07, and pods are restarted.
- 16:52 All open shipments have fresh model ETAs; the webhook backlog is drained. Incident closed.

<!-- page -->

## Impact

- 41 of 61 customers had stale ETAs for up to 2 hours 47 minutes.
- About 310,000 API requests were served stale ETAs; no data was lost.
- Six enterprise customers with an availability SLA, including ACME Freight, received service credits totaling $6,200.
- Customer Success (Omar Haddad) handled 23 tickets and four calls the following Monday.

## What went well

- The freshness monitor fired within four minutes.
- Kafka's seven-day retention let beacon-eta recompute every missed ETA once it recovered.
- Customer communication went out on the status page at 14:35, within 30 minutes of impact.

## What went badly

- Model artifacts were deployed with none of the safety we apply to code: no pinning, no schema check, no canary.
- A production flag changed for a load test stayed changed for three months.
- The primary page took 13 minutes to acknowledge, and escalation to secondary waited the full 10 minutes.
- The first remediation (rolling back the deployment) wasted 15 minutes because nobody knew the model was loaded separately.

## Action items

| Action | Owner | Due | Status |
| Check the model feature schema in the training pipeline and at load time | Sam Rivera | 2025-09-30 | Done |
| Pin the model version in beacon-eta configuration; remove the "latest" pointer | Sam Rivera | 2025-10-15 | Done |
| Enable the fallback by default; alert when more than 2% of ETAs use it | Ana Souza | 2025-09-26 | Done |
| Canary new model versions like code deploys | Ana Souza | 2025-11-15 | Done |
| Audit production flags monthly; flags expire after 30 days unless renewed | Ana Souza | 2025-10-31 | Done |
| PagerDuty: phone call after 5 minutes, escalate SEV-1 pages after 5 minutes | Leo Park | 2025-09-22 | Done |
`,
);

doc(
  "drive/Engineering/Postmortems/2025-11-03 Webhook delivery delays.docx",
  "sam",
  "2025-11-07",
  `# Postmortem: Webhook delivery delays, November 3, 2025

Severity: SEV-2. Incident lead: Ana Souza. Author: Sam Rivera. Reviewed on November 7, 2025.

## Summary

On Monday, November 3, 2025, from 09:12 to 10:48 Pacific (96 minutes), webhooks from beacon-notify were delayed. The p95 delivery latency rose from about 3 seconds to 14 minutes. 18 customers received ETA and status webhooks late; none were lost. The API and dashboard were not affected.

## Root cause

One customer's webhook endpoint, belonging to Umbrella Logistics, started answering after 30 seconds or not at all following a change on their side. beacon-notify sends all deliveries through one shared pool of 32 workers with a 30-second timeout, and it retries failed deliveries in the same pool. Monday morning is our busiest time. Within minutes, most of the workers were waiting on Umbrella's endpoint, and deliveries to every other customer queued up behind them.

## Timeline (Pacific time)

- 09:05 Umbrella Logistics deploys a change to their receiving endpoint.
- 09:12 Delivery latency starts climbing.
- 09:31 The monitor "Webhook p95 latency above 60 s" pages Ana Souza (primary).
- 09:44 Ana finds most workers blocked on one host.
- 10:02 Umbrella's endpoint is paused in the admin tool; the queue starts draining.
- 10:48 Latency is back to normal; incident closed.
- 11:30 Omar Haddad contacts Umbrella, who fix their endpoint by 13:00. Their webhooks are resumed at 13:15.

## What we changed immediately

- The delivery timeout dropped from 30 seconds to 10 seconds.
- Each customer can use at most 4 workers at a time.
- A new monitor pages when a single customer's failure rate is above 50% for 5 minutes.

## What we will change

The shared pool is the real problem. RFC-017 (Webhooks v2) proposes per-customer queues, bounded retries with backoff, signed payloads and a delivery log in the dashboard. It was written by Sam Rivera and reviewed in November.

## Lessons

- Fair sharing between customers has to be designed in; a global pool is only fair when every customer is healthy.
- Our monitors looked at the average and missed the first 19 minutes of a skewed problem. We now alert on p95 per customer as well.
- Pausing a customer's endpoint worked well and should be in the on-call runbook. Added to the On-call handbook on November 10.
`,
);

doc(
  "drive/Engineering/On-call/On-call handbook.md",
  "leo",
  "2025-11-10",
  `# On-call handbook

Owner: Leo Park. Applies to everyone in the engineering on-call rotation. Updated November 10, 2025.

## The rotation

On-call is weekly and hands over on Mondays at 10:00 Pacific. Each week has a primary and a secondary. The rotation in Q1 2026 is Leo Park, Ana Souza, Sam Rivera and Priya Nair; new engineers join as secondary after six weeks and as primary after three months. The current schedule is in "On-call schedule Q1 2026" in this folder and in PagerDuty, which is the source of truth if they disagree.

Swaps are fine: arrange them with a teammate and update PagerDuty yourself. Tell #eng-oncall.

## Paging and response times

PagerDuty pages from the Datadog monitors attached to the "Beacon Production" service. The monitors that page are: API 5xx rate, API p95 latency, ETA freshness, Kafka consumer lag, webhook p95 latency (global and per customer), and RDS health.

| Severity | Meaning | Acknowledge within |
| SEV-1 | Customers cannot track shipments or get ETAs; data loss; security incident | 5 minutes, any hour |
| SEV-2 | A feature is degraded for many customers (for example late webhooks) | 15 minutes, any hour |
| SEV-3 | Degraded for a few customers, or a risk that is not yet an outage | Next business morning |

If the primary does not acknowledge a SEV-1 page within 5 minutes, PagerDuty calls them and escalates to the secondary. After another 10 minutes without acknowledgement it pages Leo Park as engineering lead.

## During an incident

1. Acknowledge, then open an incident channel named #inc-YYYY-MM-DD from the Slack shortcut.
2. Name an incident lead. For SEV-1 that is the most senior engineer available, who stops debugging and coordinates.
3. Post a status page update within 30 minutes for SEV-1 and SEV-2. Omar Haddad (Customer Success) contacts affected enterprise customers directly for SEV-1.
4. Mitigate first, investigate later: roll back, pause a misbehaving customer's webhooks, enable the ETA fallback.
5. When it is over, write the timeline in the channel while it is fresh.

Every SEV-1 and SEV-2 gets a blameless postmortem in Engineering > Postmortems within five business days.

## Production access

Day-to-day work never needs production shell access. For emergencies, the break-glass role \`platform_admin\` is granted for four hours through the \`#break-glass\` Slack workflow, which logs the reason and notifies Leo and Ana.

## Handover

At handover, the outgoing primary writes a short note in #eng-oncall: pages received, anything still open, anything odd. The incoming primary confirms they can receive a test page.

## Looking after yourself

On-call engineers receive a stipend of $400 per week on call. If you are paged between 22:00 and 07:00, take the next morning off without asking. If you are on call during a company holiday, you get a replacement day in the same month. If a week is rough, say so, and someone will take over.
`,
);

{
  const people = ["Leo Park", "Ana Souza", "Sam Rivera", "Priya Nair"];
  const rows: (string | number)[][] = [["week_start", "week_end", "primary", "secondary", "notes"]];
  const start = Date.UTC(2026, 0, 5); // Monday, January 5, 2026
  const notes: Record<number, string> = {
    2: "Mon Jan 19 is a holiday (MLK Day); handover Tue 10:00",
    6: "Mon Feb 16 is a holiday (Presidents' Day); handover Tue 10:00; pentest window (staging alerts expected)",
    5: "Pentest window starts Feb 9 (staging alerts expected)",
    7: "Pentest window ends Feb 27",
    8: "Restore drill this week (Ana)",
  };
  for (let w = 0; w < 13; w++) {
    const d0 = new Date(start + w * 7 * 86400000);
    const d1 = new Date(start + (w * 7 + 7) * 86400000);
    rows.push([
      d0.toISOString().slice(0, 10),
      d1.toISOString().slice(0, 10),
      people[w % 4]!,
      people[(w + 1) % 4]!,
      notes[w] ?? "",
    ]);
  }
  doc("drive/Engineering/On-call/On-call schedule Q1 2026.csv", "leo", "2025-12-29", csv(rows));
}

doc(
  "drive/Engineering/Career ladder.docx",
  "leo",
  "2025-07-15",
  `# Engineering career ladder

Owner: Leo Park. Applies to software and platform engineers. Version 3, July 2025.

## How to use this ladder

The ladder describes what engineers at each level usually do, so that expectations are clear and promotions are fair. It is not a checklist. You are promoted when you have been working at the next level consistently for about six months, as judged in the January or July review.

## Levels

### E1 - Software Engineer I

Delivers well-defined tasks with guidance. Writes tested code, asks for help early, and learns our systems and practices. Joins the on-call rotation as secondary.

### E2 - Software Engineer II

Owns features from design to production with light guidance. Breaks work into reviewable pieces, writes clear pull requests and reviews others' code carefully. Handles most pages as primary on-call.

### E3 - Senior Software Engineer

Owns a service or a significant part of one. Writes RFCs for changes that affect other people, leads incident response, and improves the team through mentoring and reviews. Anticipates operational problems before they page someone.

### E4 - Staff Engineer

Sets technical direction across several services or for the whole platform. Leads the work nobody owns yet: reliability, security, architecture. Multiplies the team's output through design reviews, standards and coaching. Trusted by leadership for technical judgment on company-level decisions.

### E5 - Principal Engineer

Shapes the company's technical strategy for years, not quarters. Recognized outside the company. We do not have anyone at E5 yet and do not expect to until the engineering team is much larger.

## Promotions

Your manager writes a promotion case with you, with examples of work at the next level. It is calibrated by Leo Park, Hana Kim and Maya Patel in the January or July review. Promotions take effect on April 1 (for the January cycle) or October 1 (for the July cycle).

## Pay

Each level has a salary band. The bands are set by the People team, reviewed every January against market data, and kept confidential; they are not published in this ladder or anywhere in the Engineering folder. If you want to know where you sit in your band, ask Hana Kim. A promotion always moves you into the next level's band.

## Platform engineers

Platform engineers use this same ladder. Operating production safely is the core of the job rather than an extra, so the E3 and E4 expectations around reliability count double in their reviews.
`,
);

doc(
  "drive/Engineering/Onboarding/Engineering onboarding checklist.txt",
  "sam",
  "2025-09-02",
  `ENGINEERING ONBOARDING CHECKLIST
Owner: Sam Rivera. Every new engineer gets an onboarding buddy who walks through this list with them.
Copy it into a Linear issue on day one and tick items off as you go.

DAY 1
  [ ] Finish the IT setup guide (laptop, hardware key, 1Password, Slack).
  [ ] Accept the GitHub invitation to the northwind organization; enable commit signing.
  [ ] Join #engineering, #deploys, #incidents, #eng-oncall and #eng-random.
  [ ] Meet your buddy and Leo Park (engineering lead).

WEEK 1
  [ ] Read the Beacon architecture overview and the ETA model design.
  [ ] Clone northwind/beacon and run "make dev"; it starts every service plus Postgres, Redis
      and Kafka in Docker. Ask in #engineering if it takes more than an hour.
  [ ] Connect to staging through Tailscale and open the staging dashboard.
  [ ] Ship a small pull request (a typo, a test, a log line). Merge it yourself after review.
  [ ] Read the code review guidelines on the engineering wiki.

WEEK 2
  [ ] Watch a production deploy with the person shipping it, then read the Deploy to production
      runbook.
  [ ] Read the two most recent postmortems and the On-call handbook.
  [ ] Pair with your buddy on a real ticket from the current cycle.
  [ ] Set up Datadog and Sentry accounts and find your team's dashboards.

FIRST 30 DAYS
  [ ] Ship a feature or fix that a customer will notice.
  [ ] Ship your first production deploy, with your buddy approving the release.
  [ ] Shadow the on-call primary for one week (you receive pages but are not expected to act).
  [ ] First 30-day check-in with Leo: what is confusing, what is slow, what would you change?

AFTER SIX WEEKS
  [ ] Join the on-call rotation as secondary.

AFTER THREE MONTHS
  [ ] Join the on-call rotation as primary.
  [ ] Write or substantially review an RFC.

If anything on this list is out of date, fix this document. It belongs to all of us.
`,
);

doc(
  "drive/Engineering/Wiki/Code review guidelines.html",
  "priya",
  "2025-08-11",
  `# Code review guidelines

How we review code at Northwind. Maintained by Priya Nair. Applies to every repository in the northwind GitHub organization.

## Why we review

Review is how we share knowledge, catch mistakes while they are cheap and keep the codebase consistent. It is not a gate to prove your worth. Reviewers and authors are on the same side.

## For authors

- Keep pull requests small: under 400 changed lines, excluding generated files and fixtures. Split bigger work into a stack of pull requests.
- Write a description that says what changed, why, and how you tested it. Link the Linear issue.
- Add or update tests. A bug fix comes with a test that fails without the fix.
- CI must be green before you request review.
- Self-review your diff before asking anyone else to read it.

## For reviewers

- Respond within one business day. If you cannot review properly, say so and suggest someone else.
- Label comments so the author knows what matters:
  - **blocking:** must be fixed before merge;
  - **suggestion:** worth considering, the author decides;
  - **nit:** style or taste, never blocks;
  - **question:** you want to understand, not necessarily change.
- Review the design first and the details second. If the approach is wrong, say so before commenting on names.
- Praise good work. A short "nice, this is much clearer" costs nothing.

## Approvals

| Change | Approvals needed |
| Most changes | 1 engineer other than the author |
| Database migrations | 2, including one platform engineer |
| Terraform and Kubernetes manifests | 2, including one platform engineer |
| Authentication, API keys, permissions | 2, including Leo Park |

## Merging

We squash-merge. The pull request title becomes the commit message, so make it a sentence that will make sense in a year. The author merges after approval, not the reviewer.

## Disagreements

If author and reviewer cannot agree after one round, talk for ten minutes instead of writing more comments. If you still disagree, ask a third engineer and go with their call.
`,
);

doc(
  "drive/Engineering/Security/Pentest 2026 scope.md",
  "leo",
  "2026-01-27",
  `# Penetration test 2026: scope and rules of engagement

Owner: Leo Park. Shared with Pat Guest (Partner Security) for the duration of the engagement. Agreed with Partner Security on January 27, 2026.

## Engagement

- Tester: Pat Guest, Partner Security LLC (guest@partner.test)
- Northwind contact: Leo Park (leo@northwind.test); backup Ana Souza (ana@northwind.test)
- Testing window: Monday, February 9 to Friday, February 27, 2026, between 08:00 and 18:00 Pacific on weekdays
- Type: grey-box. Pat gets API documentation, two test accounts and a short architecture walkthrough, but no source code.

## In scope

1. The public API on staging: https://api.staging.beacon.northwind.test, all endpoints under /v1 and /v2.
2. The dispatcher dashboard on staging: https://app.staging.beacon.northwind.test.
3. Webhook signing (Webhooks v2): signature verification, replay protection and secret rotation.
4. Authentication and authorization: API keys, dashboard single sign-on, and isolation between customer tenants. Cross-tenant access is the most important thing to test.
5. The ingest endpoints for GPS pings and carrier status messages on staging, including malformed and oversized payloads.

## Out of scope

- Anything in production. Production hostnames without "staging" must not be touched.
- Denial-of-service and load testing of any kind.
- Social engineering, phishing and physical access to the Portland office.
- Third-party services we use: AWS itself, Datadog, PagerDuty, GitHub, Google Workspace.
- The corporate Wi-Fi and employee laptops.

## Test accounts

Two staging tenants are prepared: \`pentest-acme-sim\` and \`pentest-globex-sim\`, each with an admin and a read-only user and about 500 synthetic shipments. Credentials are shared with Pat in a 1Password shared vault, never by email.

## Rules

- Stop and call Leo Park immediately (or Ana Souza if Leo does not answer within 15 minutes) if you find a critical issue, see real customer data, or believe you have affected production.
- Report critical and high findings within 24 hours to leo@northwind.test and security@northwind.test.
- Keep request rates under 50 requests per second per endpoint.
- Delete all data collected during the test within 30 days of the final report.

## Deliverables

- A short daily status message in the shared Slack channel #ext-partner-security.
- A draft report by Friday, March 6, 2026, and the final report by Friday, March 13, 2026, with each finding rated by CVSS 3.1 and a retest of fixed findings within 30 days.
`,
  [G.user("guest")],
);

doc(
  "drive/Engineering/Security/Security incident response plan.pdf",
  "leo",
  "2025-06-30",
  `# Security incident response plan

Owner: Leo Park. Approved by Maya Patel on June 30, 2025. Reviewed every year and after every security incident.

## Purpose and scope

This plan says what we do when the confidentiality, integrity or availability of customer data or of Northwind's systems may be compromised. It covers Beacon's production and staging environments, our corporate accounts (Google Workspace, GitHub, Slack, AWS) and employee devices. Ordinary outages are handled by the On-call handbook; an outage becomes a security incident when we suspect an attacker or a data exposure.

## Roles

- **Incident lead:** Leo Park; backup Ana Souza. Runs the response, decides on containment, keeps the timeline.
- **Communications lead:** Maya Patel. Approves every message to customers, and to regulators and the press if needed.
- **Legal counsel:** Harbor & Finch LLP, our outside counsel, engaged by Maya or Daniel Okafor.
- **Scribe:** anyone not hands-on; records actions and times in the incident channel.

## Severity

| Level | Examples | Response |
| Critical | Confirmed access to customer data; leaked production credentials in use; ransomware | All hands, immediately, around the clock |
| High | Suspected access to customer data; compromised employee account | Within 1 hour, around the clock |
| Medium | Malware on a laptop without data access; exposed staging credential | Same business day |
| Low | Phishing attempt reported and blocked; policy violation without exposure | Within 3 business days |

<!-- page -->

## Response steps

1. **Report.** Anyone who suspects an incident posts in #security-incident or emails security@northwind.test. When in doubt, report; false alarms are fine.
2. **Triage.** The incident lead sets a severity and opens a private incident channel.
3. **Contain.** Revoke credentials, isolate hosts, disable accounts, block IP addresses. Preserve evidence before wiping anything: snapshots of disks, exports of logs.
4. **Eradicate and recover.** Remove the cause, restore from known-good state, rotate every secret the attacker could have seen.
5. **Notify.** Our customer contracts require notice of a confirmed breach of customer data within 72 hours of confirmation. Maya decides on notices with counsel; Customer Success delivers them.
6. **Learn.** A postmortem within ten business days, shared with the whole engineering team and summarized at the next all-hands.

## Evidence

Logs are retained for 400 days in Datadog and S3. CloudTrail is enabled in every AWS account with log file validation. During an incident, nobody deletes logs, instances or accounts without the incident lead's approval.

## Exercises and testing

We run a tabletop exercise once a year; the last one, on May 21, 2025, simulated a leaked API key. An external firm performs a penetration test of Beacon every year in the first quarter, and findings rated high or critical must be fixed within 30 days.

## Contacts

security@northwind.test reaches Leo Park and Ana Souza. AWS Support is reached through the console (Business support plan). Harbor & Finch LLP's contact details are in the Leadership vault in 1Password.
`,
);

// ----- HR: policies are domain-wide; compensation is HR + the CEO; hiring is HR + leadership ------------------

doc(
  "drive/HR/Policies/Parental leave policy.docx",
  "hana",
  "2025-12-15",
  `# Parental leave policy

Owner: Hana Kim, Head of People. Effective January 1, 2026; replaces the 2023 policy. Applies to all Northwind Labs employees in the United States.

## Summary

Every new parent at Northwind gets **16 weeks of fully paid parental leave**, whether the child joins the family by birth, adoption or foster placement, and regardless of gender. Birthing parents also get up to 4 additional weeks of paid leave before the due date for pregnancy-related health needs.

## Who is eligible

You are eligible after 90 days of employment. Full-time employees receive the full 16 weeks; part-time employees receive leave in proportion to their scheduled hours. If both parents work at Northwind, each gets the full 16 weeks.

## How much and when

- 16 weeks at 100% of base salary, plus sales commission at the average of your previous two quarters.
- Take the leave within 12 months of the child's arrival.
- You can take it in one block or in up to two blocks, each at least 2 weeks long.
- Up to 4 additional paid weeks before the due date for birthing parents, if their doctor recommends it.
- After the leave, a 4-week phased return: you work an 80% schedule and are paid in full.

## State programs

Oregon employees apply for Paid Leave Oregon, and employees in other states apply for their state's program where one exists. Northwind tops up state benefits so that you receive 100% of your base salary during the 16 weeks. Hana helps with the paperwork; do not let the state forms stop you from taking leave.

## Benefits and your job

Health, dental and vision coverage continue on the same terms during leave. Equity keeps vesting. You return to the same role, or an equivalent one at the same level and pay. Leave does not affect your review rating or your eligibility for a merit increase or promotion.

## New family stipend

Each new parent receives a one-time $1,000 stipend, paid with the first payroll after the child's arrival, to spend however helps most.

## How to request leave

Tell Hana Kim and your manager at least 30 days before you plan to start, or as soon as you can if the timing is not in your control. Book the leave in BambooHR with the type "Parental leave". Your manager and Hana will agree a coverage plan with you, including who takes your on-call shifts or accounts.

## Questions

Ask Hana in person or at hana@northwind.test. Conversations about family plans are confidential.
`,
);

doc(
  "drive/HR/Policies/Paid time off policy.docx",
  "hana",
  "2025-12-15",
  `# Paid time off policy

Owner: Hana Kim. Effective January 1, 2026.

## Why we have this policy

We want everyone to take real breaks. We track time off so that teams can plan and so that nobody quietly goes a year without a vacation.

## Vacation and personal time (PTO)

- Full-time employees accrue **20 days of PTO per year**, at 1.67 days per month. People who join during the year accrue from their start date.
- You can carry over up to 5 unused days into the next year. Carried-over days must be used by March 31.
- We expect everyone to take at least 10 days a year, including one stretch of at least five consecutive working days. Managers check this at the July check-in.
- Unused PTO is paid out when you leave Northwind.

## Sick time

Sick time is separate from PTO: 10 paid days per year, available from your first day, for your own illness, medical appointments or caring for a sick family member. You do not need a doctor's note unless you are out for more than three consecutive days. Oregon's sick time rules are met or exceeded everywhere we employ people.

## Other paid leave

- Bereavement: up to 5 days for a close family member, 2 days for others.
- Jury duty and voting: paid, for as long as needed.
- Volunteer day: 1 day per year to volunteer for a cause you care about.
- Parental leave is covered by its own policy.
- Company holidays and the winter break are in the Holiday calendar and do not count as PTO.

## How to request time off

Request PTO in BambooHR. For absences longer than three days, ask at least two weeks in advance; for shorter ones, a few days' notice is enough. Your manager approves requests within two business days. Add the time to the shared "Out of office" calendar and set an email auto-reply.

Engineers on the on-call rotation arrange a swap before booking time off during their on-call week. Account executives make sure a colleague covers open deals.

## If you are unsure

If you need time off that does not fit these categories, talk to Hana. We would rather find a solution than have you use sick days for something else.
`,
);

doc(
  "drive/HR/Policies/Expense and travel policy.pdf",
  "daniel",
  "2025-10-01",
  `# Expense and travel policy

Owners: Daniel Okafor (CFO) and Hana Kim (People). Effective October 1, 2025.

## Principles

Spend Northwind's money as you would spend your own if you were careful and the trip mattered. Book early, choose reasonable options, and keep receipts. If something is not covered here, ask before you spend.

## Company cards and reimbursement

Everyone who travels or buys things for work gets a Ramp card. Use it for business expenses only. Upload a photo of the receipt in the Ramp app within 7 days; receipts are required for anything above $25. Expenses paid personally are reimbursed through Ramp if submitted within 30 days, and are paid with the next payroll.

## Approvals

- Up to $1,000: your manager approves in Ramp.
- Above $1,000: your manager and Daniel Okafor approve, before you commit to the spend.
- Software subscriptions of any amount: request in #it-help first, because of security review.

## Travel

- **Flights:** economy class for flights under 6 hours; premium economy is allowed for longer flights. Book at least 14 days ahead where possible.
- **Hotels:** up to $250 per night, or up to $350 per night in New York City, San Francisco and Boston.
- **Ground transport:** trains, rideshares or taxis. Rental cars only when they are the cheapest reasonable option.
- **Mileage:** reimbursed at the IRS rate for work trips in your own car, excluding your commute.

<!-- page -->

## Meals

- On travel days, meals are covered up to **$75 per day** in total, tips included. Alcohol is not reimbursed except at customer dinners.
- Customer meals are covered at a reasonable amount, up to $100 per person. Note who attended in Ramp.
- Team meals need your manager's approval in advance.

## Working from home

- A one-time home office stipend of $500 for a desk, chair, monitor or similar, in your first three months.
- $50 per month towards your internet connection, paid with payroll; no receipt needed.

## Not reimbursed

Personal entertainment, traffic or parking fines, upgrades to business class for short flights, minibar charges, gym fees while traveling, and expenses for a spouse or friend traveling with you.

## Mistakes and misuse

If you put a personal expense on your Ramp card by accident, tell Daniel and repay it through Ramp within 30 days. Deliberate misuse of company money is a serious breach of the Code of conduct.
`,
);

doc(
  "drive/HR/Policies/Remote work policy.md",
  "hana",
  "2025-11-03",
  `# Remote and hybrid work policy

Owner: Hana Kim. Effective November 3, 2025.

## Where we work

Northwind is a hybrid company. We have one office, in Portland, and about half of us live elsewhere in the United States. Both ways of working are first-class: nobody should be at a disadvantage because they are not in the room.

## Portland-area employees

If you live within 50 miles of the Portland office, we ask you to come in on our anchor days, Tuesday to Thursday. Monday and Friday are your choice. If you cannot come in on an anchor day, tell your team; there is no need to ask permission.

## Remote employees

Remote employees can live in any state where Northwind is registered as an employer: Oregon, Washington, California, Colorado, New York and Texas. Moving to another state requires approval from Hana at least 60 days in advance, because we have to register there first, and some states may not be possible.

Remote employees come to Portland for the spring offsite and for one more week of their choice each year. Travel is paid under the Expense and travel policy.

## Core hours

Everyone is available between 10:00 and 15:00 Pacific time on working days, for meetings and quick questions. Outside core hours, work when it suits you and your team, and do not expect instant replies.

## Working from abroad

You can work from outside the United States for up to 4 weeks per calendar year, with your manager's approval and Hana's confirmation at least two weeks in advance. Some countries are excluded for legal and security reasons; Hana keeps the list. Customer data must never be accessed from an excluded country.

## Equipment and security

Use your Northwind laptop, on a secure network. Public Wi-Fi is fine for general work but not for production access. Lock your screen and keep work out of sight of people you live with when you handle customer or employee data.

## Meetings

Every meeting has a video link, even if most people are in the office. If one person is remote, everyone joins from their own laptop with good audio. Decisions made in the office are written down in Slack or a document on the same day.
`,
);

doc(
  "drive/HR/Policies/Code of conduct.pdf",
  "hana",
  "2025-03-01",
  `# Code of conduct

Owner: Hana Kim. Approved by Maya Patel. Effective March 1, 2025. Applies to employees, contractors and anyone representing Northwind Labs.

## Our commitment

We want Northwind to be a place where people do their best work and are treated with respect. This code describes the behavior we expect from everyone, in the office, online, at customer sites and at company events.

## Respect and harassment

We do not tolerate harassment or discrimination based on race, color, religion, sex, gender identity or expression, sexual orientation, national origin, age, disability, veteran status or any other protected characteristic. Harassment includes unwelcome comments, jokes, images, physical contact and repeated unwanted attention. It does not matter whether it was meant as a joke.

## Honesty with customers and each other

Do not promise customers what we cannot deliver, and do not hide problems from them. Report mistakes quickly, including your own. Keep accurate records: expenses, time off, sales forecasts and financial data must be truthful.

## Confidential information

Customer shipment data, employee information, salaries and unpublished financial results are confidential. Share them only with people who need them for their work, and only through the systems designed for them. Your confidentiality obligations continue after you leave.

<!-- page -->

## Conflicts of interest

Tell Hana about any situation where your personal interests could conflict with Northwind's, such as a close relative working for a customer, competitor or vendor, or an investment in one. Most conflicts are easy to manage once they are known.

## Gifts and entertainment

You may accept gifts from customers or vendors worth up to $100 per year from each company. Anything more valuable is politely declined or handed to Hana. Never accept cash, and never offer anything of value to influence a customer's or official's decision.

## Speaking up

If you see something that breaks this code, tell your manager, Hana Kim or Maya Patel. If you prefer not to use your name, use the anonymous Speak Up form linked in the #people channel; it goes to Hana and to our outside counsel. We investigate every report promptly and fairly.

## No retaliation

Nobody will be punished for reporting a concern in good faith or for taking part in an investigation. Retaliation is itself a serious violation of this code.

## Consequences

Violations can lead to disciplinary action up to and including termination of employment or of a contract.
`,
);

doc(
  "drive/HR/Policies/Compensation philosophy.md",
  "hana",
  "2025-12-01",
  `# Compensation philosophy

Owner: Hana Kim. Approved by Maya Patel and Daniel Okafor on December 1, 2025.

This document explains how Northwind decides what to pay people. It does not contain the salary bands themselves, which are confidential to the People team and the CEO.

## What we aim for

- **Competitive.** We target the 65th percentile of base salary for companies of our stage and size, using Pave benchmark data for venture-backed companies with 10 to 50 employees.
- **Location-independent within the United States.** Everyone on the same level in the same role is paid from the same band, whether they live in Portland or in Texas.
- **Fair and explainable.** Two people doing the same job at the same level should be paid similarly. If you ask why you are paid what you are paid, you will get a real answer.

## Levels and bands

Every role has levels, and every level has a salary band with a minimum and a maximum. Bands are reviewed every January against the latest market data. New hires are usually offered a salary in the lower half of the band so that there is room to grow.

## Merit increases

Merit increases are decided in the January review, based on the review rating and where you sit in your band, and take effect in the January 15 payroll. Promotions move you into the next level's band, with an increase of at least 8%.

## Equity

Every employee receives stock options at hire, vesting over four years with a one-year cliff. Refresh grants are considered every January for people whose unvested equity has fallen below a quarter of their initial grant.

## Sales compensation

Sales roles have an on-target earnings (OTE) package: a base salary plus commission paid quarterly. The split for account executives is 50% base and 50% variable. Commission plans are set each year by Jordan Lee and Daniel Okafor.

## Transparency

We publish this philosophy and the level definitions. We do not publish individual salaries or the bands. We will revisit band transparency when the company is larger.
`,
);

doc(
  "drive/HR/Policies/Benefits summary 2026.pdf",
  "hana",
  "2025-11-20",
  `# Benefits summary 2026

Owner: Hana Kim. Covers the plan year January 1 to December 31, 2026. Open enrollment ran from November 3 to November 21, 2025. The plan documents are the final word; this is a summary.

## Health insurance

Medical coverage is through Cascadia Health with a choice of two plans: a PPO and an HMO. Northwind pays 100% of the premium for employees and 80% for spouses, partners and children. Dental (Delta Dental) and vision (VSP) are also 100% covered for employees and 80% for dependents. Coverage starts on your first day.

## Retirement

Northwind offers a 401(k) through Guideline. We match 100% of your contributions up to 4% of your salary, and the match vests immediately. You can enroll or change your contribution at any time.

## Life and disability

Life insurance worth two times your annual base salary, and short- and long-term disability insurance, are provided at no cost to you.

<!-- page -->

## Learning and wellbeing

- Learning budget: $1,500 per person per year for courses, books, conferences and certifications. Unused budget does not carry over.
- Wellness stipend: $100 per month for a gym, classes, therapy apps or sports equipment, paid with payroll.
- Employee assistance program: free, confidential counseling sessions through Lyra, up to 12 sessions per year for you and your family.

## Family

The Parental leave policy covers leave for new parents. Dependent care FSA contributions up to the federal limit are available through Gusto.

## Equipment and home office

New employees receive a laptop and a hardware security key. The home office stipend and the monthly internet allowance are described in the Expense and travel policy.

## Questions

Hana runs a benefits Q&A every November before open enrollment. Outside that, ask her directly or in #people. Cascadia Health's member services number is on your insurance card.
`,
);

doc(
  "drive/HR/Compensation/Compensation bands 2026.pdf",
  "hana",
  "2026-01-09",
  `# Compensation bands 2026

CONFIDENTIAL. Owner: Hana Kim. Shared only with the People team and the CEO. Approved by Maya Patel on January 9, 2026. Effective for offers and merit increases from January 1, 2026.

Bands are annual base salary in US dollars. They are set at roughly the 65th percentile of Pave data for venture-backed companies with 10 to 50 employees, with the same bands for every US location. See the Compensation philosophy for how bands are used.

## Engineering

These bands apply to software engineers and platform engineers alike; the career ladder in the Engineering folder defines the levels.

| Level | Title | Minimum | Midpoint | Maximum |
| E1 | Software Engineer I | $118,000 | $130,000 | $142,000 |
| E2 | Software Engineer II | $138,000 | $152,000 | $166,000 |
| E3 | Senior Software Engineer | $162,000 | $178,500 | $195,000 |
| E4 | Staff Engineer | $190,000 | $209,000 | $228,000 |
| E5 | Principal Engineer | $220,000 | $241,000 | $262,000 |

On-call engineers also receive the on-call stipend, which is not part of base salary. The engineering bands rose by 4% over 2025, compared with 3% for other teams, because the market for senior engineers in our benchmark moved faster.

## Design and product

| Level | Title | Minimum | Maximum |
| D2 | Product Designer | $132,000 | $160,000 |
| D3 | Senior Product Designer | $148,000 | $178,000 |

<!-- page -->

## Sales and customer success

Sales roles are paid on-target earnings (OTE), split between base salary and commission.

| Role | Base minimum | Base maximum | OTE minimum | OTE maximum |
| Account Executive | $100,000 | $120,000 | $200,000 | $240,000 |
| Head of Sales | $160,000 | $190,000 | $280,000 | $340,000 |
| Customer Success Manager (C2) | $100,000 | $122,000 | n/a | n/a |
| Support Engineer (S2) | $92,000 | $112,000 | n/a | n/a |

## General and administrative

| Role | Minimum | Maximum |
| Marketing Manager (M2) | $115,000 | $140,000 |
| Head of People (G4) | $150,000 | $182,000 |

Executive salaries (CEO and CFO) are set by the board's compensation committee and are not banded.

## Rules for using the bands

- Offers above the midpoint need approval from Hana Kim and Maya Patel.
- Nobody is paid below their band minimum; if the band moves above someone's salary, they are raised to the minimum in the next payroll.
- Someone at the band maximum receives merit increases as a one-time bonus instead of a base increase.
- Bands are never shared outside the People team and the CEO, including with managers. Managers get the range for a specific offer when they need it.
`,
);

{
  const rows: (string | number)[][] = [
    [
      "employee",
      "email",
      "department",
      "title",
      "level",
      "base_2025",
      "base_2026",
      "change_pct",
      "ote_2026",
      "effective_date",
    ],
  ];
  const s: [string, string, string, string, string, number, number, number | "", number | "", number | ""][] =
    [
      ["Maya Patel", "maya", "Leadership", "CEO & Co-founder", "exec", 225000, 235000, "", "", ""],
      ["Daniel Okafor", "daniel", "Finance", "CFO", "exec", 205000, 215000, "", "", ""],
      ["Hana Kim", "hana", "People", "Head of People", "G4", 160000, 168000, 150000, 182000, ""],
      ["Leo Park", "leo", "Engineering", "Staff Engineer", "E4", 204000, 214000, 190000, 228000, ""],
      ["Ana Souza", "ana", "Engineering", "Platform Engineer", "E3", 175000, 184000, 162000, 195000, ""],
      [
        "Sam Rivera",
        "sam",
        "Engineering",
        "Senior Software Engineer",
        "E3",
        170000,
        178000,
        162000,
        195000,
        "",
      ],
      ["Priya Nair", "priya", "Engineering", "Software Engineer", "E2", 145000, 152000, 138000, 166000, ""],
      ["Nina Alvarez", "nina", "Engineering", "Product Designer", "D2", 151000, 158000, 132000, 160000, ""],
      ["Jordan Lee", "jordan", "Sales", "Head of Sales", "Sales", 165000, 172000, 160000, 190000, 300000],
      [
        "Chloe Martin",
        "chloe",
        "Sales",
        "Account Executive",
        "Sales",
        104000,
        110000,
        100000,
        120000,
        220000,
      ],
      [
        "Omar Haddad",
        "omar",
        "Customer Success",
        "Customer Success Manager",
        "C2",
        106000,
        112000,
        100000,
        122000,
        "",
      ],
      ["Tom Becker", "tom", "Customer Success", "Support Engineer", "S2", 99000, 104000, 92000, 112000, ""],
      ["Grace Liu", "grace", "Marketing", "Marketing Manager", "M2", 122000, 128000, 115000, 140000, ""],
    ];
  for (const [name, user, dept, title, level, b25, b26, min, max, ote] of s) {
    const pct = (((b26 - b25) / b25) * 100).toFixed(1);
    if (min !== "" && max !== "" && (b26 < min || b26 > max)) throw new Error(`${name}: salary outside band`);
    rows.push([name, `${user}@${DOMAIN}`, dept, title, level, b25, b26, pct, ote, "2026-01-01"]);
  }
  doc("drive/HR/Compensation/Salaries 2026.csv", "maya", "2026-01-09", csv(rows), [G.user("hana", "writer")]);
}

doc(
  "drive/HR/Compensation/Performance reviews/2025 H2 review summary - Engineering.docx",
  "hana",
  "2026-01-30",
  `# 2025 H2 performance review summary: Engineering

CONFIDENTIAL. Prepared by Hana Kim. Calibration meeting held on January 22, 2026 with Leo Park, Hana Kim and Maya Patel. Individual reviews are in BambooHR; this is the calibrated summary for the record.

## Rating scale

Exceeds (consistently working above level), Strong (fully at level, with some work above it), Meets (at level), Developing (not yet at level in important areas).

## Results

| Person | Level | Rating | Outcome |
| Leo Park | E4 | Exceeds | Merit increase 4.9% |
| Ana Souza | E3 | Exceeds | Promotion to E4, Staff Platform Engineer, effective April 1, 2026 |
| Sam Rivera | E3 | Strong | Merit increase 4.7% |
| Priya Nair | E2 | Meets | Merit increase 4.8%; development plan agreed |
| Nina Alvarez | D2 | Strong | Merit increase 4.6% |

## Notes from calibration

**Leo Park.** Ran the September outage follow-up to completion and prepared the company for the SOC 2 Type II audit and the 2026 penetration test. Feedback: delegate more of the incident reviews so that others grow into them.

**Ana Souza.** The strongest half-year anyone on the team has had. She found the disabled fallback during the September incident, built model canaries and the flag audit, led the November webhook incident, cut restore-drill time to 38 minutes and wrote RFC-015. Calibration agreed unanimously that she has been working at Staff level since the summer. Her promotion to E4 takes effect on April 1, 2026 with a new base salary of $199,000 (an 8.2% increase), inside the E4 band.

**Sam Rivera.** Shipped the Kafka migration and wrote RFC-017. Excellent technical judgment. Feedback: share work earlier; two projects were nearly done before anyone could review the approach.

**Priya Nair.** Delivered the new dispatcher dashboard on time and to very good customer feedback. The slow acknowledgement during the September incident was discussed and is treated as a process failure, which has been fixed, not a personal one. Development plan: lead one production deploy per week and be incident lead for at least one SEV-2 in H1, with Leo as coach.

**Nina Alvarez.** Redesigned the ETA window display, which reduced support tickets about "wrong" ETAs. Ready to be considered for D3 in the July cycle.

## Next steps

Managers deliver reviews by February 6. Ana's promotion is announced at the March all-hands, after she has been told and agreed on timing. Nobody should discuss ratings outside this group before then.
`,
);

doc(
  "drive/HR/Hiring/Hiring plan 2026.docx",
  "hana",
  "2026-01-12",
  `# Hiring plan 2026

Owner: Hana Kim. Shared with the leadership team. To be approved with the 2026 budget at the board meeting on January 23, 2026.

## Summary

We plan to hire five people in 2026, taking Northwind from 13 to 18 employees by the end of the year. The roles follow directly from the company OKRs: reliability and ETA accuracy in engineering, and growth in sales and customer success.

## Roles

| Role | Team | Level | Target start | Hiring manager |
| Senior Backend Engineer | Engineering | E3 | April 2026 | Leo Park |
| Platform / Site Reliability Engineer | Engineering (Platform) | E3 | June 2026 | Ana Souza |
| Account Executive | Sales | AE | June 2026 | Jordan Lee |
| Customer Success Manager | Customer Success | C2 | September 2026 | Jordan Lee |
| Data Scientist, ETA | Engineering | E3 | September 2026 | Sam Rivera |

Offers are made within the 2026 compensation bands held by the People team. Hiring managers receive the approved range for their role when the role opens.

## Why these roles

- **Senior Backend Engineer:** Webhooks v2 and the EDI integrations compete for the same two backend engineers.
- **Platform / SRE:** multi-region failover (RFC-015), the SOC 2 Type II audit and a growing on-call load.
- **Account Executive:** the 2026 new-business target cannot be reached by one account executive.
- **Customer Success Manager:** Omar Haddad manages 63 customers alone.
- **Data Scientist:** the 2026 goal of a p50 ETA error below 9 minutes needs someone working on the model full time.

## Process

Every role follows the same process: a 30-minute call with Hana, a call with the hiring manager, a practical exercise (a take-home of no more than three hours, or a live working session), a team interview loop and a conversation with Maya. We aim to make offers within 10 business days of the first call and to close each role within 75 days of opening it.

## Budget

The recruiting budget for the year is $96,000: job boards, a recruiting agency (Talentbridge, 18% fee, used only for the Account Executive role) and referral bonuses of $3,000 per hire, paid after 90 days. Salary costs are in the 2026 budget under each department.

## Diversity

Every shortlist includes at least two candidates from groups under-represented in their field. Job descriptions are reviewed for biased language before posting, and every interviewer completes structured-interview training.
`,
);

// ----- Finance (group finance + the CEO; the board folder adds leadership) ------------------------------------

interface Quarter {
  q: 1 | 2 | 3 | 4;
  subscription: number;
  services: number;
  cogs: number;
  rnd: number;
  snm: number;
  gna: number;
  arr: number;
  customers: number;
  cash: number;
}
const QUARTERS: Quarter[] = [
  {
    q: 1,
    subscription: 742600,
    services: 38600,
    cogs: 187500,
    rnd: 489000,
    snm: 301200,
    gna: 222200,
    arr: 3240000,
    customers: 54,
    cash: 6850000,
  },
  {
    q: 2,
    subscription: 801300,
    services: 45600,
    cogs: 198200,
    rnd: 498700,
    snm: 309800,
    gna: 223400,
    arr: 3480000,
    customers: 58,
    cash: 6420000,
  },
  {
    q: 3,
    subscription: 861900,
    services: 50500,
    cogs: 206900,
    rnd: 512600,
    snm: 318400,
    gna: 227300,
    arr: 3760000,
    customers: 61,
    cash: 6030000,
  },
  {
    q: 4,
    subscription: 921800,
    services: 46500,
    cogs: 214100,
    rnd: 526900,
    snm: 331500,
    gna: 231200,
    arr: 4020000,
    customers: 63,
    cash: 5660000,
  },
];
const revenue = (q: Quarter): number => q.subscription + q.services;
const opex = (q: Quarter): number => q.rnd + q.snm + q.gna;
const pct = (n: number, digits = 1): string => `${(n * 100).toFixed(digits)}%`;
const FY2025_REVENUE = QUARTERS.reduce((s, q) => s + revenue(q), 0);
const FY2024_REVENUE = 2490000;

/** The quarter's income statement. Only this quarter's figures: each quarter's revenue is stated in one file. */
function pnlTable(q: Quarter): string {
  const rev = revenue(q);
  const gp = rev - q.cogs;
  const rows: [string, number][] = [
    ["Subscription revenue", q.subscription],
    ["Services revenue", q.services],
    ["Total revenue", rev],
    ["Cost of revenue", q.cogs],
    ["Gross profit", gp],
    ["Research and development", q.rnd],
    ["Sales and marketing", q.snm],
    ["General and administrative", q.gna],
    ["Total operating expenses", opex(q)],
    ["Operating loss", gp - opex(q)],
  ];
  const fmt = (n: number): string => (n < 0 ? `(${usd(-n)})` : usd(n));
  return [
    `| Line | Q${q.q} 2025 | % of revenue |`,
    ...rows.map(([l, a]) => `| ${l} | ${fmt(a)} | ${pct(Math.abs(a) / rev)} |`),
  ].join("\n");
}

function quarterReport(q: Quarter, narrative: string): string {
  const prev = QUARTERS[q.q - 2];
  const rev = revenue(q);
  const gm = (rev - q.cogs) / rev;
  const growth = prev
    ? ` (${rev >= revenue(prev) ? "up" : "down"} ${pct(rev / revenue(prev) - 1)} on Q${prev.q})`
    : "";
  return `# Q${q.q} 2025 financial report

CONFIDENTIAL - Finance. Prepared by Daniel Okafor, CFO, for the leadership team and the board. Figures are unaudited and in US dollars.

## Highlights

- Total revenue for Q${q.q} 2025 was ${usd(rev)}${growth}.
- Gross margin was ${pct(gm)}.
- Annual recurring revenue (ARR) at the end of the quarter was ${usd(q.arr)}.
- Customers at the end of the quarter: ${q.customers}.
- Cash and equivalents at the end of the quarter: ${usd(q.cash)}.

## Income statement

${pnlTable(q)}

${narrative}
`;
}

doc(
  "drive/Finance/Reports/Q1 2025 financial report.pdf",
  "daniel",
  "2025-04-18",
  quarterReport(
    QUARTERS[0]!,
    `## Commentary

Revenue grew steadily from the fourth quarter of 2024. We added four customers in the quarter (Blue Ridge Produce, Summit Parcel, Lakeshore Home Goods and Redwood Carriers) and lost none. Services revenue comes from onboarding and integration fees, which we charge to new Enterprise customers.

Operating expenses were in line with the budget. Research and development is our largest cost, almost entirely salaries. Sales and marketing includes the Manifest logistics conference in Las Vegas in February. General and administrative costs include the SOC 2 Type I readiness work.

## Cash

Cash decreased by about $430,000 in the quarter, slightly more than the operating loss, because several annual renewals are billed in the second quarter. At the current rate of spending our runway is well over three years.

## Outlook for Q2

We expect revenue growth of 7 to 9 percent. The Kafka migration (RFC-012) adds about $750 per month to hosting costs from the third quarter, net of the Redis savings.`,
  ),
);

doc(
  "drive/Finance/Reports/Q2 2025 financial report.pdf",
  "daniel",
  "2025-07-17",
  quarterReport(
    QUARTERS[1]!,
    `## Commentary

The second quarter was our strongest quarter for new business so far: five new customers (Umbrella Logistics, Northstar Beverage, Meridian Furniture, Copperline Foods and Tidewater Freight). Alpine Courier left after being acquired by a national carrier that uses its own tracking system, so the net gain was four customers.

Services revenue rose with the number of Enterprise onboardings. Gross margin improved slightly as hosting costs grew more slowly than revenue.

## Operating expenses

Expenses grew by about 2 percent over the first quarter, mainly from annual salary adjustments for two people and the SOC 2 Type I audit fieldwork. We remain below the annual budget in every department.

## Cash

Cash decreased by about $430,000. Annual renewals billed in the quarter arrive in July and August under net-45 terms.

## Outlook for Q3

We expect revenue of about $900,000 to $920,000 for the third quarter, with three new customers expected to sign. The Kafka migration cuts over in August.`,
  ),
);

doc(
  "drive/Finance/Reports/Q3 2025 financial report.pdf",
  "daniel",
  "2025-10-16",
  quarterReport(
    QUARTERS[2]!,
    `## Revenue

Q3 2025 revenue of ${usd(revenue(QUARTERS[2]!))} is our highest quarterly revenue so far. Subscription revenue was ${usd(QUARTERS[2]!.subscription)} and services revenue ${usd(QUARTERS[2]!.services)}. Subscription revenue is shown after $6,200 of service credits issued to six Enterprise customers for the September 14 ETA outage, which we record as a reduction of revenue rather than as an expense.

We signed three new customers: Cascade Grocers (our first grocery chain with more than 40 stores), Pinecrest Outfitters and Harbor Line Transport. No customers left. Net revenue retention over the last twelve months was 112%.

Our largest customer remains ACME Freight at $150,000 of ARR, or 4.0% of total ARR. Its contract ends on February 28, 2026, and renewal talks start in November.

<!-- page -->

## Costs

Cost of revenue rose by $8,700, mainly because Kafka (MSK) replaced Redis Streams in August. Gross margin still improved, to ${pct((revenue(QUARTERS[2]!) - QUARTERS[2]!.cogs) / revenue(QUARTERS[2]!))}.

Operating expenses grew 2.6% over the second quarter. Research and development includes two weeks of contractor support for the Kafka cutover. Sales and marketing includes the Cascade Grocers case study and the FreightTech Northwest conference in Seattle.

## Cash and runway

Cash and equivalents fell by about $390,000 to ${usd(QUARTERS[2]!.cash)}. Average net burn in the quarter was about $130,000 per month, below the $150,000 we budgeted. At that rate we have more than three years of runway, so we are under no pressure to raise money before the second half of 2026.

## Risks

- Customer concentration: our five largest customers are 17% of ARR.
- The September outage raised reliability concerns at ACME Freight and two other Enterprise customers ahead of their renewals.
- Hosting costs will rise by about $4,800 per month if the multi-region standby is approved.

## Outlook for Q4

We expect fourth-quarter revenue growth of 5 to 7 percent, with three new customers, and full-year revenue of about $3.5 million.`,
  ),
);

doc(
  "drive/Finance/Reports/Q4 2025 financial report.docx",
  "daniel",
  "2026-01-20",
  quarterReport(
    QUARTERS[3]!,
    `## Full year 2025

Revenue for the full year 2025 was ${usd(FY2025_REVENUE)}, an increase of ${pct(FY2025_REVENUE / FY2024_REVENUE - 1, 0)} over 2024 (${usd(FY2024_REVENUE)}). Gross margin for the year was ${pct(QUARTERS.reduce((s, q) => s + revenue(q) - q.cogs, 0) / FY2025_REVENUE)}, and the operating loss was ${usd(-QUARTERS.reduce((s, q) => s + revenue(q) - q.cogs - opex(q), 0))}. ARR grew from $2.95 million to ${usd(QUARTERS[3]!.arr)}, and we ended the year with ${QUARTERS[3]!.customers} customers.

## Fourth quarter

We signed three new customers (Silverpine Pharmacy, Orchard Supply and Keystone Building Materials) and lost one, Granite Express, which closed its business in November. Operating expenses rose with the holiday party, the annual Datadog renewal and a full quarter of higher Kafka hosting costs. Average net burn was about $123,000 per month.

## Cash

We ended 2025 with ${usd(QUARTERS[3]!.cash)} in cash and no debt.

## 2026

The 2026 budget is in this folder and goes to the board on January 23. The audit of the 2025 financial statements, our first, is scheduled for fieldwork in March 2026.`,
  ),
);

interface BudgetLine {
  section: "Revenue" | "Cost of revenue" | "R&D" | "Sales & marketing" | "G&A";
  line: string;
  q: [number, number, number, number];
}
const BUDGET: BudgetLine[] = [
  { section: "Revenue", line: "Subscription", q: [1085000, 1165000, 1255000, 1345000] },
  { section: "Revenue", line: "Services (onboarding and integrations)", q: [12500, 12500, 12500, 12500] },
  { section: "Cost of revenue", line: "AWS hosting (production)", q: [74000, 77000, 83000, 86000] },
  { section: "Cost of revenue", line: "Multi-region standby (RFC-015)", q: [0, 14400, 14400, 14400] },
  {
    section: "Cost of revenue",
    line: "Third-party data (telematics, weather)",
    q: [24000, 24000, 24000, 24000],
  },
  { section: "Cost of revenue", line: "Monitoring and paging tools", q: [9500, 9500, 9500, 9500] },
  {
    section: "Cost of revenue",
    line: "Support and customer success payroll",
    q: [88000, 88000, 88000, 118000],
  },
  { section: "Cost of revenue", line: "Payment processing and other", q: [6000, 6000, 6000, 6000] },
  { section: "R&D", line: "Payroll and benefits (incl. 3 new hires)", q: [495000, 560000, 625000, 680000] },
  { section: "R&D", line: "Software and tools", q: [14000, 14000, 14000, 14000] },
  { section: "R&D", line: "Staging and development cloud", q: [6500, 6500, 6500, 6500] },
  { section: "R&D", line: "Penetration test and security testing", q: [38000, 0, 0, 0] },
  {
    section: "Sales & marketing",
    line: "Payroll, commission and benefits (incl. 1 new AE)",
    q: [268000, 275000, 325000, 335000],
  },
  { section: "Sales & marketing", line: "Programs and events", q: [45000, 38000, 42000, 60000] },
  { section: "Sales & marketing", line: "Travel", q: [16000, 16000, 16000, 16000] },
  { section: "Sales & marketing", line: "CRM and marketing tools", q: [11000, 11000, 11000, 11000] },
  { section: "G&A", line: "Payroll and benefits", q: [172000, 172000, 172000, 172000] },
  { section: "G&A", line: "Office rent (Portland)", q: [27000, 27000, 27000, 27000] },
  { section: "G&A", line: "Legal, accounting and 2025 audit", q: [62000, 24000, 24000, 24000] },
  { section: "G&A", line: "SOC 2 Type II audit", q: [0, 0, 45000, 0] },
  { section: "G&A", line: "Recruiting (agency, job boards, referrals)", q: [30000, 30000, 24000, 12000] },
  { section: "G&A", line: "Insurance", q: [9500, 9500, 9500, 9500] },
  { section: "G&A", line: "Other", q: [8000, 8000, 8000, 8000] },
];
const sumQ = (lines: BudgetLine[], i: number): number => lines.reduce((s, l) => s + l.q[i]!, 0);
const BUDGET_REVENUE = [0, 1, 2, 3].map((i) =>
  sumQ(
    BUDGET.filter((l) => l.section === "Revenue"),
    i,
  ),
);
const BUDGET_COST = [0, 1, 2, 3].map((i) =>
  sumQ(
    BUDGET.filter((l) => l.section !== "Revenue"),
    i,
  ),
);
const BUDGET_NET = BUDGET_REVENUE.map((r, i) => r - BUDGET_COST[i]!);
const total = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);

{
  const rows: (string | number)[][] = [
    ["section", "line", "q1_2026", "q2_2026", "q3_2026", "q4_2026", "fy_2026"],
  ];
  for (const l of BUDGET) rows.push([l.section, l.line, ...l.q, total(l.q)]);
  rows.push(["Total", "Total revenue", ...BUDGET_REVENUE, total(BUDGET_REVENUE)]);
  rows.push(["Total", "Total costs and expenses", ...BUDGET_COST, total(BUDGET_COST)]);
  rows.push(["Total", "Operating income (loss)", ...BUDGET_NET, total(BUDGET_NET)]);
  rows.push(["Total", "Headcount at quarter end", 13, 16, 18, 18, 18]);
  doc("drive/Finance/Budget 2026.csv", "daniel", "2026-01-16", csv(rows), [G.group("leadership")]);
}

doc(
  "drive/Finance/Board/Board deck notes - January 2026.md",
  "daniel",
  "2026-01-26",
  `# Board meeting notes - January 23, 2026

Prepared by Daniel Okafor from the board deck and the meeting. Attendees: Maya Patel, Daniel Okafor, Jordan Lee (for the sales section), Erin Walsh (Ridgeline Ventures), Marcus Obi (independent director). Shared with the leadership team.

## 2025 results

- Revenue of $${(FY2025_REVENUE / 1e6).toFixed(2)} million for the year, up ${pct(FY2025_REVENUE / FY2024_REVENUE - 1, 0)} on 2024.
- ARR of $4.02 million at December 31, with 63 customers and net revenue retention of 112%.
- Gross margin of 77% for the year; operating loss of $1.49 million.
- $5.66 million of cash at year end, no debt. Net burn averaged about $123,000 per month in the fourth quarter.

The board asked about the September outage. Maya walked through the postmortem and the follow-up work; Erin asked for a short reliability section in every board deck from now on.

## Customers

Jordan reported that ACME Freight, our largest customer, signed a three-year renewal on January 16. Globex and Initech are the largest new opportunities in the first-quarter pipeline. The board asked for a view of customer concentration every quarter.

## 2026 plan and budget

The board approved the 2026 budget:

- Revenue of $${(total(BUDGET_REVENUE) / 1e6).toFixed(1)} million and ARR of $5.6 million by year end.
- Headcount from 13 to 18 (five hires, see the hiring plan).
- Operating loss of about $${(-total(BUDGET_NET) / 1e6).toFixed(2)} million, or about $${Math.round(-total(BUDGET_NET) / 12 / 1000)},000 per month, against the OKR ceiling of $150,000.
- Multi-region standby included from the second quarter, subject to the engineering decision in February.

## Financing

Management does not plan to raise money in the first half of 2026. The board asked Maya and Daniel to come back in June with a financing plan and options for timing.

## Other decisions

- Approved an increase of the employee option pool by 400,000 shares.
- Approved the engagement of Kettle & Crane LLP for the audit of the 2025 financial statements.
- Next meeting: Thursday, April 23, 2026.
`,
);

doc(
  "drive/Finance/Month-end close checklist.txt",
  "daniel",
  "2025-05-12",
  `MONTH-END CLOSE CHECKLIST
Owner: Daniel Okafor. The books for a month are closed by the 8th business day of the next month.

BUSINESS DAY 1
  [ ] Download bank statements (First Republic Pacific operating and money market accounts).
  [ ] Import Stripe payouts and fees; match payouts to bank deposits.
  [ ] Lock Ramp for the month; chase missing receipts in #finance (anything above $25).

BUSINESS DAYS 2-3
  [ ] Reconcile all bank and card accounts in QuickBooks Online. Differences above $50 must be
      explained before moving on.
  [ ] Record payroll journals from the two Gusto payroll runs, split by department using the
      headcount mapping sheet.
  [ ] Record the on-call stipends and commissions accrued but not yet paid.

BUSINESS DAYS 4-5
  [ ] Update the deferred revenue schedule: new annual invoices, monthly recognition, and any
      service credits (recorded as a reduction of revenue, never as an expense).
  [ ] Accrue unbilled hosting costs (AWS bills arrive around the 3rd) and any vendor invoices
      not yet received.
  [ ] Amortize prepaid expenses (insurance, annual software subscriptions).

BUSINESS DAYS 6-7
  [ ] Flux analysis: explain every income statement line that moved by more than 10% AND more than
      $5,000 compared with the previous month.
  [ ] Update the ARR and customer count in the metrics sheet; check them against HubSpot with Jordan.
  [ ] Review accounts receivable aging; anything over 60 days goes to Jordan and the account owner.

BUSINESS DAY 8
  [ ] Close the period in QuickBooks Online.
  [ ] Send the monthly package (income statement, balance sheet, cash, ARR, burn) to Maya.
  [ ] Quarter-ends only: draft the quarterly financial report in Finance > Reports within three
      weeks of quarter end.

NOTES
  - Never change a closed period without Daniel's approval and a note in the close log.
  - Keep supporting documents in Finance > Close > YYYY-MM (created each month).
`,
);

// ----- Sales (group sales; the ACME folder adds the CFO) --------------------------------------------------------

doc(
  "drive/Sales/Sales playbook.docx",
  "jordan",
  "2025-09-15",
  `# Sales playbook

Owner: Jordan Lee, Head of Sales. For everyone who talks to prospects: account executives, Customer Success, and the engineers who join technical calls.

## Who we sell to

Our ideal customers are regional carriers with 50 to 1,000 trucks, and shippers (grocery chains, retailers, distributors) that send at least 20,000 shipments a month through several carriers. They usually have a dispatch team that spends hours a day answering "where is my delivery?" and a customer who has started asking for live ETAs. They are a poor fit if they run only a few dozen shipments a day or want ocean freight tracking.

## The buyers

- **Economic buyer:** usually the VP or Director of Operations. Cares about dispatcher time, on-time performance and customer complaints.
- **Technical buyer:** IT or the TMS owner. Cares about integration effort, security and reliability.
- **Users:** dispatchers and customer service agents. Win them in the trial and they sell for you.

## Stages and exit criteria

1. **Discovery.** We understand the pain in their words, the number of shipments and carriers, and who decides. Exit: a quantified problem and a named economic buyer.
2. **Technical validation.** A two-week trial on their own data, usually through a telematics connector. Exit: the technical buyer agrees Beacon works with their systems, and ETA accuracy on their lanes is measured.
3. **Proposal.** A written proposal from the templates on the SharePoint Sales site, with pricing from the current price list. Exit: the economic buyer has the proposal and a decision date.
4. **Negotiation.** Legal, security review and final commercial terms. Discounts and non-standard terms follow the approval rules in the Pricing document; do not promise anything outside them, even verbally.
5. **Closed won or closed lost.** Record the reason in HubSpot either way.

## Qualification

We use MEDDICC: metrics, economic buyer, decision criteria, decision process, identified pain, champion and competition. A deal cannot move past Technical validation without a champion and a metric.

## HubSpot hygiene

Every deal has an owner, a stage, an amount in ARR, a close date and a next step with a date. Update deals by Friday at noon; the forecast call is Monday at 09:00 Pacific.

## Demos

Follow the demo script on the Sales site. Show their lanes if you can, and always show the ETA window, not just the point ETA. Engineering joins technical calls when asked at least two days in advance in #sales-eng.

## Handoff to Customer Success

When a deal closes, the account executive writes a handoff note in HubSpot within two business days: who the champion is, what they expect in the first 90 days, and every commitment made during the sale. Omar Haddad runs the kickoff call. Commitments that are not in the handoff note do not exist for the rest of the company, so write them down.

## Competition

Our main competitors are RouteWise and the tracking modules built into large TMS products. The battlecard on the Sales site has the talk tracks.
`,
);

doc(
  "drive/Sales/Pricing 2026.pdf",
  "jordan",
  "2025-12-10",
  `# Beacon pricing 2026

Owner: Jordan Lee. Approved by Daniel Okafor on December 10, 2025. Effective for new contracts and renewals signed from January 1, 2026. Internal: do not send this document to prospects; use the proposal templates.

## Plans

| Plan | Price | Shipments included per month | Highlights |
| Starter | $1,500 per month | 5,000 | API and dashboard, email support |
| Growth | $6,000 per month | 40,000 | Webhooks, one connector, business-hours chat support |
| Enterprise | from $12,500 per month | from 75,000 | SSO, 99.9% availability SLA, named CSM, 24/7 support for SEV-1 |

Shipments above the included volume cost $0.12 each on every plan. A shipment is counted once, however many updates it receives.

## Enterprise volume tiers

| Shipments per month | List price per month | List price per year |
| up to 75,000 | $12,500 | $150,000 |
| up to 120,000 | $16,850 | $202,200 |
| up to 200,000 | $24,000 | $288,000 |
| above 200,000 | custom | custom |

## Add-ons

- Additional TMS or telematics connector: $1,500 per month.
- EDI integration package (EDI 214 and 990 messages): $2,000 per month; Enterprise only.
- Implementation fee: $5,000 for Growth; $10,000 to $25,000 for Enterprise depending on integrations.

<!-- page -->

## Billing terms

- Starter and Growth can be billed monthly or annually. Annual prepayment earns a 10% discount.
- Enterprise is billed annually in advance.
- Standard payment terms are net 30.
- Multi-year contracts include a 5% list price increase each year unless a price lock is approved.

## Discount authority

Discounts are measured against list price for the whole contract value.

- **Account executives** may discount up to **10%** without approval.
- **Head of Sales** (Jordan Lee) approves discounts above 10% and up to 20%.
- **CFO** (Daniel Okafor) approves discounts above 20% and anything non-standard: multi-year price locks, an SLA above 99.9%, payment terms longer than net 30, service credits beyond the standard schedule, and any contractual commitment to deliver a feature by a date.

Ask for approval in the #deal-desk channel with the HubSpot deal link, the proposed terms and what we get in return. A discount should always buy something: a longer term, a case study, a reference, faster signature or prepayment.

## Service level agreement

The standard Enterprise SLA is 99.9% monthly availability of the public API. Each 0.1% below the target earns a service credit of 10% of that month's fee, capped at 30%. Credits are the customer's only remedy for downtime.

## Price changes

We review list prices once a year, in December. Existing customers keep their price until renewal.
`,
);

doc(
  "drive/Sales/Pipeline Q1 2026.csv",
  "jordan",
  "2026-02-02",
  csv([
    ["deal", "account", "owner", "stage", "arr_usd", "close_date", "probability_pct", "next_step", "source"],
    [
      "ACME Freight renewal 2026",
      "ACME Freight",
      "Chloe Martin",
      "Closed won",
      186000,
      "2026-01-16",
      100,
      "EDI 214 project kickoff with Engineering",
      "Renewal",
    ],
    [
      "Globex new business",
      "Globex Logistics",
      "Chloe Martin",
      "Proposal",
      90000,
      "2026-02-13",
      50,
      "Proposal review call Feb 3",
      "Inbound",
    ],
    [
      "Initech RFP",
      "Initech Retail",
      "Jordan Lee",
      "Negotiation",
      138000,
      "2026-03-20",
      60,
      "Security questionnaire follow-up",
      "RFP",
    ],
    [
      "Cascade Grocers expansion",
      "Cascade Grocers",
      "Chloe Martin",
      "Technical validation",
      36000,
      "2026-03-31",
      40,
      "Trial on 12 new stores",
      "Expansion",
    ],
    [
      "Tidewater Freight renewal",
      "Tidewater Freight",
      "Jordan Lee",
      "Negotiation",
      64000,
      "2026-03-31",
      80,
      "Send renewal order form",
      "Renewal",
    ],
    [
      "Blue Ridge Produce renewal",
      "Blue Ridge Produce",
      "Jordan Lee",
      "Negotiation",
      58000,
      "2026-03-31",
      70,
      "Confirm volume tier",
      "Renewal",
    ],
    [
      "Northstar Beverage upsell",
      "Northstar Beverage",
      "Chloe Martin",
      "Proposal",
      24000,
      "2026-03-13",
      50,
      "Add second TMS connector",
      "Expansion",
    ],
    [
      "Pinecrest Outfitters expansion",
      "Pinecrest Outfitters",
      "Chloe Martin",
      "Closed won",
      18000,
      "2026-01-30",
      100,
      "Handoff to Omar",
      "Expansion",
    ],
    [
      "Wayne Distribution",
      "Wayne Distribution",
      "Jordan Lee",
      "Technical validation",
      120000,
      "2026-05-29",
      30,
      "Trial kickoff Feb 17",
      "Outbound",
    ],
    [
      "Stark Freight Lines",
      "Stark Freight Lines",
      "Chloe Martin",
      "Discovery",
      54000,
      "2026-04-30",
      20,
      "Discovery call with VP Operations",
      "Conference",
    ],
    [
      "Soylent Foods",
      "Soylent Foods",
      "Chloe Martin",
      "Discovery",
      30000,
      "2026-05-15",
      10,
      "Send case study",
      "Referral",
    ],
    [
      "Vandelay Imports",
      "Vandelay Imports",
      "Chloe Martin",
      "Discovery",
      42000,
      "2026-06-30",
      10,
      "Qualify volume",
      "Inbound",
    ],
    [
      "Hooli Parcel",
      "Hooli Parcel",
      "Chloe Martin",
      "Closed lost",
      45000,
      "2026-01-28",
      0,
      "Lost to RouteWise on price",
      "Outbound",
    ],
  ]),
);

doc(
  "drive/Sales/Accounts/ACME Freight/ACME renewal notes.docx",
  "chloe",
  "2026-01-16",
  `# ACME Freight renewal 2026: deal notes and commitments

Owner: Chloe Martin (account executive). Executive sponsor: Jordan Lee. Customer Success: Omar Haddad. Shared with Daniel Okafor (Finance) for invoicing and revenue recognition.

## Outcome

**Signed on January 16, 2026.** Three-year Enterprise renewal from March 1, 2026 to February 28, 2029, at **$186,000 per year**, billed annually in advance on net-45 terms. That is about 8% below the list price for the 120,000-shipment tier ($202,200 per year) and up from $150,000 per year in the contract that ends on February 28, 2026.

## What we promised ACME

These are every commitment in the signed order form and its side letter. Nothing else was promised.

1. **Price lock.** $186,000 per year for all three years, with no annual increase (our standard multi-year contract adds 5% a year). Approved by Daniel Okafor on January 9, because price locks need CFO approval.
2. **Higher SLA.** 99.95% monthly API availability instead of the standard 99.9%, with a service credit of 10% of the monthly fee for each 0.1% below target, capped at 30%.
3. **Webhook latency.** ETA and status webhooks delivered within 5 seconds at p95, measured monthly, from July 1, 2026. This depends on Webhooks v2; Leo Park confirmed the date on January 12.
4. **EDI 214 integration.** Native ingestion of ACME's EDI 214 shipment status messages, generally available by June 30, 2026. If it is late, ACME receives a credit of two months' fees.
5. **Named support.** Omar Haddad as named customer success manager, a shared Slack channel, quarterly business reviews, and a 1-hour response to SEV-1 issues around the clock.
6. **Incident reports.** A written root-cause analysis within five business days of any SEV-1 incident that affects ACME.
7. **Volume.** Up to 120,000 shipments per month included; overage at $0.09 per shipment instead of the list price of $0.12.

## What we did not agree to

ACME asked for source code escrow, an on-premises option, unlimited shipments and termination for convenience. We declined all four.

## What we got in return

A three-year commitment, annual prepayment, a public case study by the end of Q3 2026, and a reference call for prospects once a quarter.

## How we got here

- November 4, 2025: renewal kickoff with Dana Whitfield (VP Operations, economic buyer) and Marcus Bell (Director of IT).
- November 20: ACME raises the September 14 outage and asks for a 15% discount and a stronger SLA.
- December 3: we counter with 8%, the 99.95% SLA and the incident-report commitment.
- December 18: verbal agreement, subject to the EDI date and the price lock.
- January 9, 2026: CFO approval of the price lock and overage rate.
- January 16: order form and side letter signed by Dana Whitfield and Maya Patel.

## Follow-ups

- Engineering (Leo Park): EDI 214 project plan by February 6; webhook latency reporting by June.
- Customer Success (Omar Haddad): first quarterly business review in April.
- Finance (Daniel Okafor): issue the first annual invoice on March 1.
`,
);

doc(
  "drive/Sales/Accounts/ACME Freight/ACME account plan.md",
  "chloe",
  "2025-10-28",
  `# ACME Freight: account plan

Owner: Chloe Martin. Updated October 28, 2025 for the renewal. Customer since March 2023.

## The account

ACME Freight is a regional less-than-truckload carrier based in Reno, Nevada, with about 420 trucks serving Nevada, California, Oregon and Idaho. They run Beacon across their whole fleet and send us about 95,000 shipments a month. They are our largest customer at $150,000 of ARR on the Enterprise plan; the current contract ends on February 28, 2026.

## People

| Name | Role | Relationship |
| Dana Whitfield | VP Operations | Economic buyer. Pragmatic, data-driven, hates surprises |
| Marcus Bell | Director of IT | Technical buyer. Wants EDI instead of their current CSV uploads |
| Ellen Cho | Procurement manager | Runs the commercial process; pushes on price every year |
| Rosa Jimenez | Dispatch supervisor | Champion. Her team uses the dashboard every day |

## How they use Beacon

Dispatchers use the dashboard to answer customer calls and to plan dock appointments. Their customer portal shows our ETAs through the API. Status updates from their TMS arrive as a nightly CSV upload, which is the main reason some of their ETAs are late in the morning.

## Health: yellow

Usage is high and growing, and Rosa's team is enthusiastic. The September 14 outage hurt: ACME's customer portal showed frozen ETAs for almost three hours on a Sunday, and Dana escalated to Maya. They received a service credit. Since then, Marcus has asked twice about our reliability roadmap.

## Renewal strategy

- Lead with reliability: the postmortem actions, Webhooks v2 and the multi-region work.
- Solve the CSV problem: position an EDI integration as part of the renewal.
- Trade any concession for term length and a case study.
- Expect procurement to ask for a large discount because of the outage. Stay within the approval rules in the Pricing document and involve Jordan early.

## Expansion opportunities

- Cross-border lanes into Mexico, planned by ACME for 2027.
- ACME's brokerage arm, which handles another 30,000 loads a month with a different TMS.

## Risks

- RouteWise has been calling Marcus since the outage.
- Dana reports to a new COO who has not met us yet. Ask Dana for an introduction before December.
`,
);

doc(
  "drive/Sales/Accounts/Globex/Globex discovery call notes.txt",
  "chloe",
  "2025-12-09",
  `GLOBEX LOGISTICS - DISCOVERY CALL NOTES
Date: December 9, 2025, 45 minutes, Zoom.
Northwind: Chloe Martin (AE), Sam Rivera (joined for the technical part).
Globex: Hank Scorpio (Director of Operations), Lena Ortiz (IT manager, owns the TMS).

COMPANY
  Globex Logistics, Chicago, Illinois. Asset-based carrier, about 220 trucks, mostly dry van and
  reefer across the Midwest. Around 30,000 shipments a month, growing about 15% a year.

CURRENT SETUP
  - Tracking through RouteWise for the last two years. Contract ends March 31, 2026.
  - TMS is McLeod. Telematics from Samsara on every truck.
  - Dispatchers (about 40 people) keep a separate spreadsheet of "real" ETAs because they do not
    trust RouteWise's numbers.

PAIN (their words)
  - "Our ETAs are wrong by an hour on half the loads into Chicago." Traffic and dock waits.
  - "Customers call us before we know a truck is late."
  - RouteWise webhooks arrive in batches every 15 minutes; their customer portal looks stale.
  - Renewal quote from RouteWise went up 22%.

WHAT THEY WANT
  - ETAs they can show to their own customers without a human checking them first.
  - Real-time push to their portal.
  - Go live before the RouteWise contract ends on March 31.

TECHNICAL NOTES (Sam)
  - Samsara connector works out of the box. McLeod needs our TMS connector (add-on).
  - Their lanes into Chicago are exactly where dock dwell time matters; our dwell feature should
    help. Suggest a two-week trial on their data to measure.

DECISION PROCESS
  - Hank decides, with Lena signing off on integration and security.
  - Budget is approved for "tracking" at roughly the RouteWise renewal price.
  - They want a proposal by mid-January and a decision by mid-February.

NEXT STEPS
  - Chloe: send trial agreement and Samsara connection instructions (done Dec 10).
  - Sam: set up trial tenant globex-trial on staging data pipeline.
  - Chloe: written proposal after the trial, on the Sales site.
`,
);

doc(
  "drive/Sales/Collateral/Beacon product one-pager.pdf",
  "jordan",
  "2025-11-10",
  `# Beacon: know when every delivery will arrive

Beacon by Northwind Labs gives carriers and shippers live tracking and trustworthy arrival times for every shipment, and pushes them to the people and systems that need them.

## The problem

Dispatchers spend hours a day answering "where is my delivery?" ETAs from a truck's GPS ignore traffic, dock waits and the driver's remaining stops, so customers stop trusting them. When an ETA is wrong, the whole chain pays: idle dock crews, missed appointments and frustrated shoppers.

## What Beacon does

- **Live tracking** from the telematics you already have: Samsara, Motive, Geotab and more.
- **Machine-learned ETAs** trained on millions of completed deliveries, with a likely arrival window, not just a single time.
- **Real-time updates** through webhooks, a REST API and email alerts.
- **A dispatcher dashboard** that shows every load at risk before the customer calls.

## Results our customers see

- Up to 31% fewer "where is my delivery?" calls in the first three months.
- 9 in 10 deliveries arrive within our predicted window.
- Live in as little as two weeks with a standard telematics connector.

## Integrations

Telematics: Samsara, Motive, Geotab. Transport management systems: McLeod, MercuryGate and others through connectors. EDI for status messages is available on request.

## Security and reliability

Single sign-on, encryption in transit and at rest, a SOC 2 Type I report (Type II in progress), and an availability SLA on the Enterprise plan.

## Get started

Ask for a two-week trial on your own data at sales@northwind.test or visit www.northwind.test.
`,
  [G.link()],
);

// ----- Private folders: owner only (plus one 1:1 document shared with the other person) --------------------------

doc(
  "drive/Private - Leo Park/Notes to self.md",
  "leo",
  "2026-01-29",
  `# Notes to self

Private working notes. Not shared with anyone.

## This quarter

- Pentest with Partner Security starts February 9. Make sure staging has the pentest tenants and that Pat's access to the scope document works on day one. Brief Ana on the stop-and-call rule.
- SOC 2 Type II: the observation window started January 1. Evidence collection is still half manual; get Vanta or Drata quotes before February ends, or we will spend the summer screenshotting.
- RFC-015 decision on February 20. My honest view: do the warm standby, but only if we also practice the failover every quarter. A standby nobody has tested is an expensive comfort blanket.

## Tech debt I keep putting off

1. The weekly ETA training cron. It should be a proper pipeline with a model registry, not a Kubernetes CronJob and a bash script.
2. beacon-gateway still has two authentication code paths (old API keys and new scoped keys). Remove the old ones by June.
3. Our Terraform state is one giant file. Split it per environment before the DR cluster lands in it.
4. Integration tests for the dashboard take 19 minutes. Priya has ideas; give her a week for it.

## Things to raise with Maya

- I am spending half my time on process and compliance. Either that is the job now, and we should say so, or the SRE hire needs to come sooner.
- Engineering should have a seat in the renewal conversations before dates get promised, not after. The EDI date worked out, but by luck.

## Personal

- Speak at the Portland Go meetup in April? Topic idea: "what a model outage taught us about deploying data".
- Read: "Designing Data-Intensive Applications" chapters 9 and 11 again before the Kafka consumer rewrite.
- Book the dentist for February 17.
`,
);

doc(
  "drive/Private - Maya Patel/1-1 Maya and Daniel.docx",
  "maya",
  "2026-01-27",
  `# 1:1 Maya and Daniel

Running notes, newest first. Shared between Maya Patel and Daniel Okafor only.

## January 27, 2026

- **Series B timing.** We agreed to start investor conversations in September 2026, after the second-quarter numbers are in and the ACME renewal has been live for six months. Target raise of $20 to $25 million. Daniel's view: three quarters of 115% net retention matter more than the absolute ARR number. No banker; Erin at Ridgeline will make introductions.
- Daniel builds the financing model and the data room index by May 15, in time for the June board conversation.
- **Audit.** Kettle & Crane fieldwork is March 9 to March 20. Daniel needs two days from Hana for payroll testing.
- **Pricing.** Daniel proposes raising list prices by 7% for new customers from April 1. Maya wants Jordan's input first; add it to the February leadership meeting.

## January 13, 2026

- 2026 budget final before the board: operating loss about $${(-total(BUDGET_NET) / 1e6).toFixed(1)} million. Maya asked for a version with the multi-region standby removed, in case engineering decides against it.
- Daniel raised customer concentration: the five largest customers are 17% of ARR. Fine for now, but the board will ask.
- Maya: Daniel should take over the SOC 2 vendor relationship from Leo, who is overloaded.

## December 16, 2025

- Q4 is tracking to about $965,000 to $975,000 of revenue.
- Holiday bonus: a flat $1,000 for everyone, paid December 19. Agreed.
- Daniel wants a part-time controller in the second half of 2026 if we raise. Revisit in June.

## December 2, 2025

- Daniel will present the 2026 plan to the leadership team on December 9.
- Maya asked Daniel to be the approver for every non-standard term in renewals after the ACME negotiation started. He agreed; Jordan will route approvals through #deal-desk.
`,
  [G.user("daniel", "writer")],
);

doc(
  "drive/Private - Chloe Martin/My 2026 plan.md",
  "chloe",
  "2026-01-05",
  `# My 2026 plan

Private. For me, and for my 1:1 with Jordan when I am ready to share parts of it.

## Numbers

- My 2026 quota: $480,000 of new and expansion ARR, with about $110,000 in Q1. Renewals do not count toward quota, so ACME is nice for the company but does nothing for my number.
- Q1 deals I need to land: Globex ($90,000) and the Cascade Grocers expansion ($36,000). Northstar is a stretch.
- Pipeline coverage: I want three times my quarterly number in qualified pipeline at the start of each quarter. Right now I am at about 2.4 times for Q2.

## Skills

- Get better at running security reviews myself instead of pulling Sam or Leo into every call. Take the AWS Cloud Practitioner course with my learning budget in February.
- Practice negotiation: the ACME deal taught me to ask for something every time we give something.
- Write one customer story a quarter with Grace for marketing.

## Habits

- Friday afternoon: HubSpot cleanup before the forecast call, no exceptions.
- Two prospecting hours every Tuesday and Thursday morning, calendar blocked.
- No customer calls after 17:00 Eastern unless it is a go-live.

## Longer term

I want to be considered for a senior AE or team lead role when the second AE joins in June. Ask Jordan in March what he would need to see from me.
`,
);

// ----- SharePoint: the Sales site (a second sync of the same connected user) ----------------------------------

doc(
  "sharepoint/Sales Site/Proposals/Globex proposal 2026.docx",
  "chloe",
  "2026-01-20",
  `# Proposal: Beacon for Globex Logistics

Prepared for Hank Scorpio, Director of Operations, and Lena Ortiz, IT Manager. Prepared by Chloe Martin, Northwind Labs. January 20, 2026. Valid until February 13, 2026.

## Your goals

In our conversations and during the two-week trial, you told us you want ETAs that your dispatchers and your customers can trust without checking them by hand, updates pushed to your customer portal in real time, and a go-live before your current tracking contract ends on March 31, 2026.

## What the trial showed

During the trial on your lanes from December 15 to January 9, Beacon's median ETA error on loads into the Chicago area was 14 minutes, against about 52 minutes for the ETAs your dispatchers received during the same period. 91% of arrivals fell inside Beacon's predicted window.

## Proposed solution

- Beacon Growth plan: up to 40,000 shipments per month, the dashboard for all dispatchers, webhooks to your customer portal and the public API.
- Samsara telematics connector (included in the plan).
- McLeod TMS connector (add-on), so that stops, appointments and status updates flow into Beacon without manual uploads.

## Implementation timeline

We propose a six-week implementation, starting the week after signature:

1. Weeks 1-2: connect Samsara and McLeod in production; import 12 months of history for your lanes.
2. Weeks 3-4: calibrate ETAs on your lanes, including dock dwell at your three largest Chicago consignees; set up webhooks to your customer portal in a test environment.
3. Week 5: train your 40 dispatchers in two sessions; dashboard alerts switched on.
4. Week 6: go-live, with Northwind on a shared Slack channel for the first two weeks.

If you sign by February 13, go-live is Monday, March 30, 2026, the day before your RouteWise contract ends.

## Investment

| Item | Price |
| Beacon Growth plan | $6,000 per month |
| McLeod TMS connector | $1,500 per month |
| Total subscription | $90,000 per year, billed annually |
| Implementation (one time) | $5,000 |

Shipments above 40,000 in a month are $0.12 each. Prices are fixed for the first 12 months.

## Next steps

Proposal review call on February 3, order form by February 13, kickoff on February 17.
`,
);

doc(
  "sharepoint/Sales Site/Proposals/Initech RFP response.pdf",
  "jordan",
  "2025-12-19",
  `# Response to Initech Retail RFP 2025-114: Shipment visibility platform

Submitted by Northwind Labs, Inc. on December 19, 2025. Contact: Jordan Lee, Head of Sales, jordan@northwind.test.

## 1. Company information

Northwind Labs, Inc. is a Delaware corporation headquartered at 410 NW Tenth Avenue, Suite 300, Portland, Oregon. Founded in 2019, Northwind has 13 employees and serves more than 60 carriers, shippers and retailers in North America with Beacon, its shipment tracking and ETA platform.

## 2. Solution overview

Beacon ingests GPS data from carriers' telematics and status messages from transport management systems, predicts arrival times with a machine-learning model, and delivers them through a REST API, webhooks, email alerts and a web dashboard. For a retailer like Initech, which ships through about 35 carriers, Beacon gives one view of every inbound and outbound shipment regardless of carrier.

## 3. Requirements matrix (summary)

| Requirement | Response |
| R1 Multi-carrier tracking | Yes. Telematics connectors and EDI 214 for carriers without telematics |
| R2 ETA accuracy reporting | Yes. Monthly report of median error and window coverage per carrier |
| R3 SSO (SAML 2.0) | Yes, Enterprise plan |
| R4 Role-based access | Yes. Admin, dispatcher and read-only roles per business unit |
| R5 US data residency | Yes. All data stored in AWS us-west-2 |
| R6 99.9% availability SLA | Yes, Enterprise plan, with service credits |
| R7 Store-level delivery windows | Yes. ETA windows per delivery stop |

<!-- page -->

## 4. Security

Northwind completed a SOC 2 Type I audit in August 2025; the Type II observation period started on January 1, 2026 and the report is expected by October 2026. Data is encrypted in transit (TLS 1.2 or higher) and at rest (AES-256). Production access is limited to two platform engineers through a logged break-glass process. An independent penetration test is performed every year; the 2026 test takes place in February, and a summary letter will be available to Initech under NDA.

## 5. Availability

Trailing twelve-month availability of the public API was 99.93% as of November 30, 2025. This includes a 2 hour 47 minute degradation of ETA updates on September 14, 2025, for which a public summary is available.

## 6. Support

Enterprise customers receive a named customer success manager, business-hours support by chat and email, and 24/7 response within one hour for SEV-1 issues.

## 7. Pricing

Based on Initech's estimate of 70,000 shipments per month across all carriers, we propose the Beacon Enterprise plan at $138,000 per year for a two-year term, including SSO, the SLA and up to 75,000 shipments per month, plus a one-time implementation fee of $15,000 for the EDI connections to Initech's carriers.

## 8. References

Cascade Grocers (grocery retail, 48 stores) and Tidewater Freight (regional carrier) have agreed to speak with Initech.
`,
);

doc(
  "sharepoint/Sales Site/Battlecards/Competitor battlecard - RouteWise.md",
  "jordan",
  "2025-10-14",
  `# Battlecard: RouteWise

Owner: Jordan Lee. Updated October 14, 2025. Internal only.

## Who they are

RouteWise is the incumbent in about a third of our deals. Founded in 2014 in Atlanta, roughly 120 employees, focused on large national carriers. Their tracking product is strong on coverage and weak on prediction: ETAs are mostly distance divided by average speed, adjusted by rules.

## Where we win

- **ETA accuracy.** In head-to-head trials our median ETA error has been 40 to 70% lower. Always propose a two-week trial on the prospect's lanes and measure it.
- **Real-time push.** RouteWise sends webhooks in 15-minute batches. Ours are sent as events happen.
- **Regional focus.** Our lane models are trained on regional traffic and dock behavior; RouteWise is tuned for long-haul.
- **Time to value.** Two to six weeks to go live, against two to three months.

## Where they win

- **Price for small fleets.** RouteWise discounts hard below 100 trucks. Do not chase those deals below our Starter price.
- **Breadth.** They offer yard management and freight audit modules. If the buyer wants one vendor for everything, we probably lose.
- **References at national carriers.** We have none yet.

## Landmines to lay

- "How do they calculate the ETA window, and how often is the real arrival inside it?"
- "How quickly does a status change reach your customer portal?"
- "What did the renewal quote look like after year one?" (Their renewals often rise by 20% or more.)

## Common objections

- *"RouteWise is already integrated with our TMS."* Our McLeod and MercuryGate connectors go live in days, and we run both systems side by side during the trial.
- *"You are a small company."* We are, which is why our engineers join customer calls. Offer a reference call with a customer of a similar size.
- *"You had an outage in September."* Be straightforward: explain what happened, what we changed, and offer the public summary.

## Recent results

In 2025 we won Cascade Grocers and Harbor Line Transport from RouteWise, and lost Bluth Distribution (they wanted a yard management module) and Massive Dynamic Freight (they wanted references at national carriers) to them.
`,
);

doc(
  "sharepoint/Sales Site/Enablement/Sales kickoff 2026 agenda.html",
  "jordan",
  "2026-01-06",
  `# Sales kickoff 2026

Tuesday, January 13 and Wednesday, January 14, 2026, Portland office (Willamette room), with a video link for remote attendees. Organized by Jordan Lee. Attendees: Sales, Customer Success, Marketing, plus guests from Engineering and Finance.

## Day 1: Tuesday, January 13

| Time | Session | Lead |
| 09:00 | Welcome, 2025 results and the 2026 number | Jordan Lee |
| 09:45 | Company strategy and what the board expects | Maya Patel |
| 10:30 | Pricing and discount rules for 2026 | Jordan Lee and Daniel Okafor |
| 11:30 | Product roadmap: Webhooks v2, EDI, multi-region | Leo Park |
| 12:30 | Lunch | |
| 13:30 | Win story: Cascade Grocers | Chloe Martin and Omar Haddad |
| 14:30 | Competitive workshop: beating RouteWise | Jordan Lee |
| 16:00 | Demo certification round 1 | Everyone |

## Day 2: Wednesday, January 14

| Time | Session | Lead |
| 09:00 | Discovery role-play: Globex and Initech | Chloe Martin |
| 10:30 | Security reviews without panic | Leo Park |
| 11:30 | Marketing plan and events for 2026 | Grace Liu |
| 12:30 | Lunch | |
| 13:30 | Customer Success: renewals and expansion | Omar Haddad |
| 15:00 | Territory and account planning | Jordan Lee |
| 16:30 | President's Club announcement and dinner | Jordan Lee |

## The 2026 number

The team target for 2026 is $1.1 million of new and expansion ARR. Renewals are tracked separately.

## President's Club

Everyone who reaches 110% of their annual quota qualifies for President's Club: a three-day trip in early 2027 with a guest. Customer Success qualifies at 115% net revenue retention on their book.

## Before you come

Finish the demo certification checklist in the Enablement library, bring three accounts you want help with, and read the battlecard for RouteWise.
`,
);

doc(
  "sharepoint/Sales Site/Enablement/Demo script.txt",
  "chloe",
  "2025-11-18",
  `BEACON DEMO SCRIPT (20 MINUTES)
Owner: Chloe Martin. Use the demo tenant "northwind-demo", which replays a real week of anonymized
regional freight. Log in 10 minutes early; the replay starts at Monday 07:00 local time.

0:00  CONTEXT (2 min)
      Recap what you learned in discovery in one sentence each: the pain, the number, the
      deadline. Ask: "Did I get that right?" Do not show anything before they say yes.

0:02  THE MORNING VIEW (4 min)
      Open the dispatcher dashboard. Show the map, then switch to the list sorted by risk.
      Point at the three loads marked "at risk": Beacon flagged them before any customer called.
      Click one and show the ETA window, not just the time. Say: "The window is honest. When the
      model is unsure, it tells you."

0:06  WHY THE ETA IS BETTER (4 min)
      Open the ETA explanation panel: distance, lane speed at this hour, dock dwell at the
      destination, stops remaining. Compare with a naive GPS ETA for the same load.
      If the prospect is a RouteWise customer, ask how their current ETA is calculated.

0:10  PUSH, DON'T POLL (4 min)
      Show a webhook arriving in the request inspector as the load crosses a geofence.
      Show the email alert a store manager receives. Mention signed webhooks and the delivery log.

0:14  INTEGRATIONS (3 min)
      Show the connector page: Samsara, Motive, Geotab, McLeod, MercuryGate. For anything else,
      say the API and EDI options exist and offer a technical call. Do not promise new connectors
      or dates; those go through Jordan and the deal desk.

0:17  NEXT STEP (3 min)
      Propose the two-week trial on their data. Agree on the success metric (usually median ETA
      error on their top lanes) and a date for the readout before you hang up.

AFTER THE DEMO
      Send the recap email within two hours with the trial agreement and the one-pager link.
      Update the HubSpot deal stage and next step the same day.
`,
);

doc(
  "sharepoint/Sales Site/Case studies/Case study - Cascade Grocers.pdf",
  "jordan",
  "2025-12-02",
  `# Case study: Cascade Grocers cuts delivery calls by 31% with Beacon

Approved for external use by Cascade Grocers on November 28, 2025.

## The customer

Cascade Grocers runs 48 neighborhood grocery stores in Washington and Oregon, supplied from two distribution centers by its own fleet of 60 trucks and four partner carriers. Fresh produce arrives daily, and a late truck means empty shelves and overtime for store crews.

## The challenge

Store managers had no reliable way to know when deliveries would arrive. They called the distribution center, which called the drivers. In peak season the dispatch team handled more than 400 "where is my truck?" calls a week. ETAs from the partner carriers' portals were often wrong by more than an hour.

## The solution

Cascade Grocers signed in July 2025 and went live with Beacon in September, six weeks later. Beacon connects to the Samsara telematics on Cascade's own trucks and receives status messages from the four partner carriers. Store managers get an email and a text message when their delivery's ETA window changes, and the dispatch team works from the Beacon dashboard instead of a spreadsheet.

<!-- page -->

## The results, after three months

- **31% fewer** delivery status calls to dispatch.
- **92%** of deliveries arrived within 15 minutes of Beacon's predicted time.
- **5 hours a week** of store crew overtime saved per store, on average, by scheduling receiving crews around the ETA.

## In their words

"Our store managers finally trust the arrival time on their screen. The phones in dispatch are quiet enough that the team can actually plan tomorrow." - Operations Director, Cascade Grocers

## What's next

Cascade Grocers is extending Beacon to twelve new stores opening in 2026 and plans to show delivery windows to online grocery customers.
`,
);

doc(
  "sharepoint/Sales Site/Reports/Win-loss 2025.csv",
  "jordan",
  "2026-01-10",
  csv([
    ["account", "result", "quarter", "arr_usd", "competitor", "primary_reason", "owner"],
    ["Blue Ridge Produce", "Won", "Q1 2025", 52000, "RouteWise", "ETA accuracy in trial", "Jordan Lee"],
    ["Summit Parcel", "Won", "Q1 2025", 28000, "None", "Time to value", "Chloe Martin"],
    ["Lakeshore Home Goods", "Won", "Q1 2025", 36000, "TMS module", "Real-time webhooks", "Chloe Martin"],
    ["Redwood Carriers", "Won", "Q1 2025", 24000, "None", "Regional lane models", "Jordan Lee"],
    [
      "Bluth Distribution",
      "Lost",
      "Q1 2025",
      60000,
      "RouteWise",
      "Wanted yard management module",
      "Jordan Lee",
    ],
    ["Umbrella Logistics", "Won", "Q2 2025", 72000, "RouteWise", "ETA accuracy in trial", "Jordan Lee"],
    ["Northstar Beverage", "Won", "Q2 2025", 30000, "None", "Dispatcher dashboard", "Chloe Martin"],
    [
      "Meridian Furniture",
      "Won",
      "Q2 2025",
      22000,
      "TMS module",
      "Customer portal integration",
      "Chloe Martin",
    ],
    ["Copperline Foods", "Won", "Q2 2025", 40000, "RouteWise", "Real-time webhooks", "Chloe Martin"],
    ["Tidewater Freight", "Won", "Q2 2025", 60000, "None", "Regional lane models", "Jordan Lee"],
    ["Dunder Paper Supply", "Lost", "Q2 2025", 18000, "None", "No decision (budget frozen)", "Chloe Martin"],
    ["Cascade Grocers", "Won", "Q3 2025", 84000, "RouteWise", "ETA accuracy in trial", "Chloe Martin"],
    ["Pinecrest Outfitters", "Won", "Q3 2025", 26000, "None", "Time to value", "Chloe Martin"],
    ["Harbor Line Transport", "Won", "Q3 2025", 48000, "RouteWise", "Real-time webhooks", "Jordan Lee"],
    [
      "Massive Dynamic Freight",
      "Lost",
      "Q3 2025",
      150000,
      "RouteWise",
      "National coverage references",
      "Jordan Lee",
    ],
    [
      "Silverpine Pharmacy",
      "Won",
      "Q4 2025",
      38000,
      "TMS module",
      "Temperature-sensitive lane ETAs",
      "Chloe Martin",
    ],
    ["Orchard Supply", "Won", "Q4 2025", 26000, "None", "Dispatcher dashboard", "Chloe Martin"],
    [
      "Keystone Building Materials",
      "Won",
      "Q4 2025",
      44000,
      "RouteWise",
      "ETA accuracy in trial",
      "Jordan Lee",
    ],
    ["Gringotts Courier", "Lost", "Q4 2025", 20000, "RouteWise", "Price (small fleet)", "Chloe Martin"],
  ]),
);

// ---------------------------------------------------------------------------------------------------------------
// Demo questions and access cases: checked against the sharing before anything is written
// ---------------------------------------------------------------------------------------------------------------

interface Question {
  id: string;
  question: string;
  answer: string;
  file: string;
  /** a string of the answer that appears in `file` and in no other file (checked) */
  marker: string;
  /** must be able to read `file` (checked) */
  see: Key[];
  /** must not be able to read `file` (checked) */
  notSee: Key[];
  nearMisses: { file: string; why: string }[];
}

const EMPLOYEES = KEYS.filter((k) => k !== "guest");
const except = (...ks: Key[]): Key[] => KEYS.filter((k) => !ks.includes(k));
const ENGINEERS: Key[] = ["leo", "ana", "sam", "priya"];

const QUESTIONS: Question[] = [
  {
    id: "parental-leave",
    marker: "16 weeks",
    question: "What is our parental leave policy?",
    answer:
      "16 weeks of fully paid leave for every new parent (birth, adoption or foster), after 90 days of employment, taken within 12 months in up to two blocks; up to 4 extra paid weeks before the due date for birthing parents; a 4-week phased return at 80% schedule on full pay; a $1,000 new-family stipend.",
    file: "drive/HR/Policies/Parental leave policy.docx",
    see: EMPLOYEES,
    notSee: ["guest"],
    nearMisses: [
      { file: "drive/Company/Employee handbook.pdf", why: "points to the policy, no numbers" },
      {
        file: "drive/Company/All-hands/2025-10-02 All-hands notes.md",
        why: "announces that parental leave will improve in January, no numbers",
      },
      { file: "drive/HR/Policies/Paid time off policy.docx", why: "other kinds of leave" },
    ],
  },
  {
    id: "engineer-salary-bands",
    marker: "$118,000",
    question: "What are the salary bands for engineers?",
    answer:
      "E1 $118,000-$142,000; E2 $138,000-$166,000; E3 $162,000-$195,000; E4 $190,000-$228,000; E5 $220,000-$262,000 (2026, same bands for platform engineers).",
    file: "drive/HR/Compensation/Compensation bands 2026.pdf",
    see: ["hana", "maya"],
    notSee: except("hana", "maya"),
    nearMisses: [
      {
        file: "drive/Engineering/Career ladder.docx",
        why: "engineering can read it: defines E1-E5 and says the bands are confidential",
      },
      {
        file: "drive/HR/Policies/Compensation philosophy.md",
        why: "domain-wide: 65th percentile, no numbers",
      },
      {
        file: "drive/HR/Compensation/Salaries 2026.csv",
        why: "same audience: individual salaries and levels, no bands",
      },
    ],
  },
  {
    id: "deploy-to-production",
    marker: "10% of traffic for 15 minutes",
    question: "How do we deploy to production?",
    answer:
      "Run the Release workflow in northwind/deploy; another engineer approves the PR and the production environment; Argo Rollouts canaries 10% for 15 min, 50% for 10 min, then 100%, aborting if 5xx > 1% or p95 > 400 ms; Monday-Thursday 09:00-16:00 Pacific only; roll back with the Rollback workflow.",
    file: "drive/Engineering/Platform/Runbooks/Deploy to production.md",
    see: ENGINEERS,
    notSee: except(...ENGINEERS),
    nearMisses: [
      {
        file: "drive/Engineering/Architecture/Architecture overview.md",
        why: "mentions Argo CD, no procedure",
      },
      {
        file: "drive/Engineering/Onboarding/Engineering onboarding checklist.txt",
        why: "says to watch a deploy and read the runbook",
      },
    ],
  },
  {
    id: "acme-renewal-promises",
    marker: "June 30, 2026",
    question: "What did we promise ACME in the renewal?",
    answer:
      "3 years from March 1, 2026 at $186,000/year with a price lock; 99.95% SLA with 10% credits per 0.1% (cap 30%); webhooks within 5 s at p95 from July 1, 2026; EDI 214 integration GA by June 30, 2026 or two months' credit; named CSM, shared Slack, QBRs, 1-hour SEV-1 response; RCA within 5 business days of any SEV-1; 120,000 shipments/month included, overage $0.09.",
    file: "drive/Sales/Accounts/ACME Freight/ACME renewal notes.docx",
    see: ["jordan", "chloe", "daniel"],
    notSee: except("jordan", "chloe", "daniel"),
    nearMisses: [
      {
        file: "drive/Sales/Accounts/ACME Freight/ACME account plan.md",
        why: "same audience: the strategy before the deal, no terms",
      },
      { file: "drive/Sales/Pipeline Q1 2026.csv", why: "sales: the deal amount only" },
      {
        file: "drive/Finance/Board/Board deck notes - January 2026.md",
        why: "leadership: says ACME signed a three-year renewal, no terms",
      },
      {
        file: "drive/Company/Company OKRs 2026.md",
        why: "domain-wide: webhook p95 target as a company goal",
      },
    ],
  },
  {
    id: "q3-revenue",
    marker: "$912,400",
    question: "What was Q3 revenue?",
    answer:
      "$912,400 in Q3 2025 (subscription $861,900 after $6,200 of outage credits, services $50,500), up 7.7% on Q2.",
    file: "drive/Finance/Reports/Q3 2025 financial report.pdf",
    see: ["daniel", "maya"],
    notSee: except("daniel", "maya"),
    nearMisses: [
      {
        file: "drive/Company/All-hands/2025-10-02 All-hands notes.md",
        why: "domain-wide: 'best quarter so far', no figure",
      },
      {
        file: "drive/Finance/Board/Board deck notes - January 2026.md",
        why: "leadership: full-year figures only",
      },
      {
        file: "drive/Finance/Reports/Q2 2025 financial report.pdf",
        why: "same audience: a forecast for Q3 ($900,000-$920,000), not the result",
      },
      {
        file: "drive/Finance/Reports/Q4 2025 financial report.docx",
        why: "same audience: Q4 and the full year",
      },
    ],
  },
  {
    id: "pentest-scope",
    marker: "api.staging.beacon.northwind.test",
    question: "What is in scope for the 2026 penetration test?",
    answer:
      "Staging only, February 9-27, 2026: the public API and dashboard on staging, webhook signing, authentication and tenant isolation, and the ingest endpoints; production, DoS, social engineering and third-party services are out of scope.",
    file: "drive/Engineering/Security/Pentest 2026 scope.md",
    see: ["guest", ...ENGINEERS],
    notSee: ["maya", "daniel", "hana", "jordan", "chloe"],
    nearMisses: [
      {
        file: "drive/Engineering/Security/Security incident response plan.pdf",
        why: "same folder, engineering only (not the contractor): a yearly test in Q1",
      },
      {
        file: "drive/Company/All-hands/2026-01-08 All-hands notes.docx",
        why: "domain-wide: Partner Security tests in February",
      },
    ],
  },
  {
    id: "september-outage",
    marker: "ETA_FALLBACK_ENABLED",
    question: "What caused the September 14 ETA outage?",
    answer:
      "The weekly training job published a model with a new feature (dock_dwell_minutes); beacon-eta loaded it through the 'latest' pointer without a schema check and crash-looped, and the fallback was disabled by a leftover flag (ETA_FALLBACK_ENABLED=false). 2 h 47 min, 41 customers.",
    file: "drive/Engineering/Postmortems/2025-09-14 ETA service outage.pdf",
    see: ENGINEERS,
    notSee: except(...ENGINEERS),
    nearMisses: [
      {
        file: "drive/Engineering/Architecture/ETA model design.pdf",
        why: "engineering: what changed afterwards",
      },
      { file: "drive/Finance/Reports/Q3 2025 financial report.pdf", why: "finance: the $6,200 of credits" },
      { file: "drive/Sales/Accounts/ACME Freight/ACME account plan.md", why: "sales: the customer's view" },
      {
        file: "drive/Company/All-hands/2025-10-02 All-hands notes.md",
        why: "domain-wide: apology, no cause",
      },
    ],
  },
  {
    id: "engineering-promotion",
    marker: "$199,000",
    question: "Who is being promoted in engineering this year?",
    answer:
      "Ana Souza, to E4 Staff Platform Engineer, effective April 1, 2026, with a new base salary of $199,000.",
    file: "drive/HR/Compensation/Performance reviews/2025 H2 review summary - Engineering.docx",
    see: ["hana", "maya"],
    notSee: except("hana", "maya"),
    nearMisses: [
      { file: "drive/Engineering/Career ladder.docx", why: "engineering: how promotions work" },
      { file: "drive/HR/Compensation/Salaries 2026.csv", why: "same audience: current salaries" },
    ],
  },
  {
    id: "ae-discount-authority",
    marker: "may discount up to",
    question: "How much discount can an account executive give without approval?",
    answer:
      "Up to 10% off list; the Head of Sales approves up to 20%; the CFO approves anything above 20% and every non-standard term (price locks, SLA above 99.9%, longer payment terms, feature dates).",
    file: "drive/Sales/Pricing 2026.pdf",
    see: ["jordan", "chloe"],
    notSee: except("jordan", "chloe"),
    nearMisses: [
      { file: "drive/Sales/Sales playbook.docx", why: "sales: refers to the pricing rules" },
      {
        file: "drive/Private - Maya Patel/1-1 Maya and Daniel.docx",
        why: "CEO and CFO: Daniel approves non-standard terms",
      },
    ],
  },
  {
    id: "globex-timeline",
    marker: "March 30, 2026",
    question: "What implementation timeline did we propose to Globex?",
    answer:
      "Six weeks from signature (connect Samsara and McLeod, calibrate ETAs, train 40 dispatchers, go live), with go-live on March 30, 2026 if they sign by February 13.",
    file: "sharepoint/Sales Site/Proposals/Globex proposal 2026.docx",
    see: ["jordan", "chloe"],
    notSee: except("jordan", "chloe"),
    nearMisses: [
      {
        file: "drive/Sales/Accounts/Globex/Globex discovery call notes.txt",
        why: "other sync, same audience: they want to go live before March 31",
      },
      { file: "drive/Sales/Pipeline Q1 2026.csv", why: "sales: close date and amount" },
    ],
  },
  {
    id: "series-b-timing",
    marker: "start investor conversations in September 2026",
    question: "When do we plan to start Series B conversations?",
    answer:
      "In September 2026, after the Q2 numbers, targeting $20-25 million; Daniel builds the financing model by May 15.",
    file: "drive/Private - Maya Patel/1-1 Maya and Daniel.docx",
    see: ["maya", "daniel"],
    notSee: except("maya", "daniel"),
    nearMisses: [
      {
        file: "drive/Finance/Board/Board deck notes - January 2026.md",
        why: "leadership: the board wants a financing plan in June",
      },
      {
        file: "drive/Company/All-hands/2026-01-08 All-hands notes.docx",
        why: "domain-wide: not before the second half",
      },
    ],
  },
  {
    id: "what-northwind-does",
    marker: "Boilerplate (short)",
    question: "What does Northwind Labs do?",
    answer:
      "It makes Beacon, a real-time shipment tracking and delivery-ETA platform for regional carriers and shippers, based in Portland, Oregon.",
    file: "drive/Company/Press kit/Northwind boilerplate.md",
    see: KEYS,
    notSee: [],
    nearMisses: [
      {
        file: "drive/Sales/Collateral/Beacon product one-pager.pdf",
        why: "sales, plus anyone with the link (see README)",
      },
      { file: "drive/Company/Employee handbook.pdf", why: "domain-wide: the welcome section" },
    ],
  },
];

interface AccessCase {
  id: string;
  what: string;
  file: string;
  relation: "can_read" | "can_write" | "is_owner";
  allowed: Key[];
  denied: Key[];
}
const ACCESS_CASES: AccessCase[] = [
  {
    id: "nested-group",
    what: "Ana is only in platform; platform is a member of engineering, which the Engineering folder grants",
    file: "drive/Engineering/Architecture/Architecture overview.md",
    relation: "can_read",
    allowed: ["ana", "leo", "sam", "priya"],
    denied: ["hana", "chloe", "maya", "guest"],
  },
  {
    id: "three-folders-up",
    what: "Sam's access comes from drive/Engineering/, three folders above the file",
    file: "drive/Engineering/Platform/Runbooks/Deploy to production.md",
    relation: "can_read",
    allowed: ["sam", "ana"],
    denied: ["chloe", "jordan"],
  },
  {
    id: "domain",
    what: "shared with the whole northwind.test domain through HR/Policies/; the contractor is outside it",
    file: "drive/HR/Policies/Code of conduct.pdf",
    relation: "can_read",
    allowed: EMPLOYEES,
    denied: ["guest"],
  },
  {
    id: "public",
    what: "anyone (public) through the Press kit folder, including the contractor",
    file: "drive/Company/Press kit/Northwind boilerplate.md",
    relation: "can_read",
    allowed: KEYS,
    denied: [],
  },
  {
    id: "anyone-with-link",
    what: "anyone with the link; not discoverable, so it must not show up for people who have no other grant",
    file: "drive/Sales/Collateral/Beacon product one-pager.pdf",
    relation: "can_read",
    allowed: ["jordan", "chloe"],
    denied: ["hana", "leo", "guest"],
  },
  {
    id: "private-own-folder",
    what: "in Leo's private folder, no grants: only Leo can read it, not even the CEO",
    file: "drive/Private - Leo Park/Notes to self.md",
    relation: "can_read",
    allowed: ["leo"],
    denied: except("leo"),
  },
  {
    id: "direct-grant-in-unreadable-folder",
    what: "the contractor is granted this one file in Engineering/Security/ and nothing else there",
    file: "drive/Engineering/Security/Pentest 2026 scope.md",
    relation: "can_read",
    allowed: ["guest"],
    denied: ["chloe"],
  },
  {
    id: "direct-grant-sibling-denied",
    what: "next to the file above, without the grant: the contractor must not see it",
    file: "drive/Engineering/Security/Security incident response plan.pdf",
    relation: "can_read",
    allowed: ["leo"],
    denied: ["guest"],
  },
  {
    id: "user-grant-on-folder",
    what: "the CFO is granted the ACME folder but is not in sales",
    file: "drive/Sales/Accounts/ACME Freight/ACME account plan.md",
    relation: "can_read",
    allowed: ["daniel", "chloe"],
    denied: ["maya", "leo"],
  },
  {
    id: "user-grant-on-folder-outside",
    what: "...and cannot read the rest of Sales",
    file: "drive/Sales/Pricing 2026.pdf",
    relation: "can_read",
    allowed: ["chloe"],
    denied: ["daniel"],
  },
  {
    id: "writer-on-file-owned-by-someone-else",
    what: "Salaries are owned by the CEO; Hana is a writer on the file (and in hr, which writes HR/)",
    file: "drive/HR/Compensation/Salaries 2026.csv",
    relation: "can_write",
    allowed: ["hana", "maya"],
    denied: ["daniel", "leo"],
  },
  {
    id: "reader-is-not-writer",
    what: "the CEO reads HR/Compensation/ through a reader grant but cannot write there",
    file: "drive/HR/Compensation/Compensation bands 2026.pdf",
    relation: "can_write",
    allowed: ["hana"],
    denied: ["maya"],
  },
  {
    id: "owner-grant",
    what: "Ana holds an owner grant on Engineering/Platform/, inherited below it",
    file: "drive/Engineering/Platform/Infrastructure inventory.csv",
    relation: "is_owner",
    allowed: ["ana"],
    denied: ["sam"],
  },
  {
    id: "one-to-one-writer",
    what: "Maya's private 1:1 document, shared with Daniel as writer",
    file: "drive/Private - Maya Patel/1-1 Maya and Daniel.docx",
    relation: "can_write",
    allowed: ["maya", "daniel"],
    denied: ["hana", "jordan"],
  },
  {
    id: "group-grant-on-file",
    what: "leadership is granted the budget file, not the rest of Finance",
    file: "drive/Finance/Budget 2026.csv",
    relation: "can_read",
    allowed: ["leo", "hana", "jordan"],
    denied: ["sam", "chloe"],
  },
  {
    id: "subfolder-adds-group",
    what: "Finance/Board/ adds leadership to what Finance/ grants",
    file: "drive/Finance/Board/Board deck notes - January 2026.md",
    relation: "can_read",
    allowed: ["leo", "hana", "jordan", "daniel", "maya"],
    denied: ["chloe", "sam"],
  },
  {
    id: "second-sync-domain",
    what: "SharePoint sync: the case studies library is shared with the domain",
    file: "sharepoint/Sales Site/Case studies/Case study - Cascade Grocers.pdf",
    relation: "can_read",
    allowed: EMPLOYEES,
    denied: ["guest"],
  },
  {
    id: "second-sync-group",
    what: "SharePoint sync: the rest of the Sales site is sales only",
    file: "sharepoint/Sales Site/Battlecards/Competitor battlecard - RouteWise.md",
    relation: "can_read",
    allowed: ["jordan", "chloe"],
    denied: ["daniel", "maya", "hana"],
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Access: a small evaluator of the manifest's rules, used to check the questions and access cases
// ---------------------------------------------------------------------------------------------------------------

/**
 * Two spots in docs/corpus-manifest.md can be read two ways: whether a folder's `owner` (as opposed to an owner
 * grant) is inherited by what is below it, and whether "anyone with the link" lets everyone find the file in a
 * search. The corpus is built so that every question's answer is the same under both readings of the first; the
 * one link-shared file is the only place the second matters (see the `anyone-with-link` access case).
 */
interface Reading {
  ownerInherits: boolean;
  linkIsEveryone: boolean;
}
const STRICT: Reading = { ownerInherits: false, linkIsEveryone: false };
const LEVEL: Record<Role, number> = { reader: 1, writer: 2, owner: 3 };
const RELATION_LEVEL = { can_read: 1, can_write: 2, is_owner: 3 } as const;

function groupsOf(k: Key): Set<string> {
  const out = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const g of GROUPS) {
      if (out.has(g.id)) continue;
      if (g.members.some((m) => m === k || (m.startsWith("group:") && out.has(m.slice(6))))) {
        out.add(g.id);
        changed = true;
      }
    }
  }
  return out;
}

function entryOf(path: string): { owner: Key; grants?: Grant[] } {
  const e = path.endsWith("/") ? FOLDERS[path] : DOCS.find((d) => d.path === path);
  if (!e) throw new Error(`no such path in the corpus: ${path}`);
  return e;
}

/** The folders above a path, nearest first, not counting the sync root (which is not a record). */
function ancestors(path: string): string[] {
  const parts = path.replace(/\/$/, "").split("/");
  const out: string[] = [];
  for (let i = parts.length - 1; i >= 2; i--) out.push(parts.slice(0, i).join("/") + "/");
  return out;
}

function accessLevel(k: Key, path: string, reading: Reading = STRICT): number {
  const groups = groupsOf(k);
  let best = 0;
  [path, ...ancestors(path)].forEach((p, i) => {
    const e = entryOf(p);
    if (e.owner === k && (i === 0 || reading.ownerInherits)) best = 3;
    for (const g of e.grants ?? []) {
      const match =
        ("user" in g && g.user === k) ||
        ("group" in g && groups.has(g.group)) ||
        ("domain" in g && email(k).endsWith(`@${g.domain}`)) ||
        ("anyone" in g && (g.anyone === "public" || reading.linkIsEveryone));
      if (match) best = Math.max(best, LEVEL[g.role]);
    }
  });
  return best;
}
const canRead = (k: Key, path: string, reading: Reading = STRICT): boolean =>
  accessLevel(k, path, reading) >= 1;
const readers = (path: string, reading: Reading = STRICT): Key[] =>
  KEYS.filter((k) => canRead(k, path, reading));

function validate(): void {
  const problems: string[] = [];
  const paths = new Set<string>();
  for (const d of DOCS) {
    if (paths.has(d.path)) problems.push(`duplicate path ${d.path}`);
    paths.add(d.path);
    for (const a of ancestors(d.path))
      if (!FOLDERS[a]) problems.push(`${d.path}: folder ${a} is not declared`);
    if (!SYNCS.some((s) => d.path.startsWith(`${s.root}/`)))
      problems.push(`${d.path}: not under a sync root`);
  }
  for (const f of Object.keys(FOLDERS)) {
    if (!DOCS.some((d) => d.path.startsWith(f))) problems.push(`folder ${f} is empty`);
  }
  const readings: Reading[] = [
    { ownerInherits: false, linkIsEveryone: false },
    { ownerInherits: true, linkIsEveryone: false },
    { ownerInherits: false, linkIsEveryone: true },
    { ownerInherits: true, linkIsEveryone: true },
  ];
  for (const q of QUESTIONS) {
    for (const f of [q.file, ...q.nearMisses.map((n) => n.file)]) entryOf(f);
    const holders = DOCS.filter((d) => d.body.includes(q.marker)).map((d) => d.path);
    if (holders.length !== 1 || holders[0] !== q.file) {
      problems.push(
        `${q.id}: "${q.marker}" should be in ${q.file} only, is in: ${holders.join(", ") || "nothing"}`,
      );
    }
    for (const r of readings) {
      for (const k of q.see) if (!canRead(k, q.file, r)) problems.push(`${q.id}: ${k} cannot read ${q.file}`);
      for (const k of q.notSee) if (canRead(k, q.file, r)) problems.push(`${q.id}: ${k} can read ${q.file}`);
    }
  }
  for (const c of ACCESS_CASES) {
    for (const r of readings.filter((r) => !r.linkIsEveryone)) {
      const need = RELATION_LEVEL[c.relation];
      for (const k of c.allowed)
        if (accessLevel(k, c.file, r) < need) problems.push(`${c.id}: ${k} lacks ${c.relation} on ${c.file}`);
      for (const k of c.denied)
        if (accessLevel(k, c.file, r) >= need) problems.push(`${c.id}: ${k} has ${c.relation} on ${c.file}`);
    }
  }
  if (problems.length) throw new Error(`corpus definition is inconsistent:\n  ${problems.join("\n  ")}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Light Markdown: the one source format, rendered to each file's format
// ---------------------------------------------------------------------------------------------------------------

type Block =
  | { t: "h"; level: 1 | 2 | 3; text: string }
  | { t: "p"; text: string }
  | { t: "list"; ordered: boolean; items: { text: string; sub: string[] }[] }
  | { t: "table"; rows: string[][] }
  | { t: "code"; text: string }
  | { t: "page" };

const PAGE_BREAK = "<!-- page -->";

function parseMarkdown(src: string): Block[] {
  const lines = src.split("\n");
  const blocks: Block[] = [];
  const isListItem = (l: string): RegExpExecArray | null => /^(\d+\.|-) (.*)$/.exec(l);
  const startsBlock = (l: string): boolean =>
    l.trim() === "" || /^#{1,3} /.test(l) || !!isListItem(l) || l.startsWith("|") || l.startsWith("```");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === "") {
      i++;
    } else if (line.trim() === PAGE_BREAK) {
      blocks.push({ t: "page" });
      i++;
    } else if (line.startsWith("```")) {
      const buf: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith("```"); i++) buf.push(lines[i]!);
      i++;
      blocks.push({ t: "code", text: buf.join("\n") });
    } else if (/^#{1,3} /.test(line)) {
      const level = line.indexOf(" ") as 1 | 2 | 3;
      blocks.push({ t: "h", level, text: line.slice(level + 1).trim() });
      i++;
    } else if (isListItem(line)) {
      const ordered = /^\d/.test(line);
      const items: { text: string; sub: string[] }[] = [];
      while (i < lines.length) {
        const l = lines[i]!;
        const m = isListItem(l);
        const subm = /^\s+- (.*)$/.exec(l);
        if (m && /^\d/.test(l) === ordered) items.push({ text: m[2]!, sub: [] });
        else if (subm && items.length) items[items.length - 1]!.sub.push(subm[1]!);
        else if (l.startsWith("  ") && l.trim() && items.length)
          items[items.length - 1]!.text += ` ${l.trim()}`;
        else break;
        i++;
      }
      blocks.push({ t: "list", ordered, items });
    } else if (line.startsWith("|")) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i]!.startsWith("|"); i++) {
        const l = lines[i]!.trim();
        if (/^\|[\s:|-]+\|$/.test(l)) continue;
        rows.push(
          l
            .slice(1, -1)
            .split("|")
            .map((c) => c.trim()),
        );
      }
      blocks.push({ t: "table", rows });
    } else {
      const buf: string[] = [];
      for (; i < lines.length && !startsBlock(lines[i]!) && lines[i]!.trim() !== PAGE_BREAK; i++) {
        buf.push(lines[i]!.trim());
      }
      blocks.push({ t: "p", text: buf.join(" ") });
    }
  }
  return blocks;
}

interface Span {
  text: string;
  bold?: boolean;
  code?: boolean;
  italic?: boolean;
}
function spans(text: string): Span[] {
  const out: Span[] = [];
  const re = /\*\*(.+?)\*\*|`([^`]+)`|\*([^*]+)\*/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    if (m[1] !== undefined) out.push({ text: m[1], bold: true });
    else if (m[2] !== undefined) out.push({ text: m[2], code: true });
    else out.push({ text: m[3]!, italic: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}
const plain = (text: string): string =>
  spans(text)
    .map((s) => s.text)
    .join("");

function titleOf(d: DocSpec): string {
  const m = /^# (.*)$/m.exec(d.body);
  if (!m) throw new Error(`${d.path}: no "# title" line`);
  return m[1]!.trim();
}
const bodyBlocks = (d: DocSpec): Block[] => {
  const blocks = parseMarkdown(d.body);
  const first = blocks[0];
  return first?.t === "h" && first.level === 1 ? blocks.slice(1) : blocks;
};
const updatedAt = (d: DocSpec): string => (d.updated.length === 10 ? `${d.updated}T17:00:00Z` : d.updated);

// ----- PDF (pdfkit; standard fonts, so nothing is embedded and text extracts cleanly) ----------------------------

function pdfSafe(s: string): string {
  const out = s
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, "-");
  if (/[^\x20-\x7e\n]/.test(out))
    throw new Error(`non-ASCII text in a PDF: ${JSON.stringify(out.slice(0, 60))}`);
  return out;
}

function renderPdf(d: DocSpec): Promise<Buffer> {
  const date = new Date(updatedAt(d));
  const title = pdfSafe(titleOf(d));
  const pdf = new PDFDocument({
    size: "LETTER",
    margins: { top: 64, bottom: 64, left: 64, right: 64 },
    bufferPages: true,
    compress: true,
    info: {
      Title: title,
      Author: PEOPLE[d.owner].name,
      Subject: "Northwind Labs",
      Creator: "Northwind Labs",
      Producer: "Northwind Labs document generator",
      CreationDate: date,
      ModDate: date,
    },
  });
  const chunks: Buffer[] = [];
  pdf.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((res) => pdf.on("end", () => res(Buffer.concat(chunks))));

  const left = pdf.page.margins.left;
  const width = pdf.page.width - left - pdf.page.margins.right;
  const bottom = (): number => pdf.page.height - pdf.page.margins.bottom;
  const ensure = (h: number): void => {
    if (pdf.y + h > bottom()) pdf.addPage();
  };
  const font = (s: Span): string =>
    s.code ? "Courier" : s.bold ? "Helvetica-Bold" : s.italic ? "Helvetica-Oblique" : "Helvetica";
  const richText = (text: string, x: number, w: number, size: number): void => {
    const ss = spans(pdfSafe(text));
    pdf.fontSize(size).fillColor("#111111");
    ss.forEach((s, i) => {
      pdf.font(font(s));
      if (i === 0) pdf.text(s.text, x, pdf.y, { width: w, continued: i < ss.length - 1 });
      else pdf.text(s.text, { continued: i < ss.length - 1 });
    });
  };

  pdf.font("Helvetica-Bold").fontSize(20).fillColor("#1b2a4a").text(title, left, pdf.y, { width });
  pdf.moveDown(0.2);
  pdf
    .font("Helvetica")
    .fontSize(8.5)
    .fillColor("#666666")
    .text(`Northwind Labs  |  ${PEOPLE[d.owner].name}  |  ${date.toISOString().slice(0, 10)}`, { width });
  pdf.moveDown(1);

  for (const b of bodyBlocks(d)) {
    pdf.x = left;
    if (b.t === "page") {
      pdf.addPage();
    } else if (b.t === "h") {
      ensure(50);
      pdf.moveDown(0.4);
      pdf
        .font("Helvetica-Bold")
        .fontSize(b.level === 2 ? 13 : 11)
        .fillColor("#1b2a4a")
        .text(pdfSafe(b.text), left, pdf.y, { width });
      pdf.moveDown(0.3);
    } else if (b.t === "p") {
      richText(b.text, left, width, 10.5);
      pdf.moveDown(0.6);
    } else if (b.t === "code") {
      pdf
        .font("Courier")
        .fontSize(9)
        .fillColor("#222222")
        .text(pdfSafe(b.text), left + 12, pdf.y, { width: width - 12 });
      pdf.moveDown(0.6);
    } else if (b.t === "list") {
      b.items.forEach((item, n) => {
        const entries: [string, string, number][] = [
          [b.ordered ? `${n + 1}.` : "-", item.text, 0],
          ...item.sub.map((s): [string, string, number] => ["-", s, 1]),
        ];
        for (const [label, text, level] of entries) {
          const x = left + 6 + level * 16;
          pdf.font("Helvetica").fontSize(10.5);
          ensure(pdf.heightOfString(plain(pdfSafe(text)), { width: width - (x - left) - 16 }) + 4);
          const y = pdf.y;
          pdf.fillColor("#111111").text(label, x, y, { width: 16 });
          pdf.y = y;
          richText(text, x + 16, width - (x - left) - 16, 10.5);
          pdf.moveDown(0.2);
        }
      });
      pdf.moveDown(0.4);
    } else if (b.t === "table") {
      const cols = Math.max(...b.rows.map((r) => r.length));
      // column widths follow the longest text in each column (capped), so short columns stay narrow
      const weights = Array.from({ length: cols }, (_, ci) =>
        Math.max(...b.rows.map((r) => Math.min((r[ci] ?? "").length, 45)), 6),
      );
      const sumW = weights.reduce((a, w) => a + w, 0);
      const colW = weights.map((w) => (width * w) / sumW);
      const colX = colW.map((_, ci) => left + colW.slice(0, ci).reduce((a, w) => a + w, 0));
      b.rows.forEach((row, ri) => {
        pdf.font(ri === 0 ? "Helvetica-Bold" : "Helvetica").fontSize(9);
        const h =
          Math.max(...row.map((c, ci) => pdf.heightOfString(pdfSafe(c), { width: colW[ci]! - 8 }))) + 8;
        ensure(h);
        const y = pdf.y;
        if (ri === 0) pdf.rect(left, y, width, h).fill("#e8edf5");
        pdf.fillColor("#111111");
        row.forEach((c, ci) => {
          pdf.text(pdfSafe(c), colX[ci]! + 4, y + 4, { width: colW[ci]! - 8 });
        });
        pdf
          .moveTo(left, y + h)
          .lineTo(left + width, y + h)
          .lineWidth(0.5)
          .strokeColor("#b8c2d3")
          .stroke();
        pdf.x = left;
        pdf.y = y + h;
      });
      pdf.moveDown(0.8);
    }
  }

  const range = pdf.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    const saved = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0;
    pdf
      .font("Helvetica")
      .fontSize(8)
      .fillColor("#888888")
      .text(`${title}  -  page ${i + 1} of ${range.count}`, left, pdf.page.height - 40, {
        width,
        align: "center",
        lineBreak: false,
      });
    pdf.page.margins.bottom = saved;
  }
  pdf.end();
  return done;
}

// ----- DOCX (docx; core properties, zip times and random ids pinned) ----------------------------------------------

const xmlEscape = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function runs(text: string, extra: { size?: number } = {}): TextRun[] {
  return spans(text).map(
    (s) =>
      new TextRun({
        text: s.text,
        bold: s.bold,
        italics: s.italic,
        font: s.code ? "Consolas" : undefined,
        size: extra.size,
      }),
  );
}

/** Runs `fn` with Math.random replaced by a seeded generator (docx draws a few ids from it). */
async function withSeededRandom<T>(seedText: string, fn: () => Promise<T>): Promise<T> {
  let seed = 2166136261;
  for (const ch of seedText) seed = Math.imul(seed ^ ch.charCodeAt(0), 16777619) >>> 0;
  const original = Math.random;
  Math.random = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  try {
    return await fn();
  } finally {
    Math.random = original;
  }
}

/** Sets every entry's modification time in a zip file (docx writes the current time) to `date`. */
function pinZipTimes(buf: Buffer, date: Date): Buffer {
  const out = Buffer.from(buf);
  const time = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1);
  const day = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  let eocd = -1;
  for (let i = out.length - 22; i >= 0; i--) {
    if (out.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a zip file");
  let p = out.readUInt32LE(eocd + 16);
  for (let n = out.readUInt16LE(eocd + 10); n > 0; n--) {
    if (out.readUInt32LE(p) !== 0x02014b50) throw new Error("bad zip central directory");
    out.writeUInt16LE(time, p + 12);
    out.writeUInt16LE(day, p + 14);
    const local = out.readUInt32LE(p + 42);
    if (out.readUInt32LE(local) !== 0x04034b50) throw new Error("bad zip local header");
    out.writeUInt16LE(time, local + 10);
    out.writeUInt16LE(day, local + 12);
    p += 46 + out.readUInt16LE(p + 28) + out.readUInt16LE(p + 30) + out.readUInt16LE(p + 32);
  }
  return out;
}

async function renderDocx(d: DocSpec): Promise<Buffer> {
  const title = titleOf(d);
  const author = PEOPLE[d.owner].name;
  const stamp = updatedAt(d);
  const buf = await withSeededRandom(d.path, async () => {
    const children: (Paragraph | Table)[] = [
      new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(title)] }),
      new Paragraph({
        children: [
          new TextRun({
            text: `Northwind Labs | ${author} | ${stamp.slice(0, 10)}`,
            italics: true,
            color: "666666",
          }),
        ],
      }),
    ];
    let listInstance = 0;
    for (const b of bodyBlocks(d)) {
      if (b.t === "page") children.push(new Paragraph({ children: [new PageBreak()] }));
      else if (b.t === "h")
        children.push(
          new Paragraph({
            heading: b.level === 2 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2,
            children: runs(b.text),
          }),
        );
      else if (b.t === "p") children.push(new Paragraph({ children: runs(b.text), spacing: { after: 120 } }));
      else if (b.t === "code")
        for (const line of b.text.split("\n"))
          children.push(
            new Paragraph({ children: [new TextRun({ text: line, font: "Consolas", size: 18 })] }),
          );
      else if (b.t === "list") {
        listInstance++;
        for (const item of b.items) {
          children.push(
            new Paragraph({
              children: runs(item.text),
              ...(b.ordered
                ? { numbering: { reference: "numbered", level: 0, instance: listInstance } }
                : { bullet: { level: 0 } }),
            }),
          );
          for (const s of item.sub) children.push(new Paragraph({ children: runs(s), bullet: { level: 1 } }));
        }
      } else if (b.t === "table") {
        children.push(
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: b.rows.map(
              (row, ri) =>
                new TableRow({
                  tableHeader: ri === 0,
                  children: row.map(
                    (c) =>
                      new TableCell({
                        children: [
                          new Paragraph({ children: [new TextRun({ text: plain(c), bold: ri === 0 })] }),
                        ],
                      }),
                  ),
                }),
            ),
          }),
          new Paragraph({ children: [] }),
        );
      }
    }
    const document = new Document({
      creator: author,
      lastModifiedBy: author,
      title,
      description: "Northwind Labs",
      styles: { default: { document: { run: { font: "Calibri", size: 22 } } } },
      numbering: {
        config: [
          {
            reference: "numbered",
            levels: [
              {
                level: 0,
                format: LevelFormat.DECIMAL,
                text: "%1.",
                alignment: AlignmentType.START,
                style: { paragraph: { indent: { left: 720, hanging: 360 } } },
              },
            ],
          },
        ],
      },
      sections: [{ children }],
    });
    const core =
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
      'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      `<dc:title>${xmlEscape(title)}</dc:title><dc:creator>${xmlEscape(author)}</dc:creator>` +
      `<cp:lastModifiedBy>${xmlEscape(author)}</cp:lastModifiedBy><cp:revision>1</cp:revision>` +
      `<dcterms:created xsi:type="dcterms:W3CDTF">${stamp}</dcterms:created>` +
      `<dcterms:modified xsi:type="dcterms:W3CDTF">${stamp}</dcterms:modified></cp:coreProperties>`;
    return Packer.toBuffer(document, false, [{ path: "docProps/core.xml", data: core }]);
  });
  return pinZipTimes(buf, new Date(stamp));
}

// ----- HTML (a Confluence page in Drive, a SharePoint page in SharePoint, with their navigation and scripts) -----

const htmlEscape = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const inlineHtml = (text: string): string =>
  spans(text)
    .map((s) => {
      const t = htmlEscape(s.text);
      return s.bold ? `<strong>${t}</strong>` : s.code ? `<code>${t}</code>` : s.italic ? `<em>${t}</em>` : t;
    })
    .join("");

function blocksToHtml(blocks: Block[], tableClass: string): string {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.t === "h") out.push(`<h${b.level}>${inlineHtml(b.text)}</h${b.level}>`);
    else if (b.t === "p") out.push(`<p>${inlineHtml(b.text)}</p>`);
    else if (b.t === "code") out.push(`<pre class="code">${htmlEscape(b.text)}</pre>`);
    else if (b.t === "list") {
      const tag = b.ordered ? "ol" : "ul";
      const items = b.items.map((it) => {
        const sub = it.sub.length
          ? `<ul>${it.sub.map((s) => `<li>${inlineHtml(s)}</li>`).join("")}</ul>`
          : "";
        return `  <li>${inlineHtml(it.text)}${sub}</li>`;
      });
      out.push(`<${tag}>\n${items.join("\n")}\n</${tag}>`);
    } else if (b.t === "table") {
      const rows = b.rows.map((r, ri) => {
        const cell = ri === 0 ? "th" : "td";
        return `    <tr>${r.map((c) => `<${cell}>${inlineHtml(c)}</${cell}>`).join("")}</tr>`;
      });
      out.push(
        `<div class="table-wrap"><table class="${tableClass}">\n  <tbody>\n${rows.join("\n")}\n  </tbody>\n</table></div>`,
      );
    }
  }
  return out.join("\n");
}

function renderHtml(d: DocSpec): string {
  const title = titleOf(d);
  const owner = PEOPLE[d.owner].name;
  const date = new Date(updatedAt(d)).toLocaleDateString("en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  });
  const crumbs = d.path.split("/").slice(1, -1);
  const content = blocksToHtml(
    bodyBlocks(d),
    d.path.startsWith("sharepoint/") ? "ms-rteTable" : "confluenceTable",
  );
  if (d.path.startsWith("sharepoint/")) {
    return `<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<title>${htmlEscape(title)} - Sales Site</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/_layouts/15/1033/styles/Themable/corev15.css">
<script>var _spPageContextInfo={webTitle:"Sales Site",webServerRelativeUrl:"/sites/sales",userId:0,currentLanguage:1033};</script>
<script src="/_layouts/15/init.js" defer></script>
<script src="https://cdn.analytics.example/telemetry.js" async></script>
</head>
<body class="ms-backgroundImage">
<div id="SuiteNavWrapper"><a class="o365-waffle" href="#" aria-label="App launcher"></a><span class="o365-brand">SharePoint</span><input type="search" placeholder="Search this site"></div>
<nav id="sideNavBox" aria-label="Site navigation">
  <ul class="ms-core-listMenu-root">
    <li><a href="/sites/sales">Home</a></li>
    <li><a href="/sites/sales/Shared%20Documents">Documents</a></li>
    <li><a href="/sites/sales/Proposals">Proposals</a></li>
    <li><a href="/sites/sales/Enablement">Enablement</a></li>
    <li><a href="/sites/sales/_layouts/15/viewlsts.aspx">Site contents</a></li>
  </ul>
</nav>
<main id="contentBox" role="main">
<div class="ms-breadcrumb">${crumbs.map(htmlEscape).join(" &gt; ")}</div>
<h1 id="pageTitle">${htmlEscape(title)}</h1>
<div class="ms-metadata">Modified ${htmlEscape(date)} by ${htmlEscape(owner)}</div>
<div class="ms-rtestate-field" id="pageContent">
${content}
</div>
<div class="ms-socialbar"><button type="button">Like</button> <button type="button">Comment</button> <button type="button">Share</button></div>
</main>
<footer class="ms-footer">Microsoft SharePoint | Feedback | Privacy</footer>
<script>window.addEventListener("load",function(){if(window.SP){SP.SOD.executeFunc("sp.js","SP.ClientContext",function(){});}});</script>
</body>
</html>
`;
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${htmlEscape(title)} - ${htmlEscape(crumbs[0] ?? "Northwind")} - Northwind Confluence</title>
<link rel="stylesheet" href="/s/en_GB/9012/batch.css" media="all">
<script>window.AJS=window.AJS||{};AJS.Meta={"page-id":"${(titleOf(d).length * 7919) % 1000000}","space-key":"NW","remote-user":""};</script>
<script src="/s/en_GB/9012/batch.js" defer></script>
<script async src="https://analytics.example/collect.js"></script>
</head>
<body id="com-atlassian-confluence" class="theme-default aui-layout aui-theme-default">
<header id="header" role="banner">
  <nav class="aui-header" aria-label="Site">
    <a class="aui-header-logo" href="/"><span>Northwind Confluence</span></a>
    <ul class="aui-nav"><li><a href="/spaces">Spaces</a></li><li><a href="/people">People</a></li><li><a href="/create">+ Create</a></li></ul>
    <form class="aui-quicksearch"><input type="search" placeholder="Search"></form>
  </nav>
</header>
<div id="sidebar" class="ia-fixed-sidebar">
  <div class="space-name">${htmlEscape(crumbs[0] ?? "Northwind")}</div>
  <ul class="plugin_pagetree"><li><a href="#">Overview</a></li><li><a href="#">How-to articles</a></li><li><a href="#">Meeting notes</a></li></ul>
</div>
<main id="main" role="main">
  <ol id="breadcrumbs">${crumbs.map((c) => `<li><a href="#">${htmlEscape(c)}</a></li>`).join("")}</ol>
  <h1 id="title-text">${htmlEscape(title)}</h1>
  <div class="page-metadata">Created by ${htmlEscape(owner)}, last updated on ${htmlEscape(date)}</div>
  <div id="main-content" class="wiki-content">
${content}
  </div>
  <div id="likes-and-labels-container"><a href="#" class="like-button">Like</a> <span class="labels">No labels</span></div>
  <div id="comments-section"><p class="comment-count">0 Comments</p></div>
</main>
<footer id="footer" role="contentinfo"><p>Powered by Atlassian Confluence 8.5.4</p><ul><li><a href="#">Report a bug</a></li><li><a href="#">Atlassian News</a></li></ul></footer>
<script>document.addEventListener("DOMContentLoaded",function(){if(window.AJS&&AJS.trigger){AJS.trigger("page-loaded");}});</script>
</body>
</html>
`;
}

// ----- PNG (two tiny images, drawn pixel by pixel; ingest records them as skipped) --------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function png(
  width: number,
  height: number,
  pixel: (x: number, y: number) => [number, number, number],
): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), row + 1 + x * 3);
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const NAVY: [number, number, number] = [27, 42, 74];
const TEAL: [number, number, number] = [43, 179, 163];
const WHITE: [number, number, number] = [255, 255, 255];

function logoPng(): Buffer {
  return png(64, 64, (x, y) => {
    const inCircle = (x - 31.5) ** 2 + (y - 31.5) ** 2 <= 30 ** 2;
    if ((x - 47) ** 2 + (y - 15) ** 2 <= 5 ** 2) return TEAL;
    if (!inCircle) return WHITE;
    const bar = (x >= 19 && x <= 24) || (x >= 39 && x <= 44);
    const diag = Math.abs(x - 19 - ((y - 18) * 25) / 28) <= 3;
    return y >= 18 && y <= 46 && (bar || diag) ? WHITE : NAVY;
  });
}

function diagramPng(): Buffer {
  const boxes: [number, number, number, number, [number, number, number]][] = [
    [8, 70, 56, 40, TEAL], // ingest
    [84, 70, 56, 40, NAVY], // kafka
    [160, 20, 56, 40, NAVY], // tracker
    [160, 120, 56, 40, NAVY], // eta
    [236, 70, 56, 40, TEAL], // notify / gateway
  ];
  const lines: [number, number, number, number][] = [
    [64, 90, 84, 90],
    [140, 90, 160, 40],
    [140, 90, 160, 140],
    [216, 40, 236, 90],
    [216, 140, 236, 90],
  ];
  return png(300, 180, (x, y) => {
    for (const [bx, by, bw, bh, color] of boxes)
      if (x >= bx && x < bx + bw && y >= by && y < by + bh) return color;
    for (const [x0, y0, x1, y1] of lines) {
      if (x < Math.min(x0, x1) || x > Math.max(x0, x1)) continue;
      const ty = y0 + ((y1 - y0) * (x - x0)) / (x1 - x0 || 1);
      if (Math.abs(y - ty) <= 1) return [120, 130, 150];
    }
    return [246, 248, 251];
  });
}

// ---------------------------------------------------------------------------------------------------------------
// manifest.yaml, README.md, QUESTIONS.md, questions.yaml
// ---------------------------------------------------------------------------------------------------------------

/** A YAML scalar: plain when that is unambiguous, otherwise double-quoted (JSON strings are valid YAML). */
const ys = (s: string): string => (/^[A-Za-z][A-Za-z0-9 ._@-]*[A-Za-z0-9]$/.test(s) ? s : JSON.stringify(s));

function grantObject(g: Grant): Record<string, string> {
  if ("user" in g) return { user: email(g.user), role: g.role };
  if ("group" in g) return { group: g.group, role: g.role };
  if ("domain" in g) return { domain: g.domain, role: g.role };
  return { anyone: g.anyone, role: g.role };
}

function sharingEntries(): [
  string,
  { owner: string; updatedAt?: string; grants?: Record<string, string>[] },
][] {
  const entries: [string, { owner: string; updatedAt?: string; grants?: Record<string, string>[] }][] = [];
  for (const [path, f] of Object.entries(FOLDERS)) {
    entries.push([
      path,
      { owner: email(f.owner), ...(f.grants ? { grants: f.grants.map(grantObject) } : {}) },
    ]);
  }
  for (const d of DOCS) {
    entries.push([
      d.path,
      {
        owner: email(d.owner),
        updatedAt: updatedAt(d),
        ...(d.grants ? { grants: d.grants.map(grantObject) } : {}),
      },
    ]);
  }
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function manifestObject(): unknown {
  return {
    version: 1,
    project: { id: PROJECT_ID },
    domain: DOMAIN,
    people: [
      ...KEYS.map((k) => ({ email: email(k), name: PEOPLE[k].name, title: PEOPLE[k].title })),
      { email: ADMIN.email, name: ADMIN.name, title: ADMIN.title },
    ],
    groups: GROUPS.map((g) => ({
      id: g.id,
      name: g.name,
      members: g.members.map((m) => (m.startsWith("group:") ? m : email(m as Key))),
    })),
    connectedUsers: [
      {
        id: "northwind",
        syncs: SYNCS.map((s) => ({
          integration: s.integration,
          pipeline: "files",
          configurationName: "default",
          root: s.root,
          owner: s.owner,
        })),
      },
    ],
    sharing: Object.fromEntries(sharingEntries()),
  };
}

function manifestYaml(): string {
  const L: string[] = [
    "# Northwind Labs: people, groups, connected users, syncs and sharing for the example corpus.",
    "# Format: docs/corpus-manifest.md. Generated by scripts/make-corpus.ts: change the script and re-run it.",
    "version: 1",
    "project:",
    `  id: ${PROJECT_ID}`,
    `domain: ${DOMAIN}`,
    "",
    "people:",
    ...KEYS.map(
      (k) => `  - { email: ${ys(email(k))}, name: ${ys(PEOPLE[k].name)}, title: ${ys(PEOPLE[k].title)} }`,
    ),
    `  - { email: ${ys(ADMIN.email)}, name: ${ys(ADMIN.name)}, title: ${ys(ADMIN.title)} }   # not a person: owns the sync roots`,
    "",
    "groups:                                    # members are emails or other groups (engineering contains platform)",
  ];
  for (const g of GROUPS) {
    const members = g.members.map((m) => ys(m.startsWith("group:") ? m : email(m as Key)));
    L.push(`  - id: ${g.id}`, `    name: ${ys(g.name)}`, `    members: [${members.join(", ")}]`);
  }
  L.push("", "connectedUsers:", "  - id: northwind", "    syncs:");
  for (const s of SYNCS) {
    L.push(
      `      - integration: ${s.integration}`,
      "        pipeline: files",
      "        configurationName: default",
      `        root: ${s.root}`,
      `        owner: ${s.owner}`,
    );
  }
  L.push(
    "",
    "# Every folder and file has an entry: its owner, its grants (inherited by everything below a folder),",
    "# and for files the time it was last modified.",
    "sharing:",
  );
  for (const [path, e] of sharingEntries()) {
    L.push(`  ${JSON.stringify(path)}:`, `    owner: ${e.owner}`);
    if (e.updatedAt) L.push(`    updatedAt: ${JSON.stringify(e.updatedAt)}`);
    if (e.grants) {
      L.push("    grants:");
      for (const g of e.grants)
        L.push(
          `      - { ${Object.entries(g)
            .map(([k, v]) => `${k}: ${ys(v)}`)
            .join(", ")} }`,
        );
    }
  }
  const text = L.join("\n") + "\n";
  if (JSON.stringify(parseYaml(text)) !== JSON.stringify(manifestObject())) {
    throw new Error("manifest.yaml does not parse back to the intended manifest");
  }
  return text;
}

const names = (ks: Key[]): string => (ks.length ? ks.map((k) => PEOPLE[k].name).join(", ") : "nobody");
const nameOf = (k: Key): string => PEOPLE[k].name.split(" ")[0]!;
const fileLink = (path: string): string => `\`${path}\``;

function audience(path: string): string {
  const rs = readers(path);
  if (rs.length === KEYS.length) return "everyone, including the contractor";
  if (EMPLOYEES.every((k) => rs.includes(k)) && !rs.includes("guest")) return "everyone in northwind.test";
  return names(rs);
}

function tree(root: string): string {
  const paths = DOCS.filter((d) => d.path.startsWith(`${root}/`)).map((d) => d.path.slice(root.length + 1));
  interface Node {
    dirs: Map<string, Node>;
    files: string[];
  }
  const top: Node = { dirs: new Map(), files: [] };
  for (const p of paths) {
    const parts = p.split("/");
    let n = top;
    for (const dir of parts.slice(0, -1)) {
      if (!n.dirs.has(dir)) n.dirs.set(dir, { dirs: new Map(), files: [] });
      n = n.dirs.get(dir)!;
    }
    n.files.push(parts[parts.length - 1]!);
  }
  const lines = [`${root}/`];
  const walk = (n: Node, prefix: string, folderPath: string): void => {
    const items = [...n.dirs.entries()].sort(([a], [b]) => a.localeCompare(b));
    items.forEach(([name, child], i) => {
      const last = i === items.length - 1;
      const folder = FOLDERS[`${folderPath}${name}/`];
      const exts = child.files.map((f) => f.slice(f.lastIndexOf(".") + 1));
      const files = exts.length
        ? `  ${exts.length} file${exts.length > 1 ? "s" : ""} (${[...new Set(exts)]
            .sort()
            .map((e) => `${exts.filter((x) => x === e).length} ${e}`)
            .join(", ")})`
        : "";
      const note = folder?.grants?.length
        ? `  [${folder.grants
            .map((g) =>
              "user" in g
                ? `${nameOf(g.user)} ${g.role}`
                : "group" in g
                  ? `${g.group} ${g.role}`
                  : "domain" in g
                    ? `domain ${g.role}`
                    : `anyone (${g.anyone})`,
            )
            .join(", ")}]`
        : "";
      lines.push(`${prefix}${last ? "└── " : "├── "}${name}/${files}${note}`);
      walk(child, prefix + (last ? "    " : "│   "), `${folderPath}${name}/`);
    });
  };
  walk(top, "", `${root}/`);
  return lines.join("\n");
}

function readme(): string {
  const count = (ext: string): number => DOCS.filter((d) => d.path.endsWith(`.${ext}`)).length;
  const people = KEYS.map((k) => {
    const groups = [...groupsOf(k)].join(", ") || "-";
    const n = DOCS.filter((d) => canRead(k, d.path)).length;
    return `| ${PEOPLE[k].name} | ${email(k)} | ${PEOPLE[k].title} | ${groups} | ${n} |`;
  });
  return `# Example corpus: Northwind Labs

<!-- Generated by scripts/make-corpus.ts. Edit the script and run \`npx tsx scripts/make-corpus.ts\`. -->

**Northwind Labs** (domain \`${DOMAIN}\`) is a fictional 13-person company in Portland, Oregon that makes
*Beacon*, a shipment-tracking and delivery-ETA platform. This folder is its connected SaaS data as the emulator
serves it (\`clearance emulator --corpus examples/corpus\`): one Connected User, \`northwind\`, with two syncs,
${[
  `Google Drive rooted at \`drive/\` (${DOCS.filter((d) => d.path.startsWith("drive/")).length} files)`,
  `SharePoint rooted at \`sharepoint/\` (${DOCS.filter((d) => d.path.startsWith("sharepoint/")).length} files, the Sales site)`,
].join(" and ")}.
\`manifest.yaml\` ([format](../../docs/corpus-manifest.md)) says who everyone is and who each folder and file is
shared with. [QUESTIONS.md](QUESTIONS.md) lists the demo questions, the one file that answers each, and who may see
it; \`questions.yaml\` holds the same for tests.

${[
  `${count("pdf")} PDF (most with several pages)`,
  `${count("docx")} DOCX`,
  `${count("md")} Markdown`,
  `${count("txt")} plain text`,
  `${count("html")} HTML (Confluence and SharePoint pages, navigation and scripts included)`,
  `${count("csv")} CSV`,
].join(", ")},
and ${count("png")} PNG images that ingest must record as skipped. Names, numbers and dates agree across files, and
each demo answer is stated in exactly one file.

## People and groups

| Name | Email | Title | Groups (incl. nested) | Files they can read |
| --- | --- | --- | --- | --- |
${people.join("\n")}

Groups: ${GROUPS.map((g) => `\`${g.id}\` (${g.members.map((m) => (m.startsWith("group:") ? `group ${m.slice(6)}` : nameOf(m as Key))).join(", ")})`).join("; ")}.
Four more employees (Nina, Omar, Tom, Grace) appear in documents but have no accounts here.

## Who can read what

- **Company/** and **HR/Policies/**: the whole domain. **Company/Press kit/**: anyone (public), including the contractor.
- **Engineering/**: group \`engineering\`, which contains \`platform\` (Ana is only in \`platform\`). The contractor is
  granted one file, \`Engineering/Security/Pentest 2026 scope.md\`.
- **HR/**: group \`hr\`; **HR/Compensation/** adds the CEO as reader; **HR/Hiring/** adds \`leadership\`.
- **Finance/**: group \`finance\` plus the CEO; **Finance/Board/** and the budget file add \`leadership\`.
- **Sales/**: group \`sales\`; **Sales/Accounts/ACME Freight/** adds the CFO; the product one-pager is shared with
  anyone who has the link.
- **Private - Leo Park/**, **Private - Chloe Martin/**: owner only. **Private - Maya Patel/** holds a 1:1 document
  shared with Daniel as writer.
- **sharepoint/Sales Site/**: group \`sales\`; its **Case studies/** library is shared with the domain.

Both syncs were connected by ${ADMIN.email}, an admin account rather than a person, which owns the sync roots.
Every folder and file in \`manifest.yaml\` names its own owner, so nothing falls back to the sync's default owner,
and the ten people's access is the same whether or not a sync root's owner is inherited below it.

Two points of the manifest format can be read two ways, and the corpus is built to work with either: a folder's
\`owner\` may or may not be inherited by what is below it (every folder is owned by someone who can read all of it
anyway), and *anyone with the link* is taken to mean "readable by whoever has the link, but not found by search"
(the emulator's \`src/authz/models/drive.fga\` does both: ownership inherits, and link sharing is \`can_read_with_link\`,
not \`can_read\`).
The script checks every demo question under both readings of each; only the \`anyone-with-link\` access case
depends on the second one.

## Folder tree

\`\`\`
${tree("drive")}

${tree("sharepoint")}
\`\`\`

Grants are in brackets; everything below a folder inherits them. File-level grants: the contractor on
\`Engineering/Security/Pentest 2026 scope.md\`, anyone with the link on \`Sales/Collateral/Beacon product
one-pager.pdf\`, \`leadership\` on \`Finance/Budget 2026.csv\`, Hana (writer) on \`HR/Compensation/Salaries
2026.csv\` (owned by Maya), Daniel (writer) on \`Private - Maya Patel/1-1 Maya and Daniel.docx\`.
`;
}

function questionsMd(): string {
  const head = `| # | Question | Answer in | ${KEYS.map(nameOf).join(" | ")} |`;
  const sep = `| --- | --- | --- | ${KEYS.map(() => ":-:").join(" | ")} |`;
  const rows = QUESTIONS.map(
    (q, i) =>
      `| ${i + 1} | ${q.question} | ${fileLink(q.file.split("/").slice(-1)[0]!)} | ${KEYS.map((k) => (canRead(k, q.file) ? "yes" : "-")).join(" | ")} |`,
  );
  const details = QUESTIONS.map((q, i) => {
    const rs = readers(q.file);
    const near = q.nearMisses.map(
      (n) => `  - ${fileLink(n.file)}: ${n.why}. Readable by ${audience(n.file)}.`,
    );
    return `### ${i + 1}. ${q.question}

- **Answer:** ${q.answer}
- **Only in:** ${fileLink(q.file)}
- **Can see it:** ${names(rs)}
- **Must not see it:** ${names(KEYS.filter((k) => !rs.includes(k)))}
- **Near misses** (must not be cited as the answer):
${near.join("\n")}`;
  });
  const cases = ACCESS_CASES.map(
    (c) =>
      `| \`${c.id}\` | ${fileLink(c.file)} | ${c.relation} | ${names(c.allowed)} | ${names(c.denied)} | ${c.what} |`,
  );
  return `# Demo questions

<!-- Generated by scripts/make-corpus.ts from the same data as questions.yaml; the script checks every line of
     "can see" and "must not see" against manifest.yaml before writing. -->

The same question asked by different people must return different evidence: each question below has one right
answer, found in one file, and near misses elsewhere that someone without access might otherwise be shown.
A good trio for \`clearance demo\` is **Sam** (engineer), **Chloe** (account executive) and **Hana** (HR); add
**Daniel** (CFO) to see finance answers and **Pat** (contractor, ${email("guest")}) to see how little an outsider gets.

${head}
${sep}
${rows.join("\n")}

${details.join("\n\n")}

## Access cases for retrieval tests

| Case | File | Relation | Allowed | Denied | What it exercises |
| --- | --- | --- | --- | --- | --- |
${cases.join("\n")}

Non-text files that ingest must record as skipped: ${DOCS.filter((d) => d.image)
    .map((d) => fileLink(d.path))
    .join(", ")}.
`;
}

function questionsYaml(): string {
  const data = {
    demoPeople: (["sam", "chloe", "hana", "daniel", "guest"] as Key[]).map(email),
    questions: QUESTIONS.map((q) => ({
      id: q.id,
      question: q.question,
      answer: q.answer,
      file: q.file,
      canSee: readers(q.file).map(email),
      cannotSee: KEYS.filter((k) => !canRead(k, q.file)).map(email),
      nearMisses: q.nearMisses.map((n) => ({
        file: n.file,
        why: n.why,
        readers: readers(n.file).map(email),
      })),
    })),
    accessCases: ACCESS_CASES.map((c) => ({
      id: c.id,
      file: c.file,
      relation: c.relation,
      allowed: c.allowed.map(email),
      denied: c.denied.map(email),
      what: c.what,
    })),
    skipped: DOCS.filter((d) => d.image).map((d) => d.path),
  };
  return (
    "# Demo questions and access cases for the Northwind corpus (see QUESTIONS.md).\n" +
    '# Generated by scripts/make-corpus.ts; paths are "<sync root>/<path>" as in manifest.yaml.\n' +
    (() => {
      const y = new YAML.Document(data);
      YAML.visit(y, {
        Seq(_, node) {
          if (node.items.every((i) => YAML.isScalar(i))) node.flow = true;
        },
      });
      return y.toString({ lineWidth: 0, flowCollectionPadding: false });
    })()
  );
}

// ---------------------------------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------------------------------

async function render(d: DocSpec): Promise<Buffer> {
  const ext = d.path.slice(d.path.lastIndexOf(".") + 1);
  switch (ext) {
    case "md":
    case "txt":
    case "csv":
      return Buffer.from(d.body.endsWith("\n") ? d.body : `${d.body}\n`, "utf8");
    case "pdf":
      return renderPdf(d);
    case "docx":
      return renderDocx(d);
    case "html":
      return Buffer.from(renderHtml(d), "utf8");
    case "png":
      if (!d.image) throw new Error(`${d.path}: no image`);
      return d.image();
    default:
      throw new Error(`${d.path}: unsupported extension`);
  }
}

async function main(): Promise<void> {
  validate();
  for (const s of SYNCS) rmSync(join(OUT, s.root), { recursive: true, force: true });
  let bytes = 0;
  const byExt = new Map<string, number>();
  const wordCounts: [string, number][] = [];
  for (const d of DOCS) {
    const out = await render(d);
    const file = join(OUT, d.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, out);
    bytes += out.length;
    const ext = d.path.slice(d.path.lastIndexOf(".") + 1);
    byExt.set(ext, (byExt.get(ext) ?? 0) + 1);
    if (!["csv", "png"].includes(ext)) wordCounts.push([d.path, d.body.split(/\s+/).filter(Boolean).length]);
  }
  const extra: [string, string][] = [
    ["manifest.yaml", manifestYaml()],
    ["README.md", readme()],
    ["QUESTIONS.md", questionsMd()],
    ["questions.yaml", questionsYaml()],
  ];
  for (const [name, text] of extra) {
    writeFileSync(join(OUT, name), text);
    bytes += Buffer.byteLength(text);
  }
  const words = wordCounts.map(([, n]) => n);
  console.log(
    `wrote ${DOCS.length} files (${[...byExt].map(([e, n]) => `${n} ${e}`).join(", ")}) and ${extra.length} ` +
      `metadata files to ${OUT}: ${(bytes / 1024).toFixed(0)} KiB; prose ${Math.min(...words)}-${Math.max(...words)} words`,
  );
  for (const [path, n] of wordCounts) if (n < 150 || n > 800) console.log(`  note: ${path} has ${n} words`);
}

await main();
