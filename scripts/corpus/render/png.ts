import { deflateSync } from "node:zlib";

// Two tiny images drawn pixel by pixel (ingest records them as skipped): an image document names one in its
// front matter (`image: logo`).

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function png(
  width: number,
  height: number,
  pixel: (x: number, y: number) => [number, number, number],
): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), row + 1 + x * 3);
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const NAVY: [number, number, number] = [27, 42, 74];
const TEAL: [number, number, number] = [43, 179, 163];
const WHITE: [number, number, number] = [255, 255, 255];

function logoPng(): Buffer {
  return png(64, 64, (x, y) => {
    const inCircle = (x - 31.5) ** 2 + (y - 31.5) ** 2 <= 30 ** 2;
    if ((x - 47) ** 2 + (y - 15) ** 2 <= 5 ** 2) return TEAL;
    if (!inCircle) return WHITE;
    const bar = (x >= 19 && x <= 24) || (x >= 39 && x <= 44);
    const diag = Math.abs(x - 19 - ((y - 18) * 25) / 28) <= 3;
    return y >= 18 && y <= 46 && (bar || diag) ? WHITE : NAVY;
  });
}

function diagramPng(): Buffer {
  const boxes: [number, number, number, number, [number, number, number]][] = [
    [8, 70, 56, 40, TEAL], // ingest
    [84, 70, 56, 40, NAVY], // kafka
    [160, 20, 56, 40, NAVY], // tracker
    [160, 120, 56, 40, NAVY], // eta
    [236, 70, 56, 40, TEAL], // notify / gateway
  ];
  const lines: [number, number, number, number][] = [
    [64, 90, 84, 90],
    [140, 90, 160, 40],
    [140, 90, 160, 140],
    [216, 40, 236, 90],
    [216, 140, 236, 90],
  ];
  return png(300, 180, (x, y) => {
    for (const [bx, by, bw, bh, color] of boxes)
      if (x >= bx && x < bx + bw && y >= by && y < by + bh) return color;
    for (const [x0, y0, x1, y1] of lines) {
      if (x < Math.min(x0, x1) || x > Math.max(x0, x1)) continue;
      const ty = y0 + ((y1 - y0) * (x - x0)) / (x1 - x0 || 1);
      if (Math.abs(y - ty) <= 1) return [120, 130, 150];
    }
    return [246, 248, 251];
  });
}

/** The drawings an image document may name. */
export const IMAGES = { logo: logoPng, diagram: diagramPng };
