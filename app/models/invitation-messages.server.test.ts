import { describe, expect, it } from "vitest";
import { messagesCsv, messageTime, renderMessage, salutation } from "./invitation-messages.server";

describe("invitation messages", () => {
  it("fill the variables and leave unknown ones as written", () => {
    expect(renderMessage("【{门店}】{称呼}您好 {链接} {未知}", { 门店: "郑州店", 称呼: "王先生", 链接: "https://x/i/t" })).toBe("【郑州店】王先生您好 https://x/i/t {未知}");
    expect(salutation("李娜", "F")).toBe("李女士");
    expect(salutation("李娜", null)).toBe("李娜");
    expect(messageTime("2026-12-12T09:00")).toBe("2026/12/12 09:00");
  });

  it("download as UTF-8 CSV with a BOM, CRLF lines and formula-safe cells", () => {
    const csv = messagesCsv([{ customer_code: "C1", name: "=1+1", phone: "13800000000", channel: "sms", message: "a, \"b\"", link: "https://x/i/t" }]);
    expect(csv.startsWith("\uFEFFcustomer_code,name,phone,channel,message,link\r\n")).toBe(true);
    expect(csv).toContain("C1,'=1+1,13800000000,sms,\"a, \"\"b\"\"\",https://x/i/t\r\n");
  });
});
