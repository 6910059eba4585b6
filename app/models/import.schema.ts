/**
 * The customer-base import (基盘客户导入): the three CSV files, their columns with the
 * Chinese aliases accepted in a header, and the shape of the report. Browser-safe: the
 * page uses the reason codes to pick translated texts (`customers:import.reasons.<code>`).
 */
import { z } from "zod";
import { IMPORT_FILES, type ImportFile } from "./import.constants";

export { IMPORT_FILES, MAX_UPLOAD_BYTES, type ImportFile } from "./import.constants";

/**
 * Canonical column names per file, each with the header spellings accepted for it.
 * Headers are matched after trimming, ignoring case, spaces, "_" and "-".
 */
export const IMPORT_COLUMNS = {
  customers: {
    customer_code: ["客户编号", "客户代码", "客户号"],
    name: ["姓名", "客户姓名", "客户名称", "车主姓名", "车主"],
    phone: ["电话", "手机", "手机号", "手机号码", "联系电话", "联系方式", "移动电话"],
    gender: ["性别"],
    usage: ["用途", "车辆用途", "客户类型", "使用性质", "车辆性质"],
    preferences: ["偏好", "活动偏好", "兴趣爱好"],
    do_not_contact: ["勿扰", "拒绝联系", "拒绝营销"],
  },
  vehicles: {
    vin: ["车架号", "VIN", "VIN码", "车辆识别代号"],
    customer_code: ["客户编号", "客户代码", "客户号"],
    plate: ["车牌", "车牌号", "车牌号码"],
    model: ["车型", "车型名称"],
    purchase_date: ["购车日期", "购买日期", "开票日期"],
    warranty_end: ["质保到期", "质保到期日", "保修到期", "保修到期日", "保修截止日期"],
    insurance_expiry: ["保险到期", "保险到期日", "商业险到期日"],
    mileage_km: ["里程", "里程数", "公里数", "行驶里程", "进厂里程"],
  },
  visits: {
    ro_number: ["工单号", "维修工单号", "委托书号"],
    vin: ["车架号", "VIN", "VIN码", "车辆识别代号"],
    visit_date: ["进厂日期", "日期", "维修日期", "来店日期", "结算日期"],
    type: ["类型", "维修类型", "业务类型"],
    amount: ["金额", "工单金额", "产值", "结算金额"],
  },
} as const satisfies Record<ImportFile, Record<string, readonly string[]>>;

export type ImportColumn<F extends ImportFile> = keyof (typeof IMPORT_COLUMNS)[F] & string;

/** Columns a file must have: its key and what the rules need (issue 12); the others are optional. */
export const IMPORT_REQUIRED: { [F in ImportFile]: readonly ImportColumn<F>[] } = {
  customers: ["customer_code", "name"],
  vehicles: ["vin", "customer_code"],
  visits: ["ro_number", "vin", "visit_date", "type", "amount"],
};

/**
 * Header cells chosen by the user (`--map visits.visit_date=出厂日期`), before the names and
 * aliases; the field `ignore` skips a column the import does not know.
 */
export type ColumnMapping = { file: ImportFile; field: string; header: string }[];

/** `FILE.FIELD=HEADER` → one mapping entry, or an English message saying what is wrong. */
export function parseColumnMapping(text: string): ColumnMapping[number] | string {
  const m = /^([a-z]+)\.([a-z_]+)=(.+)$/.exec(text);
  if (!m) return `--map ${text}: expected FILE.FIELD=HEADER, e.g. visits.visit_date=出厂日期`;
  const [, file, field, header] = m as unknown as [string, string, string, string];
  if (!(IMPORT_FILES as readonly string[]).includes(file)) return `--map ${text}: the file must be one of ${IMPORT_FILES.join(", ")}`;
  const fields = [...Object.keys(IMPORT_COLUMNS[file as ImportFile]), "ignore"];
  if (!fields.includes(field)) return `--map ${text}: the field must be one of ${fields.join(", ")}`;
  return { file: file as ImportFile, field, header: header.trim() };
}

/** The key column of each file (unique per store). */
export const IMPORT_KEYS: { [F in ImportFile]: ImportColumn<F> } = {
  customers: "customer_code",
  vehicles: "vin",
  visits: "ro_number",
};

/** Why a row (or a header) was refused. Texts: `customers:import.reasons.<code>`. */
export const IMPORT_REASONS = [
  "required", // missing required field
  "badDate", // not a real calendar date (2026-02-30)
  "unknownType", // visit type not one of the 13 keys or their Chinese names
  "negativeAmount",
  "badAmount", // malformed amount (text, more than 2 decimals…)
  "unknownVin", // visit of a VIN neither in vehicles.csv nor on file
  "unknownCustomer", // vehicle of a customer code neither in customers.csv nor on file
  "duplicateKey", // the same key twice in one file
  "badPhone",
  "badGender",
  "badUsage",
  "badPreference",
  "badFlag", // do_not_contact other than 0/1/是/否
  "badNumber", // mileage not a whole number ≥ 0
  "tooLong",
  "badEncoding", // not UTF-8 (e.g. a GBK export)
  "controlChar", // a NUL or other control character inside a cell
  "columnCount", // a row with more or fewer fields than the header
  "badCsv", // broken quoting
  "missingColumn", // header lacks a column
  "unknownColumn", // header has a column we do not know
  "duplicateColumn", // two header cells name the same column
  "emptyFile", // no header line at all
  "undecodable", // neither UTF-8, UTF-16 (with its BOM) nor GB18030 text, nor a workbook
  "badWorkbook", // a zip that exceljs cannot read as a workbook
  "scientificNumber", // Excel turned a long number (a phone) into 1.38E+10
  "unquotedThousands", // one field more than the header: an amount with an unquoted thousands comma
  "mappedColumnMissing", // a --map names a header cell the file does not have
  "sheetNotFound", // --sheet names a sheet the workbook does not have
] as const;
export type ImportReason = (typeof IMPORT_REASONS)[number];

export interface ImportIssue {
  file: ImportFile;
  /** the file's own name (customers.csv, 客户.csv…) */
  fileName: string;
  /** 1-based line in the file; the header is line 1 */
  line: number;
  /** the column as written in the file's header ("" for row-level problems) */
  column: string;
  value: string;
  reason: ImportReason;
  /** e.g. the line where a duplicate key was first seen */
  firstLine?: number;
}

export interface ImportFileCounts {
  fileName: string;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

/** How a file was read (import-decode.server.ts): texts `customers:import.formats.<format>`. */
export const IMPORT_FORMATS = ["xlsx", "utf-8", "utf-8-bom", "utf-16le", "utf-16be", "gb18030"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export type ImportOutcome =
  | { ok: true; storeCreated: boolean; storeId: number; counts: Partial<Record<ImportFile, ImportFileCounts>>; formats?: Partial<Record<ImportFile, ImportFormat>> }
  | { ok: false; issues: ImportIssue[]; issueCount: number; truncated: boolean; formats?: Partial<Record<ImportFile, ImportFormat>> };

/** The most issues kept in a report; the total is always counted. */
export const MAX_REPORTED_ISSUES = 50_000;

/** The job page's URL parameter. */
export const JobIdSchema = z.string().regex(/^[A-Za-z0-9_-]{10,40}$/);

export type ImportPhase = "queued" | "reading" | "writing" | "done";
