// The chat page: pick a company and a person, hold a conversation as them, and (demo) compare two
// people asking the same thing side by side. Plain DOM modules, no framework, no build step.

import { Conversation } from "./conversation.js";

const $ = (id) => document.getElementById(id);
const main = $("main");
const companySelect = $("company");
const personSelect = $("person");
const secondSelect = $("person-b");
const compareBox = $("compare");
const questionBox = $("question");
const askButton = $("ask");
const statusLine = $("status");
const errorBox = $("error");

let people = [];
let questions = [];
let identity = null;
/** The conversations on screen: one, or two side by side when comparing. */
let conversations = [];

function setState(state, message = "") {
  main.dataset.state = state;
  statusLine.textContent = message;
  askButton.disabled = state === "asking";
}

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = false;
}

const tenantOf = (entry) => (typeof entry === "string" ? { id: entry, name: entry } : entry);
const personKey = (person) => `${person.tenant ?? ""}\u0000${person.email}`;
const personLabel = (person) => [person.name ?? person.email, person.title].filter(Boolean).join(" — ");

function option(value, text) {
  const node = document.createElement("option");
  node.value = value;
  node.textContent = text;
  return node;
}

function peopleOf(tenant) {
  return people.filter((p) => !tenant || !p.tenant || p.tenant === tenant);
}

function selected(select) {
  return people.find((p) => personKey(p) === select.value) ?? null;
}

/** Who a conversation asks as: the person picked in `select`, sent in the demo identity headers. */
function askerFor(select) {
  return {
    headers() {
      const person = selected(select);
      if (!identity || !person) return {};
      const headers = { [identity.header]: person.email };
      if (identity.tenantHeader && person.tenant) headers[identity.tenantHeader] = person.tenant;
      return headers;
    },
    label() {
      const person = selected(select);
      return person ? personLabel(person) : "You";
    },
    name() {
      return selected(select)?.name ?? selected(select)?.email ?? "You";
    },
  };
}

function fillPeople() {
  const tenant = companySelect.value;
  for (const select of [personSelect, secondSelect]) {
    select.replaceChildren(...peopleOf(tenant).map((p) => option(personKey(p), personLabel(p))));
  }
  // Comparing starts with someone other than the first person.
  if (secondSelect.options.length > 1) secondSelect.selectedIndex = 1;
}

function fillSuggestions() {
  const tenant = companySelect.value;
  const chips = questions
    .map((q) => (typeof q === "string" ? { question: q } : q))
    .filter((q) => !tenant || !q.tenant || q.tenant === tenant)
    .map(({ question }) => {
      const chip = document.createElement("button");
      chip.type = "button";
      chip.textContent = question;
      // A suggested question is asked at once, as the next turn.
      chip.addEventListener("click", () => void ask(question));
      return chip;
    });
  $("suggestions").replaceChildren(...chips);
}

/** One conversation, or two side by side while comparing; each starts over. */
function layout() {
  for (const conversation of conversations) conversation.remove();
  const columns = $("columns");
  conversations = [new Conversation(columns, askerFor(personSelect))];
  if (compareBox.checked) conversations.push(new Conversation(columns, askerFor(secondSelect)));
  columns.dataset.count = String(conversations.length);
  $("person-b-field").hidden = !compareBox.checked;
}

async function ask(question) {
  if (main.dataset.state === "asking") return;
  errorBox.hidden = true;
  questionBox.value = "";
  setState("asking", conversations.length > 1 ? "Asking both people…" : "Retrieving what you may read…");
  const results = await Promise.all(conversations.map((c) => c.ask(question)));
  const failed = results.filter((r) => !r.ok).length;
  setState("done", failed > 0 ? `${failed} of ${results.length} could not be answered.` : "");
}

async function start() {
  const response = await fetch("/api/people");
  const body = await response.json();
  people = body.people ?? [];
  questions = body.questions ?? [];
  identity = body.identity ?? null;
  // Companies with their names when the server gives them, else the bare tenant ids.
  const tenants = body.companies?.length
    ? body.companies.map((c) => ({ id: c.tenant, name: c.name ?? c.tenant }))
    : (body.tenants ?? []).map(tenantOf);
  companySelect.replaceChildren(...tenants.map((t) => option(t.id, t.name ?? t.id)));
  if (!identity) {
    // Real sign-in decides who you are: no pickers, nothing to compare.
    for (const id of ["company-field", "person-field", "compare-field", "identity-note"]) $(id).hidden = true;
  } else if (tenants.length === 0) $("company-field").hidden = true;
  fillPeople();
  fillSuggestions();
  layout();
  setState("idle");
}

companySelect.addEventListener("change", () => {
  fillPeople();
  fillSuggestions();
  layout();
});
personSelect.addEventListener("change", () => conversations[0]?.reset());
secondSelect.addEventListener("change", () => conversations[1]?.reset());
compareBox.addEventListener("change", layout);
$("new-chat").addEventListener("click", () => {
  for (const conversation of conversations) conversation.reset();
});
$("ask-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const question = questionBox.value.trim();
  if (question) void ask(question);
});
questionBox.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    $("ask-form").requestSubmit();
  }
});

start().catch((error) => {
  setState("error");
  showError(`The page could not load its settings: ${error.message}`);
});
