/**
 * Reads a QR code from a camera frame (issue 15). Loaded with a dynamic import only after the user
 * starts the camera, so the event page's first load carries none of it. The browser's own
 * BarcodeDetector is used where it reads QR codes (Android, ChromeOS, macOS); elsewhere ZXing's QR
 * reader (@zxing/library, imported by file so that only the QR reader's modules are bundled).
 */
import BinaryBitmap from "@zxing/library/esm/core/BinaryBitmap.js";
import DecodeHintType from "@zxing/library/esm/core/DecodeHintType.js";
import HybridBinarizer from "@zxing/library/esm/core/common/HybridBinarizer.js";
import QRCodeReader from "@zxing/library/esm/core/qrcode/QRCodeReader.js";
import RGBLuminanceSource from "@zxing/library/esm/core/RGBLuminanceSource.js";

export interface QrDecoder {
  /** "native" (BarcodeDetector) or "zxing" */
  kind: "native" | "zxing";
  /** The text of a QR code seen in the canvas's current picture, or null. */
  decode(canvas: HTMLCanvasElement): Promise<string | null>;
}

interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
interface BarcodeDetectorClass {
  new (opts: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

async function nativeDecoder(): Promise<QrDecoder | null> {
  const BD = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!BD) return null;
  try {
    if (!(await BD.getSupportedFormats()).includes("qr_code")) return null;
    const detector = new BD({ formats: ["qr_code"] });
    return {
      kind: "native",
      async decode(canvas) {
        const found = await detector.detect(canvas);
        return found[0]?.rawValue ?? null;
      },
    };
  } catch {
    return null;
  }
}

function zxingDecoder(): QrDecoder {
  const reader = new QRCodeReader();
  const hints = new Map<DecodeHintType, unknown>([[DecodeHintType.TRY_HARDER, true]]);
  let luminance = new Uint8ClampedArray(0);
  return {
    kind: "zxing",
    async decode(canvas) {
      const { width, height } = canvas;
      if (!width || !height) return null;
      const pixels = canvas.getContext("2d", { willReadFrequently: true })!.getImageData(0, 0, width, height).data;
      if (luminance.length !== width * height) luminance = new Uint8ClampedArray(width * height);
      for (let i = 0, p = 0; i < luminance.length; i++, p += 4) luminance[i] = (pixels[p]! + 2 * pixels[p + 1]! + pixels[p + 2]!) >> 2;
      try {
        const bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luminance, width, height)));
        return reader.decode(bitmap, hints).getText();
      } catch {
        return null; // no code in this picture (NotFound, Checksum, Format): try the next one
      } finally {
        reader.reset();
      }
    },
  };
}

export async function createQrDecoder(): Promise<QrDecoder> {
  return (await nativeDecoder()) ?? zxingDecoder();
}
