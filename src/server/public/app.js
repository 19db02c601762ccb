// The chat page: pick who you are, ask, read the streamed answer, its sources and the retrieval report.
// Plain DOM, no framework; every value from the server goes in through textContent, never innerHTML.

const $ = (id) => document.getElementById(id);
const main = $("main");
const form = $("ask-form");
const personSelect = $("person");
const questionBox = $("question");
const askButton = $("ask");
const statusLine = $("status");
const errorBox = $("error");
let identityHeader = null;
let tenantHeader = null;

/** Splits a fetch body into Server-Sent Events ({ event, data }). */
async function* readEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n/g, "\n");
    let end = buffer.indexOf("\n\n");
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) yield { event, data: JSON.parse(data.join("\n")) };
      end = buffer.indexOf("\n\n");
    }
  }
}

function setState(state, message = "") {
  main.dataset.state = state;
  statusLine.textContent = message;
  askButton.disabled = state === "asking";
}

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = false;
}

/** Only http(s) links are followed; anything else is shown as plain text. */
function safeUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** The answer text, with each [n] turned into a link to source n. */
function renderAnswer(text) {
  const target = $("answer");
  target.replaceChildren();
  const parts = text.split(/(\[\d+\])/);
  for (const part of parts) {
    const match = /^\[(\d+)\]$/.exec(part);
    if (match) {
      const link = document.createElement("a");
      link.className = "cite";
      link.href = `#cite-${match[1]}`;
      link.textContent = part;
      target.append(link);
    } else if (part) target.append(document.createTextNode(part));
  }
}

function addCitation(citation) {
  const item = document.createElement("li");
  item.id = `cite-${citation.n}`;
  item.className = "citation";
  item.value = citation.n;
  item.dataset.recordId = citation.recordId;
  const url = citation.url ? safeUrl(citation.url) : null;
  const name = document.createElement(url ? "a" : "span");
  name.className = "citation-name";
  name.textContent = citation.name;
  if (url) {
    name.href = url;
    name.target = "_blank";
    name.rel = "noopener noreferrer";
  }
  const meta = document.createElement("span");
  meta.className = "citation-meta";
  const where = [`chunk ${citation.chunkIndex}`];
  if (citation.page !== undefined) where.push(`page ${citation.page}`);
  where.push(`score ${citation.score.toFixed(3)}`);
  meta.textContent = where.join(" · ");
  const excerpt = document.createElement("blockquote");
  excerpt.textContent = citation.excerpt;
  item.append(name, meta, excerpt);
  $("citations").append(item);
  $("no-sources").hidden = true;
}

function renderReport(report) {
  const rows = [
    ["Strategy", report.strategy],
    ["Returned / k", `${report.returned} / ${report.k}`],
    ["Candidates scanned", report.candidatesScanned],
    ["Permission calls", report.permissionCalls],
    ["Objects checked", report.checks],
    ["Cache hits", report.cacheHits],
    [
      "Stopped because",
      report.budgetHit ? `budget: ${report.budgetHit}` : report.exhausted ? "store exhausted" : "k found",
    ],
    ["Time", `${report.elapsedMs} ms`],
  ];
  if (report.itemErrors > 0) rows.push(["Undecided (denied)", report.itemErrors]);
  const list = $("report");
  list.replaceChildren();
  for (const [label, value] of rows) {
    const row = document.createElement("div");
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = String(value);
    dd.dataset.field = label;
    row.append(dt, dd);
    list.append(row);
  }
  $("report-reason").textContent = report.reason ? `Planner: ${report.reason}` : "";
}

async function ask(question, person, tenant) {
  errorBox.hidden = true;
  $("result").hidden = true;
  $("citations").replaceChildren();
  $("no-sources").hidden = false;
  $("answer").replaceChildren();
  $("asked-as").textContent = person ? `as ${person}` : "";
  setState("asking", "Retrieving what you may read…");
  const headers = { "content-type": "application/json", accept: "text/event-stream" };
  if (identityHeader && person) headers[identityHeader] = person;
  if (tenantHeader && tenant) headers[tenantHeader] = tenant;
  let response;
  try {
    response = await fetch("/api/chat", {
      method: "POST",
      headers,
      body: JSON.stringify({ question, stream: true }),
    });
  } catch (error) {
    setState("error");
    showError(`Could not reach the server: ${error.message}`);
    return;
  }
  const type = response.headers.get("content-type") ?? "";
  if (!response.ok || !type.startsWith("text/event-stream")) {
    const body = await response.json().catch(() => ({}));
    setState("error");
    showError(`${response.status}: ${body.error?.message ?? response.statusText}`);
    return;
  }
  let answer = "";
  $("result").hidden = false;
  for await (const { event, data } of readEvents(response)) {
    if (event === "report") renderReport(data);
    else if (event === "citation") addCitation(data);
    else if (event === "delta") {
      answer += data.text;
      renderAnswer(answer);
      statusLine.textContent = "Answering…";
    } else if (event === "done") {
      renderAnswer(data.answer);
      setState("done", `Answered by ${data.answerer}.`);
      return;
    } else if (event === "error") {
      setState("error");
      showError(`${data.code}: ${data.message}`);
      return;
    }
  }
  setState("error");
  showError("The answer stream ended early; try again.");
}

async function start() {
  const response = await fetch("/api/people");
  const { people, questions, identity } = await response.json();
  identityHeader = identity?.header ?? null;
  tenantHeader = identity?.tenantHeader ?? null;
  if (!identityHeader) {
    // Real sign-in decides who you are: no picker.
    $("person-field").hidden = true;
    personSelect.required = false;
  }
  for (const person of people) {
    const option = document.createElement("option");
    option.value = person.email;
    if (person.tenant) option.dataset.tenant = person.tenant;
    option.textContent = [person.name ?? person.email, person.title].filter(Boolean).join(" — ");
    personSelect.append(option);
  }
  for (const question of questions) {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.textContent = question;
    chip.addEventListener("click", () => {
      questionBox.value = question;
      questionBox.focus();
    });
    $("suggestions").append(chip);
  }
  setState("idle");
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const question = questionBox.value.trim();
  const picked = personSelect.selectedOptions[0];
  if (question)
    void ask(question, identityHeader ? personSelect.value : null, picked?.dataset.tenant ?? null);
});
questionBox.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    form.requestSubmit();
  }
});

start().catch((error) => {
  setState("error");
  showError(`The page could not load its settings: ${error.message}`);
});
