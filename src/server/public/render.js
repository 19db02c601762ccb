// How one answer shows: its text with [n] links, one card per source document, the retrieval
// report. Every value from the server goes in through textContent, never innerHTML.

/** Only http(s) links are followed; anything else is shown as plain text. */
export function safeUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Citations grouped by document, in the order each document first appears: one card per file,
 * its chunks (passages) inside, in chunk order.
 */
export function groupByDocument(citations) {
  const documents = new Map();
  for (const citation of citations) {
    const key = `${citation.syncId}\u0000${citation.recordId}`;
    const document = documents.get(key) ?? { key, name: citation.name, url: citation.url, passages: [] };
    document.passages.push(citation);
    documents.set(key, document);
  }
  for (const document of documents.values()) document.passages.sort((a, b) => a.chunkIndex - b.chunkIndex);
  return [...documents.values()];
}

/** The answer text into `target`, each [n] a link to the card of source n (`cardIdOf(n)`). */
export function renderAnswer(target, text, cardIdOf) {
  target.replaceChildren();
  for (const part of text.split(/(\[\d+\])/)) {
    const match = /^\[(\d+)\]$/.exec(part);
    const id = match ? cardIdOf(Number(match[1])) : null;
    if (id) {
      const link = element("a", "cite", part);
      link.href = `#${id}`;
      target.append(link);
    } else if (part) target.append(document.createTextNode(part));
  }
}

/** One card per document: its name (a link when safe), which [n] it is, pages, and its passages. */
export function renderSources(container, citations, idPrefix) {
  container.replaceChildren();
  const cardIds = new Map();
  for (const document of groupByDocument(citations)) {
    const card = element("article", "source");
    card.id = `${idPrefix}-${document.passages[0].n}`;
    card.dataset.recordId = document.passages[0].recordId;
    for (const passage of document.passages) cardIds.set(passage.n, card.id);

    const head = element("header", "source-head");
    const url = document.url ? safeUrl(document.url) : null;
    const name = element(url ? "a" : "span", "source-name", document.name);
    if (url) {
      name.href = url;
      name.target = "_blank";
      name.rel = "noopener noreferrer";
    }
    head.append(name, element("span", "source-refs", document.passages.map((p) => `[${p.n}]`).join(" ")));

    const pages = [...new Set(document.passages.flatMap((p) => (p.page === undefined ? [] : [p.page])))];
    const meta = [
      `${document.passages.length} passage${document.passages.length === 1 ? "" : "s"}`,
      ...(pages.length > 0 ? [`${pages.length === 1 ? "page" : "pages"} ${pages.join(", ")}`] : []),
      `best score ${Math.max(...document.passages.map((p) => p.score)).toFixed(3)}`,
    ];
    // The best passage shows; the others of the same document wait behind "more".
    const [first, ...rest] = [...document.passages].sort((a, b) => a.n - b.n);
    card.append(head, element("p", "source-meta", meta.join(" · ")), passageOf(first));
    if (rest.length > 0) {
      const more = element("details", "more");
      more.append(element("summary", "", `${rest.length} more passage${rest.length === 1 ? "" : "s"}`));
      for (const passage of rest) more.append(passageOf(passage));
      card.append(more);
    }
    container.append(card);
  }
  return cardIds;
}

function passageOf(passage) {
  const item = element("p", "passage");
  const where = passage.page === undefined ? `chunk ${passage.chunkIndex}` : `page ${passage.page}`;
  item.append(element("span", "passage-where", `[${passage.n}] ${where}`), element("q", "", passage.excerpt));
  return item;
}

/** The retrieval report as label/value pairs (each value's `data-field` is its label). */
export function renderReport(list, report) {
  const rows = [
    ["Searched", report.query],
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
  list.replaceChildren();
  for (const [label, value] of rows) {
    const row = element("div", label === "Searched" ? "wide" : "");
    const dd = element("dd", "", String(value));
    dd.dataset.field = label;
    row.append(element("dt", "", label), dd);
    list.append(row);
  }
}
