import type { Doc } from "../company.js";
import { type Block, bodyBlocks, spans, titleOf, updatedAt } from "../markdown.js";
import type { RenderContext } from "./index.js";

// HTML as the providers export it: a Confluence page in Drive, a SharePoint page in SharePoint, with their
// navigation, metadata and scripts around the content (ingest must find the text among them).

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

/** The document as an exported SharePoint page (under sharepoint/) or Confluence page (anywhere else). */
export function renderHtml(d: Doc, { author: owner, shortName, spaceKey }: RenderContext): string {
  const title = titleOf(d);
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
<title>${htmlEscape(title)} - ${htmlEscape(crumbs[0] ?? shortName)} - ${htmlEscape(shortName)} Confluence</title>
<link rel="stylesheet" href="/s/en_GB/9012/batch.css" media="all">
<script>window.AJS=window.AJS||{};AJS.Meta={"page-id":"${(titleOf(d).length * 7919) % 1000000}","space-key":"${spaceKey}","remote-user":""};</script>
<script src="/s/en_GB/9012/batch.js" defer></script>
<script async src="https://analytics.example/collect.js"></script>
</head>
<body id="com-atlassian-confluence" class="theme-default aui-layout aui-theme-default">
<header id="header" role="banner">
  <nav class="aui-header" aria-label="Site">
    <a class="aui-header-logo" href="/"><span>${htmlEscape(shortName)} Confluence</span></a>
    <ul class="aui-nav"><li><a href="/spaces">Spaces</a></li><li><a href="/people">People</a></li><li><a href="/create">+ Create</a></li></ul>
    <form class="aui-quicksearch"><input type="search" placeholder="Search"></form>
  </nav>
</header>
<div id="sidebar" class="ia-fixed-sidebar">
  <div class="space-name">${htmlEscape(crumbs[0] ?? shortName)}</div>
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
