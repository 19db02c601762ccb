import type { NodeType } from "./types.js";

/** The link a record's `url` shows: the provider's real URL pattern where the emulator knows it. */
export function providerUrl(integration: string, type: NodeType, externalId: string): string {
  const id = encodeURIComponent(externalId);
  switch (integration) {
    case "googledrive":
      return type === "folder"
        ? `https://drive.google.com/drive/folders/${id}`
        : `https://drive.google.com/file/d/${id}/view`;
    case "box":
      return `https://app.box.com/${type}/${id}`;
    case "dropbox":
      return `https://www.dropbox.com/home?preview=${id}`;
    default:
      return `https://${integration}.emulator.invalid/${type}/${id}`;
  }
}
