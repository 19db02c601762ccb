import type { Doc } from "../company.js";
import { renderDocx } from "./docx.js";
import { renderHtml } from "./html.js";
import { renderPdf } from "./pdf.js";
import { IMAGES } from "./png.js";

/** Who a rendered file says it is from: bylines, document properties, wiki chrome. */
export interface RenderContext {
  /** the company's name, e.g. "Northwind Labs" */
  company: string;
  /** its short name, e.g. "Northwind" (the Confluence site's name) */
  shortName: string;
  /** the Confluence space key of its wiki pages */
  spaceKey: string;
  /** the document owner's name */
  author: string;
}

/** A document's bytes in the format its extension names. */
export async function renderDocument(d: Doc, context: RenderContext): Promise<Buffer> {
  const ext = d.path.slice(d.path.lastIndexOf(".") + 1);
  switch (ext) {
    case "md":
    case "txt":
    case "csv":
      return Buffer.from(d.body.endsWith("\n") ? d.body : `${d.body}\n`, "utf8");
    case "pdf":
      return renderPdf(d, context);
    case "docx":
      return renderDocx(d, context);
    case "html":
      return Buffer.from(renderHtml(d, context), "utf8");
    case "png":
      if (!d.image) throw new Error(`${d.path}: an image document names its drawing (image: logo|diagram)`);
      return IMAGES[d.image]();
    default:
      throw new Error(`${d.path}: unsupported extension`);
  }
}
