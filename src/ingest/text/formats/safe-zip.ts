import yauzl from "yauzl";
import { ExtractError, messageOf } from "../errors.js";

/** What an OOXML zip may cost to open. (Time is bounded by the worker's deadline, see extract-pool.ts.) */
export interface ZipLimits {
  maxUncompressedBytes: number;
}

// Deflate cannot expand more than ~1032:1, so a directory that claims more than that overall is
// either lying about sizes or pointing many entries at the same bytes (an overlapping-entry bomb).
const maxDeflateRatio = 1032;
const maxEntries = 20_000;
const cfbMagic = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/**
 * Reads a zip's entries without letting it inflate past `maxUncompressedBytes`: the central
 * directory's declared sizes are summed and checked first, then every entry is inflated with
 * yauzl's size validation (an entry that inflates past its declared size is cut off), so the
 * check holds even when the directory lies. Returns the bytes of the entries `keep` selects.
 */
export async function readZipSafely(
  bytes: Uint8Array,
  limits: ZipLimits,
  keep: (name: string) => boolean = () => false,
): Promise<Map<string, Buffer>> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  refuseCompoundFile(buffer);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(buffer, {
      lazyEntries: true,
      autoClose: false,
      validateEntrySizes: true,
      strictFileNames: false,
    });
  } catch (cause) {
    throw new ExtractError("MALFORMED", `not a readable zip archive (${messageOf(cause)})`, { cause });
  }
  try {
    const entries = await listEntries(zip);
    checkDeclaredSizes(entries, buffer.length, limits.maxUncompressedBytes);
    const kept = new Map<string, Buffer>();
    for (const entry of entries) {
      const data = await inflate(zip, entry, keep(entry.fileName));
      if (data) kept.set(entry.fileName, data);
    }
    return kept;
  } finally {
    zip.close();
  }
}

/** Password-protected OOXML files are not zips but OLE compound files holding an encrypted package. */
function refuseCompoundFile(buffer: Buffer): void {
  if (!buffer.subarray(0, cfbMagic.length).equals(cfbMagic)) return;
  if (buffer.includes(Buffer.from("EncryptedPackage", "utf16le"))) {
    throw new ExtractError(
      "ENCRYPTED",
      "the Office file is password-protected: remove the password in the source app to index it",
    );
  }
  throw new ExtractError(
    "UNSUPPORTED_TYPE",
    "legacy binary Office format (.doc/.xls/.ppt) is not extracted: save it as DOCX/XLSX/PPTX",
  );
}

async function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  if (zip.entryCount > maxEntries) {
    throw new ExtractError("ZIP_BOMB", `the archive lists ${zip.entryCount} entries (limit ${maxEntries})`);
  }
  const entries: yauzl.Entry[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith("/")) continue;
      if (entry.isEncrypted()) {
        throw new ExtractError("ENCRYPTED", `zip entry ${entry.fileName} is encrypted: remove the password`);
      }
      entries.push(entry);
    }
  } catch (cause) {
    if (cause instanceof ExtractError) throw cause;
    throw new ExtractError("MALFORMED", `the zip directory is damaged (${messageOf(cause)})`, { cause });
  }
  if (entries.length === 0) throw new ExtractError("EMPTY", "the zip archive holds no files");
  return entries;
}

function checkDeclaredSizes(entries: yauzl.Entry[], fileSize: number, maxUncompressedBytes: number): void {
  const declared = entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
  if (declared > maxUncompressedBytes) {
    throw new ExtractError(
      "ZIP_BOMB",
      `the archive would inflate to ${declared} bytes, over the ${maxUncompressedBytes}-byte limit ` +
        "(raise maxUncompressedBytes if the file is genuine)",
    );
  }
  if (declared / Math.max(fileSize, 1) > maxDeflateRatio) {
    throw new ExtractError(
      "ZIP_BOMB",
      `the archive claims ${declared} bytes from ${fileSize}: more than compression can produce`,
    );
  }
}

async function inflate(zip: yauzl.ZipFile, entry: yauzl.Entry, keep: boolean): Promise<Buffer | undefined> {
  if (!entry.canDecodeFileData()) {
    throw new ExtractError(
      "MALFORMED",
      `zip entry ${entry.fileName} uses compression method ${entry.compressionMethod}, which is not supported`,
    );
  }
  const chunks: Buffer[] = [];
  try {
    const stream = await zip.openReadStreamPromise(entry);
    for await (const chunk of stream) if (keep) chunks.push(chunk as Buffer);
  } catch (cause) {
    // yauzl's size validation: the entry inflates to more than the directory declared.
    if (/too many bytes/i.test(messageOf(cause))) {
      throw new ExtractError(
        "ZIP_BOMB",
        `zip entry ${entry.fileName} inflates past its declared ${entry.uncompressedSize} bytes`,
        { cause },
      );
    }
    throw new ExtractError("MALFORMED", `zip entry ${entry.fileName} is damaged (${messageOf(cause)})`, {
      cause,
    });
  }
  return keep ? Buffer.concat(chunks) : undefined;
}
