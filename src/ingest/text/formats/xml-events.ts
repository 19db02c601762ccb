import { Parser } from "htmlparser2";

/** Callbacks for a SAX walk over an XML part; element names arrive without their namespace prefix. */
export interface XmlHandlers {
  open?(name: string, attributes: Record<string, string>): void;
  close?(name: string): void;
  text?(text: string): void;
}

/** Streams an XML part through htmlparser2 in XML mode (entities decoded), so big sheets stay cheap. */
export function walkXml(xml: string, handlers: XmlHandlers): void {
  const parser = new Parser(
    {
      onopentag: (name, attributes) => handlers.open?.(localName(name), attributes),
      onclosetag: (name) => handlers.close?.(localName(name)),
      ontext: (text) => handlers.text?.(text),
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.write(xml);
  parser.end();
}

function localName(name: string): string {
  const colon = name.indexOf(":");
  return colon >= 0 ? name.slice(colon + 1) : name;
}

/** `Relationship` Id → part path, resolved against the folder of the part that owns the .rels file. */
export function readRelationships(xml: string | undefined, ownerFolder: string): Map<string, string> {
  const targets = new Map<string, string>();
  if (!xml) return targets;
  walkXml(xml, {
    open(name, attributes) {
      const { Id: id, Target: target, TargetMode: mode } = attributes;
      if (name === "Relationship" && id && target && mode !== "External") {
        targets.set(id, resolvePartPath(ownerFolder, target));
      }
    },
  });
  return targets;
}

/** `("xl", "worksheets/sheet1.xml")` → `"xl/worksheets/sheet1.xml"`; absolute targets start at the root. */
export function resolvePartPath(folder: string, target: string): string {
  const segments = target.startsWith("/") ? [] : folder.split("/").filter(Boolean);
  for (const segment of target.split("/")) {
    if (segment === "..") segments.pop();
    else if (segment && segment !== ".") segments.push(segment);
  }
  return segments.join("/");
}
