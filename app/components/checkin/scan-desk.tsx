/**
 * The check-in desk's scanner (issue 15, JavaScript only; without it the search below works as
 * before). "Start the camera" opens the tablet's camera and reads QR codes continuously: each new
 * code is one check-in, answered in colour and sound (Web Audio, no file) with no dialog to
 * dismiss; the same code seen again within a few seconds is ignored, so one scan is one
 * check-in. The box beside it takes a typed code or a hardware scanner's keystrokes + Enter.
 * The QR decoder is imported only when the camera starts.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useFormat } from "~/utils/use-format";
import type { QrDecoder } from "./qr-decoder.client";

export type ScanAnswer =
  | { outcome: "checked_in" | "holdout_checked_in"; name: string; code: string; at: string }
  | { outcome: "already"; name: string; code: string; at: string; by: string | null }
  | { outcome: "not_invited"; code: string | null }
  | { outcome: "other_campaign"; code: string; campaign: string }
  | { outcome: "refused"; key: string; params: Record<string, string | number | null> }
  | { outcome: "error" };

/** The same code again within this time is the same guest still in front of the camera. */
const REPEAT_MS = 4000;
const FRAME_MS = 200;

type Tone = "ok" | "warn" | "bad";
export const toneOf = (a: ScanAnswer): Tone => (a.outcome === "checked_in" || a.outcome === "holdout_checked_in" ? "ok" : a.outcome === "already" ? "warn" : "bad");

let audio: AudioContext | null = null;
/** Made on a tap (browsers start audio only after a user gesture). */
function audioContext(): AudioContext | null {
  try {
    audio ??= new AudioContext();
    if (audio.state === "suspended") void audio.resume();
    return audio;
  } catch {
    return null;
  }
}

/** ok: one high beep; already in: two middle beeps; refused: one low buzz. */
function beep(tone: Tone) {
  const ctx = audioContext();
  if (!ctx) return;
  const notes: [number, number, number, OscillatorType][] = tone === "ok" ? [[1320, 0, 0.15, "sine"]]
    : tone === "warn" ? [[660, 0, 0.12, "sine"], [660, 0.2, 0.12, "sine"]] : [[200, 0, 0.45, "square"]];
  for (const [freq, start, length, type] of notes) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = type;
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.25, ctx.currentTime + start);
    gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + start + length);
    osc.connect(gain).connect(ctx.destination);
    osc.start(ctx.currentTime + start);
    osc.stop(ctx.currentTime + start + length + 0.02);
  }
}

export function ScanDesk({ campaignId, disabled, onCheckedIn }: { campaignId: number; disabled: boolean; onCheckedIn: () => void }) {
  const { t } = useTranslation(["desk"]);
  const f = useFormat();
  const [answer, setAnswer] = useState<ScanAnswer | null>(null);
  const [camera, setCamera] = useState<"off" | "starting" | "on" | "failed">("off");
  const [code, setCode] = useState("");
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const last = useRef<{ text: string; at: number } | null>(null);
  const busy = useRef(false);

  const submit = useCallback(async (text: string) => {
    let a: ScanAnswer;
    try {
      const res = await fetch(`/campaigns/${campaignId}/execution/scan`, {
        method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: new URLSearchParams({ code: text }),
      });
      const body = (await res.json()) as { ok: boolean; answer?: ScanAnswer };
      a = body.ok && body.answer ? body.answer : { outcome: "not_invited", code: null };
    } catch {
      a = { outcome: "error" };
    }
    setAnswer(a);
    beep(toneOf(a));
    if (a.outcome === "checked_in" || a.outcome === "holdout_checked_in") onCheckedIn();
  }, [campaignId, onCheckedIn]);

  /** A code read by the camera: ignored while the last one is being answered or when it is the same guest again. */
  const seen = useCallback(async (text: string) => {
    const now = Date.now();
    if (busy.current || (last.current && last.current.text === text && now - last.current.at < REPEAT_MS)) {
      if (last.current?.text === text) last.current.at = now;
      return;
    }
    last.current = { text, at: now };
    busy.current = true;
    try {
      await submit(text);
    } finally {
      busy.current = false;
    }
  }, [submit]);

  const stop = useCallback(() => {
    stream.current?.getTracks().forEach((track) => track.stop());
    stream.current = null;
    setCamera("off");
  }, []);

  useEffect(() => {
    if (camera !== "on") return;
    let cancelled = false;
    let decoder: QrDecoder | null = null;
    const canvas = document.createElement("canvas");
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      if (cancelled) return;
      const v = video.current;
      if (decoder && v && v.readyState >= 2 && v.videoWidth) {
        const scale = Math.min(1, 800 / v.videoWidth);
        canvas.width = Math.round(v.videoWidth * scale);
        canvas.height = Math.round(v.videoHeight * scale);
        canvas.getContext("2d", { willReadFrequently: true })!.drawImage(v, 0, 0, canvas.width, canvas.height);
        const text = await decoder.decode(canvas).catch(() => null);
        if (text && !cancelled) await seen(text);
      }
      timer = setTimeout(tick, FRAME_MS);
    };
    void import("./qr-decoder.client").then((m) => m.createQrDecoder()).then((d) => {
      decoder = d;
      void tick();
    });
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [camera, seen]);

  useEffect(() => stop, [stop]);

  async function start() {
    audioContext();
    last.current = null; // a fresh start: the guest in front of the camera counts again
    setCamera("starting");
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      stream.current = s;
      setCamera("on");
      const v = video.current!;
      v.srcObject = s;
      await v.play().catch(() => {});
    } catch {
      setCamera("failed");
    }
  }

  const message = (a: ScanAnswer): string => {
    switch (a.outcome) {
      case "checked_in": return t("answers.checkedIn", { name: a.name, time: f.dateTime(a.at) });
      case "holdout_checked_in": return t("answers.holdout", { name: a.name, time: f.dateTime(a.at) });
      case "already": return t("answers.already", { name: a.name, time: f.dateTime(a.at), by: a.by ?? "—" });
      case "not_invited": return t("answers.notInvited");
      case "other_campaign": return t("answers.otherCampaign", { campaign: a.campaign });
      case "refused": return t(a.key as "title", a.params as Record<string, string>);
      default: return t("answers.error");
    }
  };

  return (
    <div className="scan-desk" data-testid="scan-desk">
      <h3>{t("title")}</h3>
      <div className="scan-row">
        <div className="scan-camera">
          {/* the picture is for the person holding the phone up; the answer below is what counts */}
          <video ref={video} muted playsInline aria-hidden="true" hidden={camera !== "on"} data-testid="scan-video" />
          {camera === "on" ? (
            <button type="button" className="secondary" onClick={stop} data-testid="scan-stop">{t("stop")}</button>
          ) : (
            <button type="button" className="big-button" onClick={start} disabled={disabled || camera === "starting"} data-testid="scan-start">{t("start")}</button>
          )}
          {camera === "failed" ? <p className="form-error" role="alert">{t("cameraFailed")}</p> : null}
        </div>
        <form className="scan-code" onSubmit={(e) => {
          e.preventDefault();
          const text = code.trim();
          if (!text) return;
          audioContext();
          setCode("");
          void submit(text);
        }}>
          <div className="field">
            <label htmlFor="scan-code">{t("codeLabel")}</label>
            <input id="scan-code" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" maxLength={64}
              aria-describedby="scan-code-hint" disabled={disabled} data-testid="scan-code" />
            <span className="muted" id="scan-code-hint">{t("codeHint")}</span>
          </div>
          <button type="submit" className="big-button" disabled={disabled}>{t("checkIn")}</button>
        </form>
      </div>
      <p className={`answer scan-answer answer-${answer ? toneOf(answer) : "none"}`} role="status" aria-live="assertive" data-testid="scan-answer"
        data-outcome={answer?.outcome ?? ""} hidden={!answer}>
        {answer ? message(answer) : ""}
      </p>
    </div>
  );
}
