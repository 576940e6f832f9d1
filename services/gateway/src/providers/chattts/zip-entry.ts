/** The first file of a zip archive (stored or deflated), enough to unwrap ChatTTS's answer. */
import { inflateRawSync } from "node:zlib";

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;

export function firstZipEntry(zip: Buffer): { name: string; data: Buffer } {
  if (zip.length < 30 || zip.readUInt32LE(0) !== LOCAL_HEADER) throw new Error("not a zip archive");
  const method = zip.readUInt16LE(8);
  const nameLength = zip.readUInt16LE(26);
  const extraLength = zip.readUInt16LE(28);
  const name = zip.subarray(30, 30 + nameLength).toString("utf8");
  const start = 30 + nameLength + extraLength;
  let compressedSize = zip.readUInt32LE(18);
  // With a data descriptor (bit 3) the sizes live in the central directory instead.
  if (zip.readUInt16LE(6) & 0x8) {
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    if (central === -1 || zip.readUInt32LE(central) !== CENTRAL_HEADER)
      throw new Error("zip has no central directory");
    compressedSize = zip.readUInt32LE(central + 20);
  }
  const data = zip.subarray(start, start + compressedSize);
  if (method === 0) return { name, data };
  if (method === 8) return { name, data: inflateRawSync(data) };
  throw new Error(`unsupported zip compression method ${method}`);
}
