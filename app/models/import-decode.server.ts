/**
 * What an import file is, decided strictly before a row is read (issue 12): an Excel
 * workbook (the zip signature `PK\x03\x04`, whatever its name), or text in UTF-8 (with or
 * without BOM), UTF-16 LE/BE (by its BOM) or GB18030 (which includes GBK: Excel's
 * "CSV (逗号分隔)" on Chinese Windows). Never guessed from a sample: the whole file is
 * checked, so no text is stored decoded with the wrong encoding.
 *
 * - a BOM decides (UTF-8, UTF-16LE, UTF-16BE), and the whole file must then decode strictly;
 *   UTF-16 without a BOM is recognised by the zero bytes of its ASCII characters;
 * - otherwise the file must be valid UTF-8 (TextDecoder with `fatal`), else valid GB18030
 *   (iconv-lite: no replacement character anywhere);
 * - one ambiguity is resolved towards GB18030: a file that is valid UTF-8 with two-byte
 *   characters beyond the Latin letters (Cyrillic, Greek: "лΰ") and no character of three
 *   bytes (every Chinese character in UTF-8), and whose every GB18030 character is a common
 *   (GB2312) one (GBK's 谢伟 is the valid UTF-8 "лΰ"); accented Latin letters alone (José,
 *   Zoë) stay UTF-8;
 * - a file that decodes as none of them is refused, naming the line of its first bad byte.
 */
import { Transform } from "node:stream";
import iconv from "iconv-lite";

export const TEXT_ENCODINGS = ["utf-8", "utf-8-bom", "utf-16le", "utf-16be", "gb18030"] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];
/** How a file was read; shown in the report (`customers:import.formats.<format>`). */
export type FileFormat = TextEncoding | "xlsx";

export type Detection =
  | { format: "xlsx" }
  | { format: TextEncoding; delimiter: "," | "\t" }
  | { format: null; line: number };

/** A way to read the file's bytes from the start (called once per pass). */
export type ByteSource = () => AsyncIterable<Buffer>;

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const startsWith = (b: Buffer, sig: number[]) => b.length >= sig.length && sig.every((x, i) => b[i] === x);

/** Reads the first n bytes. */
async function head(bytes: ByteSource, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  for await (const chunk of bytes()) {
    parts.push(chunk);
    have += chunk.length;
    if (have >= n) break;
  }
  return Buffer.concat(parts).subarray(0, n);
}

/** Tab or comma, by which the header line holds more of (Excel's "Unicode 文本" is tab-separated). */
export function delimiterOf(firstLine: string): "," | "\t" {
  const tabs = firstLine.split("\t").length - 1;
  const commas = firstLine.split(",").length - 1;
  return tabs > commas ? "\t" : ",";
}

const firstLineOf = (text: string) => text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007F]/;
const THREE_BYTES = /[^\u0000-\u07FF]/;
const NON_LATIN_TWO_BYTES = /[\u0250-\u07FF]/;

interface TextCheck { ok: boolean; firstLine: string; badLine: number; looksLikeGbk: boolean; chinese: boolean }

/** Decodes the whole file strictly with a WHATWG decoder (UTF-8, UTF-16). */
async function checkStrict(bytes: ByteSource, label: "utf-8" | "utf-16le" | "utf-16be"): Promise<TextCheck> {
  const decoder = new TextDecoder(label, { fatal: true, ignoreBOM: false });
  let firstLine: string | null = null;
  let line = 1;
  let nonLatin = false;
  let threeByte = false;
  let prefix = "";
  try {
    for await (const chunk of bytes()) {
      const text = decoder.decode(chunk, { stream: true });
      if (firstLine === null) {
        prefix += text;
        if (/\r?\n/.test(prefix) || prefix.length > 65536) firstLine = firstLineOf(prefix);
      }
      if (label === "utf-8" && !threeByte && NON_ASCII.test(text)) {
        if (THREE_BYTES.test(text)) threeByte = true;
        // two-byte characters beyond the Latin letters (Cyrillic, Greek…): what GBK's 谢伟 looks like
        else if (!nonLatin && NON_LATIN_TWO_BYTES.test(text)) nonLatin = true;
      }
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) line++;
    }
    const rest = decoder.decode();
    if (firstLine === null) firstLine = firstLineOf(prefix + rest);
  } catch {
    return { ok: false, firstLine: firstLine ?? "", badLine: line, looksLikeGbk: false, chinese: false };
  }
  return { ok: true, firstLine, badLine: 0, looksLikeGbk: nonLatin && !threeByte, chinese: false };
}

/**
 * Decodes the whole file as GB18030: valid when no byte sequence became a replacement
 * character. `chinese`: every two-byte character is in the GB2312 area (lead A1–F7, trail
 * A1–FE: the common Chinese characters and punctuation) and none takes four bytes — what a
 * dealer's Chinese text is made of; UTF-8 Cyrillic or Latin letters read as GB18030 land
 * in the rare extension areas.
 */
async function checkGb18030(bytes: ByteSource): Promise<TextCheck> {
  const decoder = iconv.getDecoder("gb18030");
  let firstLine: string | null = null;
  let prefix = "";
  let line = 1;
  let chinese = true;
  let lead = -1; // a lead byte waiting for its trail (across chunks)
  const scan = (chunk: Buffer) => {
    for (let i = 0; i < chunk.length && chinese; i++) {
      const b = chunk[i]!;
      if (lead >= 0) {
        if (!(lead >= 0xa1 && lead <= 0xf7 && b >= 0xa1 && b <= 0xfe)) chinese = false;
        lead = -1;
      } else if (b >= 0x80) lead = b;
    }
  };
  const look = (text: string): boolean => {
    if (firstLine === null) {
      prefix += text;
      if (/\r?\n/.test(prefix) || prefix.length > 65536) firstLine = firstLineOf(prefix);
    }
    const bad = text.indexOf("\uFFFD");
    const upTo = bad >= 0 ? text.slice(0, bad) : text;
    for (let i = upTo.indexOf("\n"); i >= 0; i = upTo.indexOf("\n", i + 1)) line++;
    return bad < 0;
  };
  for await (const chunk of bytes()) {
    scan(chunk);
    if (!look(decoder.write(chunk))) return { ok: false, firstLine: firstLine ?? "", badLine: line, looksLikeGbk: false, chinese: false };
  }
  if (!look(decoder.end() ?? "")) return { ok: false, firstLine: firstLine ?? "", badLine: line, looksLikeGbk: false, chinese: false };
  return { ok: true, firstLine: firstLine ?? firstLineOf(prefix), badLine: 0, looksLikeGbk: false, chinese };
}

/**
 * UTF-16 text saved without its BOM: ASCII characters (the header, codes, digits) leave a zero
 * byte in every other position — after each character (LE) or before it (BE). UTF-8 text
 * never has zero bytes (a NUL would be refused as a control character anyway).
 */
function utf16WithoutBom(sample: Buffer): "utf-16le" | "utf-16be" | null {
  const pairs = Math.floor(sample.length / 2);
  if (pairs < 4) return null;
  let evenZero = 0, oddZero = 0;
  for (let i = 0; i + 1 < sample.length; i += 2) {
    if (sample[i] === 0) evenZero++;
    if (sample[i + 1] === 0) oddZero++;
  }
  if (oddZero > pairs * 0.3 && evenZero === 0) return "utf-16le";
  if (evenZero > pairs * 0.3 && oddZero === 0) return "utf-16be";
  return null;
}

/** Decides how a file is read (see the module comment). */
export async function detectFormat(bytes: ByteSource): Promise<Detection> {
  const start = await head(bytes, 4);
  if (startsWith(start, ZIP)) return { format: "xlsx" };
  if (startsWith(start, [0xff, 0xfe]) || startsWith(start, [0xfe, 0xff])) {
    const label = start[0] === 0xff ? "utf-16le" : "utf-16be";
    const check = await checkStrict(bytes, label);
    return check.ok ? { format: label, delimiter: delimiterOf(check.firstLine) } : { format: null, line: check.badLine };
  }
  const bomless16 = utf16WithoutBom(await head(bytes, 4096));
  if (bomless16) {
    const check = await checkStrict(bytes, bomless16);
    if (check.ok) return { format: bomless16, delimiter: delimiterOf(check.firstLine) };
  }
  const bom = startsWith(start, [0xef, 0xbb, 0xbf]);
  const utf8 = await checkStrict(bytes, "utf-8");
  if (bom) return utf8.ok ? { format: "utf-8-bom", delimiter: delimiterOf(utf8.firstLine) } : { format: null, line: utf8.badLine };
  if (utf8.ok && !utf8.looksLikeGbk) return { format: "utf-8", delimiter: delimiterOf(utf8.firstLine) };
  const gb = await checkGb18030(bytes);
  if (gb.ok && (!utf8.ok || gb.chinese)) return { format: "gb18030", delimiter: delimiterOf(gb.firstLine) };
  if (utf8.ok) return { format: "utf-8", delimiter: delimiterOf(utf8.firstLine) };
  return { format: null, line: gb.badLine };
}

/**
 * The stream that turns the file's bytes into text for the CSV parser: none for UTF-8 (the
 * parser reads UTF-8 and drops its BOM), iconv-lite's decoder otherwise (it drops a UTF-16 BOM).
 */
export function textDecoderStream(format: TextEncoding): Transform | null {
  if (format === "utf-8" || format === "utf-8-bom") return null;
  return iconv.decodeStream(format === "utf-16be" ? "utf-16be" : format) as unknown as Transform;
}
