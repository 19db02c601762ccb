export { extractCsv } from "./csv.js";
export { extractDocx } from "./docx.js";
export { extractHtml } from "./html.js";
export { extractJson } from "./json.js";
export { extractPdf } from "./pdf.js";
export { extractPlain } from "./plain.js";
export { extractPptx } from "./pptx.js";
export type { ZipLimits } from "./safe-zip.js";
export { extractXlsx } from "./xlsx.js";
