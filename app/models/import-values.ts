/**
 * Cell values of the customer-base import as dealer files write them (issue 12): dates in the
 * spellings of Chinese DMS exports and Excel (serial numbers, date cells), amounts with
 * currency marks and thousands separators, phones with full-width digits or Excel's
 * scientific notation, and the Chinese words for the enumerations. Plain functions, no I/O,
 * browser-safe; the reader (import-csv.server.ts) reports the refusals with file, line and column.
 */
import { yuanToFen } from "~/utils/money";
import { PREFERENCES, USAGES, VISIT_TYPES, VISIT_TYPE_ZH, type Usage, type VisitType } from "./domain";

// ── text ───────────────────────────────────────────────────────────────────────────

/** Full-width ASCII (０-９, Ａ-Ｚ, ＋, －, ，, ．…) → ASCII, and the ideographic space → a space. */
export function toHalfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0)).replace(/\u3000/g, " ");
}

// ── dates ──────────────────────────────────────────────────────────────────────────

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MIN_YEAR = 1900;
const MAX_YEAR = 2199;

function isoDay(y: number, mo: number, d: number): string | null {
  if (!Number.isInteger(y) || y < MIN_YEAR || y > MAX_YEAR || mo < 1 || mo > 12 || d < 1) return null;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!)) return null;
  return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** An optional time after a date: ` 0:00`, ` 0:00:00`, `T08:30:00.000`, `Z`; checked, then dropped. */
const TIME = String.raw`(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?Z?)?`;
const DATE_RES = [
  new RegExp(String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})${TIME}$`),
  new RegExp(String.raw`^(\d{4})年(\d{1,2})月(\d{1,2})日?${TIME}$`),
  new RegExp(String.raw`^(\d{4})(\d{2})(\d{2})${TIME}$`),
];
const SERIAL_RE = /^(\d{5,6})(?:\.\d+)?$/;
const DAY_MS = 86_400_000;
/** Excel's day 0 for serials ≥ 61 (Excel counts a 29 February 1900 that never was). */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** An Excel serial day number (time fraction dropped) → ISO date, or null. Serial 60 is the 1900-02-29 that never was. */
export function excelSerialToDate(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial === 60 || serial >= 60 && serial < 61) return null;
  const day = Math.floor(serial) + (serial < 60 ? 1 : 0);
  const d = new Date(EXCEL_EPOCH + day * DAY_MS);
  return isoDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/**
 * A date as dealer files write it → `YYYY-MM-DD`, or null when it is not a real calendar day
 * (1900–2199): `2026-3-5`, `2026/3/5`, `2026.3.5`, `2026年3月5日`, `20260305`, each with an
 * optional time part (`2026-3-5 0:00:00`), and Excel serial numbers (`46086`, 5–6 digits).
 */
export function parseImportDate(raw: string): string | null {
  const s = toHalfWidth(raw).trim();
  for (const re of DATE_RES) {
    const m = re.exec(s);
    if (!m) continue;
    if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || (m[6] !== undefined && Number(m[6]) > 59))) return null;
    return isoDay(Number(m[1]), Number(m[2]), Number(m[3]));
  }
  const serial = SERIAL_RE.exec(s);
  return serial ? excelSerialToDate(Number(s)) : null;
}

// ── numbers ────────────────────────────────────────────────────────────────────────

/**
 * A number cell of a workbook → the text the reader checks: the shortest decimal that reads
 * back as the same 15-significant-digit value (Excel shows 15 digits: 0.1 + 0.2 → "0.3").
 */
export function numberCellText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const rounded = Number(n.toPrecision(15));
  if (Number.isInteger(rounded) && Math.abs(rounded) < 1e21) return BigInt(rounded).toString();
  return String(rounded);
}

/** Digits with optional thousands separators (`12,345`, `1,234,567.5`) → the plain digits, or null. */
function withoutThousands(s: string): string | null {
  if (/^\d+(\.\d+)?$/.test(s)) return s;
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) return s.replace(/,/g, "");
  return null;
}

/**
 * An amount in yuan → integer fen, or the reason it is refused: `¥1,234.50`, `￥88`,
 * `RMB 120`, `120元`, `1234.5` (at most two decimals, thousands separators in their places).
 */
export function parseAmount(raw: string): number | "negativeAmount" | "badAmount" {
  let s = toHalfWidth(raw).trim().replace(/^(?:¥|￥|RMB|CNY)\s*/i, "").replace(/\s*(?:元|RMB|CNY)$/i, "").trim();
  let negative = false;
  if (s.startsWith("-")) { negative = true; s = s.slice(1).trim().replace(/^(?:¥|￥)\s*/, ""); }
  const plain = withoutThousands(s);
  const fen = plain === null ? null : yuanToFen(plain);
  if (fen === null) return "badAmount";
  return negative && fen > 0 ? "negativeAmount" : fen;
}

/** Mileage in km: `12,345`, `12345 km`, `12345公里`, `12345.00` → a whole number ≥ 0, or null (`12.5` is refused). */
export function parseMileage(raw: string): number | null {
  const s = toHalfWidth(raw).trim().replace(/\s*(?:km|公里|千米)$/i, "");
  const plain = withoutThousands(s);
  if (plain === null || !/^\d+(\.0+)?$/.test(plain)) return null;
  const km = Number(plain);
  return Number.isSafeInteger(km) && km <= 99_999_999 ? km : null;
}

// ── phones ─────────────────────────────────────────────────────────────────────────

/** Excel's scientific notation of a long number (`1.38001E+10`): the digits are lost. */
export const SCIENTIFIC_RE = /^[+-]?\d+(?:\.\d+)?E\+?\d+$/i;

/**
 * Phone rule (docs/decisions/005-customer-import.md), on half-width text:
 * - a mainland mobile number: 11 digits `1[3-9]XXXXXXXXX`, optionally written with a
 *   `+86`/`86`/`0086` prefix and spaces or hyphens; stored as the 11 digits;
 * - or a landline with its area code: `0` + 2–3 digit area code + a 7–8 digit number
 *   (not starting with 0), with an optional hyphen after the area code (`0371-65432100`,
 *   `01087654321`); stored as written without spaces.
 */
export function normalizePhone(raw: string): string | null {
  const compact = toHalfWidth(raw).replace(/[\s\u00a0]/g, "");
  const mobile = compact.replace(/-/g, "").replace(/^(?:\+|00)?86(?=1\d{10}$)/, "");
  if (/^1[3-9]\d{9}$/.test(mobile)) return mobile;
  if (/^0\d{2,3}-?[1-9]\d{6,7}$/.test(compact)) return compact;
  return null;
}

/** A phone cell → the stored phone, or why it is refused (scientific notation has its own reason). */
export function parsePhone(raw: string): string | "badPhone" | "scientificNumber" {
  const s = toHalfWidth(raw).trim();
  if (SCIENTIFIC_RE.test(s)) return "scientificNumber";
  return normalizePhone(s) ?? "badPhone";
}

// ── enumerations ───────────────────────────────────────────────────────────────────

// Maps, not objects: a value such as "constructor" must not find Object.prototype's members
const GENDER = new Map<string, "M" | "F">([
  ["m", "M"], ["f", "F"], ["male", "M"], ["female", "F"], ["男", "M"], ["女", "F"], ["先生", "M"], ["女士", "F"],
]);
export const parseGender = (raw: string): "M" | "F" | undefined => GENDER.get(toHalfWidth(raw).trim().toLowerCase());

const USAGE_ALIASES = new Map<string, Usage>(Object.entries({
  ...Object.fromEntries(USAGES.map((u) => [u, u])),
  私家车: "private", 私家: "private", 私人: "private", 非营运: "private", 非营运车: "private", 个人: "private",
  公务车: "official", 公务: "official", 公车: "official", 单位: "official",
  营运车: "commercial", 营运: "commercial",
}) as [string, Usage][]);
export const parseUsage = (raw: string): Usage | undefined => USAGE_ALIASES.get(toHalfWidth(raw).trim().toLowerCase());

const FLAG = new Map<string, 0 | 1>(Object.entries({
  "": 0, "0": 0, "1": 1, 否: 0, 是: 1, n: 0, y: 1, no: 0, yes: 1, false: 0, true: 1,
}) as [string, 0 | 1][]);
/** do-not-contact: 0/1, 是/否, y/n, yes/no, true/false; empty = 0 (an import never clears it: decision 013). */
export const parseFlag = (raw: string): 0 | 1 | undefined => FLAG.get(toHalfWidth(raw).trim().toLowerCase());

const TYPE_ALIASES = new Map<string, VisitType>([
  ...VISIT_TYPES.map((t) => [t, t] as [string, VisitType]),
  ...VISIT_TYPES.map((t) => [VISIT_TYPE_ZH[t], t] as [string, VisitType]),
  ["首次保养", "first_maintenance"], ["定期保养", "maintenance"], ["常规保养", "maintenance"],
  ["一般维修", "repair"], ["机电维修", "repair"], ["保修", "warranty"], ["索赔", "warranty"],
  ["事故车", "accident"], ["保险理赔", "accident"], ["延长保修", "extended_warranty"], ["装饰", "decoration"],
]);
export const parseVisitType = (raw: string): VisitType | undefined => {
  const s = toHalfWidth(raw).trim();
  return TYPE_ALIASES.get(s) ?? TYPE_ALIASES.get(s.toLowerCase());
};

/** Chinese names as in the zh-CN catalog (common.json "preferences"). */
const PREFERENCE_ZH: Record<(typeof PREFERENCES)[number], string[]> = {
  car_show: ["车展"],
  fashion_jewellery: ["时装珠宝", "时装", "珠宝"],
  wine_cigar: ["洋酒雪茄", "洋酒", "雪茄"],
  home_audio: ["家用音响", "音响"],
  art: ["艺术"],
  finance_networking: ["理财及商界联谊", "理财", "商界联谊"],
  charity_auction: ["慈善拍卖", "收藏拍卖"],
  beauty_makeup: ["美容彩妆", "彩妆"],
  golf: ["高尔夫"],
  fitness_nutrition: ["健身营养", "健身"],
  children_education: ["儿童教育"],
  test_drive: ["试驾会", "试驾"],
};
const PREFERENCE_ALIASES = new Map<string, string>([
  ...PREFERENCES.map((p) => [p, p] as [string, string]),
  ...Object.entries(PREFERENCE_ZH).flatMap(([key, names]) => names.map((n) => [n, key] as [string, string])),
]);

/** A preference list split on `; , 、 ， ； |` → keys (sorted, unique) and the items not recognised. */
export function parsePreferences(raw: string): { prefs: string[]; unknown: string[] } {
  const prefs: string[] = [];
  const unknown: string[] = [];
  for (const item of raw.split(/[;；,，、|]/)) {
    const key = item.trim();
    if (key === "") continue;
    const pref = PREFERENCE_ALIASES.get(key.toLowerCase()) ?? PREFERENCE_ALIASES.get(key);
    if (!pref) unknown.push(key);
    else if (!prefs.includes(pref)) prefs.push(pref);
  }
  return { prefs: prefs.sort(), unknown };
}

// ── rows ───────────────────────────────────────────────────────────────────────────

/**
 * A row with one field more than the header where two neighbouring fields read as one number
 * with a thousands separator (`1`,`234.50`): the likely cause of its wrong field count is an
 * amount written with a comma and not quoted. Returns that amount as written, or null.
 */
export function unquotedThousands(rec: string[], width: number): string | null {
  if (rec.length <= width) return null;
  for (let i = 0; i + 1 < rec.length; i++) {
    const a = rec[i]!.trim().replace(/^[¥￥]/, "");
    const b = rec[i + 1]!.trim();
    if (/^\d{1,3}$/.test(a) && /^\d{3}(\.\d{1,2})?(元)?$/.test(b)) return `${rec[i]!.trim()},${b}`;
  }
  return null;
}
