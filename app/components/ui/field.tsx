/**
 * The form fields of the one form pipeline (decision 023): each wires its label, `aria-invalid`,
 * `aria-describedby` (hint and error) and the translated error text next to it. Pass `error`
 * (an i18n key, e.g. from react-hook-form) or `failure` (the action's answer, `useFormFailure`):
 * with `failure` the field takes its error from `failure.errors[name]` and re-renders what was sent.
 */
import { forwardRef, useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import { useTranslation } from "react-i18next";
import type { FormFailure } from "~/utils/form";
import { fenToYuanText } from "~/utils/money";

/** Translates an error that is an i18n key (optionally "ns:key"). */
export function ErrorText({ id, message }: { id?: string; message?: string | null }) {
  const { t } = useTranslation();
  if (!message) return null;
  return <p className="field-error" id={id} role="alert">{t(message as any)}</p>;
}

type Wiring = { label: ReactNode; error?: string | null; hint?: ReactNode; failure?: FormFailure; name?: string; id?: string };

/** The ids and aria attributes of one field, its error from `error` or the failure answer. */
function useWiring({ id, error, hint, failure, name }: Omit<Wiring, "label">) {
  const auto = useId();
  const inputId = id ?? auto;
  const message = error ?? (name && failure ? failure.errors[name] : undefined) ?? null;
  const errorId = `${inputId}-error`;
  const hintId = `${inputId}-hint`;
  const describedBy = [message ? errorId : null, hint ? hintId : null].filter(Boolean).join(" ") || undefined;
  const sent = name && failure ? failure.values[name] : undefined;
  return { inputId, message, errorId, hintId, aria: { "aria-invalid": message ? true : undefined, "aria-describedby": describedBy }, sent: typeof sent === "string" ? sent : undefined };
}

function Frame({ inputId, label, hint, hintId, message, errorId, children, className = "field" }: {
  inputId: string; label: ReactNode; hint?: ReactNode; hintId: string; message: string | null; errorId: string; children: ReactNode; className?: string;
}) {
  return (
    <div className={className}>
      <label htmlFor={inputId}>{label}</label>
      {hint ? <span className="muted" id={hintId}>{hint}</span> : null}
      {children}
      <ErrorText id={errorId} message={message} />
    </div>
  );
}

/**
 * A labelled control's two halves: the attributes of the control itself (id, name, the value to
 * show, aria, the rest of its props) and the frame around it (label, hint, error).
 */
function useWired<P extends Wiring & { defaultValue?: string | number | readonly string[] }>({ label, error, hint, id, failure, name, defaultValue, ...rest }: P) {
  const w = useWiring({ id, error, hint, failure, name });
  const control = { id: w.inputId, name, defaultValue: w.sent ?? defaultValue, ...w.aria, ...rest };
  const frame = (child: ReactNode) => <Frame {...w} label={label} hint={hint}>{child}</Frame>;
  return { control, frame };
}

type InputProps = InputHTMLAttributes<HTMLInputElement> & Wiring;

/** A labelled input whose error sits next to it and is announced. */
export const Field = forwardRef<HTMLInputElement, InputProps>(function Field(props, ref) {
  const { control, frame } = useWired(props);
  return frame(<input ref={ref} {...control} />);
});
/** The former name of `Field`. */
export const TextField = Field;

/** A labelled multi-line text (comments, long plan texts), wired as `Field`. */
export const TextArea = forwardRef<HTMLTextAreaElement, TextareaHTMLAttributes<HTMLTextAreaElement> & Wiring>(function TextArea(props, ref) {
  const { control, frame } = useWired(props);
  return frame(<textarea ref={ref} {...control} />);
});

type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & Wiring & { options: readonly { value: string | number; label: ReactNode }[] };

/** A labelled select over `options`. */
export const Select = forwardRef<HTMLSelectElement, SelectProps>(function Select({ options, ...props }, ref) {
  const { control, frame } = useWired(props);
  return frame(
    <select ref={ref} {...control}>
      {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
    </select>,
  );
});

/** A check box with its label after it; `value` defaults to "on", as the schemas' checkbox helper reads it. */
export const Checkbox = forwardRef<HTMLInputElement, InputProps>(function Checkbox({ label, error, hint, id, failure, name, value = "on", defaultChecked, ...rest }, ref) {
  const w = useWiring({ id, error, hint, failure, name });
  const checked = failure && name ? ([] as unknown[]).concat(failure.values[name] ?? []).map(String).includes(String(value)) : defaultChecked;
  return (
    <div className="field check">
      <input ref={ref} type="checkbox" id={w.inputId} name={name} value={value} defaultChecked={checked} {...w.aria} {...rest} />
      <label htmlFor={w.inputId}>{label}</label>
      {hint ? <span className="muted" id={w.hintId}>{hint}</span> : null}
      <ErrorText id={w.errorId} message={w.message} />
    </div>
  );
});

/** An amount in yuan as typed ("1,280.50"); the stored fen `fen` is its default. */
export const MoneyField = forwardRef<HTMLInputElement, InputProps & { fen?: number | null }>(function MoneyField({ fen, defaultValue, ...rest }, ref) {
  return <Field ref={ref} inputMode="decimal" autoComplete="off" defaultValue={defaultValue ?? (fen === null || fen === undefined ? "" : fenToYuanText(fen))} {...rest} />;
});

/** A store-local date and time ("2026-05-01T09:30"), or a date alone with `dateOnly`. */
export const DateTimeField = forwardRef<HTMLInputElement, InputProps & { dateOnly?: boolean }>(function DateTimeField({ dateOnly, ...rest }, ref) {
  return <Field ref={ref} type={dateOnly ? "date" : "datetime-local"} {...rest} />;
});
