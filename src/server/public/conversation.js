// One conversation column: a person's thread of turns, sent whole to /api/chat so follow-ups are
// understood, each turn streamed in and retrieved anew for that person.

import { readEvents } from "./events.js";
import { element, renderAnswer, renderReport, renderSources } from "./render.js";

let columns = 0;

export class Conversation {
  /**
   * @param {HTMLElement} parent where the column goes
   * @param {{ headers: () => Record<string, string>, label: () => string }} asker who asks (identity headers, a name)
   */
  constructor(parent, asker) {
    this.id = `c${++columns}`;
    this.asker = asker;
    this.messages = [];
    this.turns = 0;
    this.column = element("section", "column");
    this.column.dataset.testid = "conversation";
    this.head = element("h2", "column-head");
    this.thread = element("div", "thread");
    this.empty = element("p", "empty", "Ask a question to start the conversation.");
    this.column.append(this.head, this.thread, this.empty);
    parent.append(this.column);
    this.refreshHead();
  }

  refreshHead() {
    this.head.textContent = this.asker.label();
  }

  /** Starts over: a new person, or a new conversation. */
  reset() {
    this.messages = [];
    this.thread.replaceChildren();
    this.empty.hidden = false;
    this.refreshHead();
  }

  remove() {
    this.column.remove();
  }

  /** Asks `question` as the next turn; resolves when its answer is complete (or failed). */
  async ask(question) {
    this.empty.hidden = true;
    const turn = this.#newTurn(question);
    const messages = [...this.messages, { role: "user", content: question }];
    let response;
    try {
      response = await fetch("/api/chat", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", ...this.asker.headers() },
        body: JSON.stringify({ messages, stream: true }),
      });
    } catch (error) {
      return turn.fail(`Could not reach the server: ${error.message}`);
    }
    const type = response.headers.get("content-type") ?? "";
    if (!response.ok || !type.startsWith("text/event-stream")) {
      const body = await response.json().catch(() => ({}));
      return turn.fail(`${response.status}: ${body.error?.message ?? response.statusText}`);
    }
    const citations = [];
    let cardIds = new Map();
    let answer = "";
    const cardIdOf = (n) => cardIds.get(n) ?? null;
    for await (const { event, data } of readEvents(response)) {
      if (event === "report") renderReport(turn.report, data);
      else if (event === "citation") {
        citations.push(data);
        cardIds = renderSources(turn.sources, citations, turn.idPrefix);
        turn.sourcesHead.hidden = false;
      } else if (event === "delta") {
        answer += data.text;
        renderAnswer(turn.answer, answer, cardIdOf);
      } else if (event === "done") {
        renderAnswer(turn.answer, data.answer, cardIdOf);
        this.messages = [...messages, { role: "assistant", content: data.answer }];
        return turn.finish(data.answered, data.answerer);
      } else if (event === "error") {
        return turn.fail(`${data.code}: ${data.message}`);
      }
    }
    return turn.fail("The answer stream ended early; try again.");
  }

  #newTurn(question) {
    const n = ++this.turns;
    const root = element("article", "turn");
    root.dataset.state = "asking";
    root.dataset.testid = "turn";
    const asked = element("div", "asked");
    asked.append(element("span", "asked-who", this.asker.name()), element("p", "asked-text", question));
    const reply = element("div", "reply");
    const answer = element("p", "answer", "Retrieving what this person may read…");
    answer.dataset.testid = "answer";
    const verdict = element("p", "verdict", "Nothing this person may read answers this.");
    verdict.hidden = true;
    const sourcesHead = element("h3", "sources-head", "Sources this person may read");
    sourcesHead.hidden = true;
    const sources = element("div", "sources");
    sources.dataset.testid = "sources";
    const details = element("details", "details");
    details.dataset.testid = "details";
    const summary = element("summary", "", "Details: what was searched and checked");
    const report = element("dl", "report");
    report.dataset.testid = "report";
    details.append(summary, report);
    const footer = element("p", "turn-status");
    reply.append(answer, verdict, sourcesHead, sources, details, footer);
    root.append(asked, reply);
    this.thread.append(root);
    // The new question at the top of the view, so its answer is above the fold.
    root.scrollIntoView({ block: "start", behavior: "instant" });
    return {
      idPrefix: `${this.id}-t${n}-src`,
      answer,
      sources,
      sourcesHead,
      report,
      finish(answered, answerer) {
        root.dataset.state = "done";
        root.dataset.answered = String(answered);
        verdict.hidden = answered;
        footer.textContent = `Answered by ${answerer}.`;
        return { ok: true };
      },
      fail(message) {
        root.dataset.state = "error";
        answer.textContent = "";
        const problem = element("p", "problem", message);
        problem.setAttribute("role", "alert");
        reply.prepend(problem);
        return { ok: false };
      },
    };
  }
}
