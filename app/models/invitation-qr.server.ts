import QRCode from "qrcode";

/** A QR code (SVG markup, generated on the server — no canvas) encoding an invitation code. */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
}
